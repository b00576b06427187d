"""Gate heartbeats (``transport.gate.heartbeats``): keep each gate's status, publish it.

One Redis unit per heartbeat: the heartbeat's id is recorded as processed, the gate's count and
latest status are written and its ``GateStatus`` is staged, all in one MULTI/EXEC. A heartbeat
delivered again finds its id recorded and changes nothing.
"""

from __future__ import annotations

from zezhou5g.platform.events import ConsumedEvent
from zezhou5g.platform.kafka import RejectEvent
from zezhou5g.platform.outbox import RedisOutbox, RedisUnit, derived_id
from zezhou5g.transport.v1 import transport_pb2

from transport.adapters.state import GateStore
from transport.domain.heartbeat import gate_state
from transport.topics import GATE_HEARTBEATS, GATE_STATUS


def status_event_id(heartbeat_id: str) -> str:
    """Event id of the GateStatus a heartbeat produces (the same each time it is processed)."""
    return derived_id(GATE_STATUS, heartbeat_id)


class Heartbeats:
    """Turns ``GateHeartbeat`` events into ``GateStatus`` events and the gates' latest state."""

    def __init__(self, outbox: RedisOutbox, gates: GateStore) -> None:
        self.outbox = outbox
        self.gates = gates

    def handle(self, event: ConsumedEvent) -> None:
        """Kafka handler for ``transport.gate.heartbeats``."""
        beat = event.message
        assert isinstance(beat, transport_pb2.GateHeartbeat)
        if not beat.gate_id or not beat.station_id:
            raise RejectEvent("gate_id and station_id are required")
        if not event.event_id:
            raise RejectEvent("heartbeat without event id cannot be processed exactly once")

        def work(unit: RedisUnit) -> None:
            if not unit.fresh(event.event_id):
                return
            total = self.gates.heartbeats_total(unit, beat.gate_id) + 1
            status = transport_pb2.GateStatus(
                gate_id=beat.gate_id, station_id=beat.station_id,
                state=gate_state(beat.camera_ok), queue_length=beat.queue_length,
                heartbeats_total=total)
            status.meta.event_time.CopyFrom(beat.meta.event_time)
            unit.emit(GATE_STATUS, status, beat.gate_id, status_event_id(event.event_id))
            self.gates.stage_status(unit, status)

        self.outbox.transact(work, consumed=[event.event_id], topic=GATE_HEARTBEATS)

    def statuses(self) -> list[transport_pb2.GateStatus]:
        """Every gate's latest status (``ListGateStatus``)."""
        return self.gates.statuses()
