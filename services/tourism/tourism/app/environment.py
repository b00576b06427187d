"""Environment readings: validate, fold into the area's status, store it and publish it.

A reading (``tourism.env.readings``) is folded in once: the check that its id is new, the
sensor's latest reading, the area's total and status, and the staged ``AreaEnvironment``
(``tourism.env.status``, id derived from the reading's) commit in one unit.
"""

from __future__ import annotations

from zezhou5g.platform.events import ConsumedEvent
from zezhou5g.platform.kafka import RejectEvent
from zezhou5g.platform.outbox import RedisOutbox, RedisUnit, derived_id
from zezhou5g.platform.validation import present_fields, range_violations
from zezhou5g.tourism.v1 import tourism_pb2

from tourism.adapters.environment_store import FIELDS, EnvironmentStore
from tourism.domain.comfort import VALID_RANGES, comfort
from tourism.topics import ENV_READINGS, ENV_STATUS
from tourism.wire import comfort_level


class EnvironmentReadings:
    """Turns ``EnvironmentReading`` events into ``AreaEnvironment`` status events.

    Args:
        store: the environment's Redis state.
        outbox: the service's outbox.
        stale_after_s: a sensor's reading older than this (s, by event time) no longer
            counts towards its area.
    """

    def __init__(self, store: EnvironmentStore, outbox: RedisOutbox,
                 stale_after_s: float) -> None:
        self.store = store
        self.outbox = outbox
        self.stale_after_s = stale_after_s

    def handle(self, event: ConsumedEvent) -> None:
        """Kafka handler for ``tourism.env.readings``.

        Raises:
            RejectEvent: the reading lacks its ids or a value is out of range.
        """
        reading = event.message
        assert isinstance(reading, tourism_pb2.EnvironmentReading)
        if not reading.sensor_id or not reading.area_id:
            raise RejectEvent("sensor_id and area_id are required")
        bad = range_violations(present_fields(reading, FIELDS), VALID_RANGES)
        if bad:
            raise RejectEvent("; ".join(bad))
        self.outbox.transact(lambda unit: self._fold(unit, event.event_id, reading),
                             consumed=[event.event_id], topic=ENV_READINGS)

    def _fold(self, unit: RedisUnit, event_id: str,
              reading: tourism_pb2.EnvironmentReading) -> None:
        if not unit.fresh(event_id):
            return  # a redelivered reading: folded in, its status staged, already
        at_s = reading.meta.event_time.ToMicroseconds() / 1e6
        area = self.store.read_area(unit, reading.area_id)
        sensors = area.sensors | {
            reading.sensor_id: {f: getattr(reading, f) for f in FIELDS} | {"at_s": at_s}}
        fresh = [r for r in sensors.values() if at_s - r["at_s"] <= self.stale_after_s]
        mean = {f: sum(r[f] for r in fresh) / len(fresh) for f in FIELDS}
        assessed = comfort(**mean)
        status = tourism_pb2.AreaEnvironment(
            area_id=reading.area_id, thi=assessed.thi, comfort_index=assessed.index,
            comfort_band=comfort_level(assessed.level), readings_total=area.total + 1)
        for name, value in mean.items():
            setattr(status, name, round(value, 2))
        status.meta.event_time.CopyFrom(reading.meta.event_time)
        unit.emit(ENV_STATUS, status, reading.area_id, derived_id(ENV_STATUS, event_id))
        self.store.stage_reading(unit, reading, at_s, area.total + 1, status)

    def statuses(self) -> list[tourism_pb2.AreaEnvironment]:
        """Latest status of every area (``ListAreaEnvironment``)."""
        return self.store.statuses()
