"""Handles gate heartbeats: keep each gate's state, publish it."""

from __future__ import annotations

import redis
from zezhou5g.platform.events import ConsumedEvent
from zezhou5g.platform.kafka import EventProducer, RejectEvent
from zezhou5g.platform.latest import LatestStore
from zezhou5g.platform.redis import first_seen
from zezhou5g.transport.v1 import transport_pb2

from transport.topics import GATE_STATUS


def gate_state(camera_ok: bool) -> str:
    """``online``, or ``degraded`` when the camera is down.

    A degraded gate closes its face lane; the manual lane stays open (face recognition may not
    be the only way in).
    """
    return "online" if camera_ok else "degraded"


class GateProcessor:
    """Turns ``GateHeartbeat`` events into ``GateStatus`` events."""

    def __init__(self, client: redis.Redis, producer: EventProducer) -> None:
        self.client = client
        self.producer = producer
        self.gates: LatestStore[transport_pb2.GateStatus] = LatestStore(
            client, "transport:gate", transport_pb2.GateStatus)

    def handle(self, event: ConsumedEvent) -> None:
        """Kafka handler for ``transport.gate.heartbeats``."""
        beat = event.message
        assert isinstance(beat, transport_pb2.GateHeartbeat)
        if not beat.gate_id or not beat.station_id:
            raise RejectEvent("gate_id and station_id are required")
        if not first_seen(self.client, event, "transport"):
            return
        total = int(self.client.incr(f"transport:heartbeats_total:{beat.gate_id}"))
        status = transport_pb2.GateStatus(
            gate_id=beat.gate_id, station_id=beat.station_id, state=gate_state(beat.camera_ok),
            queue_length=beat.queue_length, heartbeats_total=total)
        status.meta.event_time.CopyFrom(beat.meta.event_time)
        self.producer.publish(GATE_STATUS, status, key=beat.gate_id)
        self.gates.put(beat.gate_id, status)
