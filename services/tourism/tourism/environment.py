"""Handles environment readings: validate, fold into the area's status, publish it."""

from __future__ import annotations

from zezhou5g.platform.events import ConsumedEvent
from zezhou5g.platform.kafka import EventProducer, RejectEvent
from zezhou5g.platform.redis import first_seen
from zezhou5g.platform.validation import present_fields, range_violations
from zezhou5g.tourism.v1 import tourism_pb2

from tourism.adapters.environment_store import FIELDS, EnvironmentStore
from tourism.domain.comfort import VALID_RANGES, comfort
from tourism.topics import ENV_STATUS


class EnvironmentProcessor:
    """Turns ``EnvironmentReading`` events into ``AreaEnvironment`` status events."""

    def __init__(self, store: EnvironmentStore, producer: EventProducer,
                 stale_after_s: float) -> None:
        self.store = store
        self.producer = producer
        self.stale_after_s = stale_after_s

    def handle(self, event: ConsumedEvent) -> None:
        """Kafka handler for ``tourism.env.readings``."""
        reading = event.message
        assert isinstance(reading, tourism_pb2.EnvironmentReading)
        if not reading.sensor_id or not reading.area_id:
            raise RejectEvent("sensor_id and area_id are required")
        bad = range_violations(present_fields(reading, FIELDS), VALID_RANGES)
        if bad:
            raise RejectEvent("; ".join(bad))
        if not first_seen(self.store.client, event, "tourism"):
            return  # a redelivered event: already folded in
        at_s = reading.meta.event_time.ToMicroseconds() / 1e6
        self.store.put_reading(reading, at_s)
        fresh = self.store.fresh_readings(reading.area_id, at_s, self.stale_after_s)
        mean = {f: sum(r[f] for r in fresh) / len(fresh) for f in FIELDS}
        assessed = comfort(**mean)
        status = tourism_pb2.AreaEnvironment(
            area_id=reading.area_id, thi=assessed.thi, comfort_index=assessed.index,
            comfort_level=assessed.level, readings_total=self.store.count_reading(reading.area_id))
        for name, value in mean.items():
            setattr(status, name, round(value, 2))
        status.meta.event_time.CopyFrom(reading.meta.event_time)
        self.producer.publish(ENV_STATUS, status, key=reading.area_id)
        self.store.areas.put(reading.area_id, status)
