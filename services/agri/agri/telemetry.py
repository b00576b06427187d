"""Handles field telemetry: validate, keep the latest per field, publish the field status."""

from __future__ import annotations

import redis
from zezhou5g.agri.v1 import agri_pb2
from zezhou5g.platform.events import ConsumedEvent
from zezhou5g.platform.kafka import EventProducer, RejectEvent
from zezhou5g.platform.latest import LatestStore
from zezhou5g.platform.redis import first_seen
from zezhou5g.platform.validation import present_fields, range_violations

from agri.domain.plausibility import RANGES
from agri.topics import FIELD_STATUS


class TelemetryProcessor:
    """Turns ``SensorReading`` events into ``FieldStatus`` events."""

    def __init__(self, client: redis.Redis, producer: EventProducer) -> None:
        self.client = client
        self.producer = producer
        self.fields: LatestStore[agri_pb2.FieldStatus] = LatestStore(
            client, "agri:field", agri_pb2.FieldStatus)

    def handle(self, event: ConsumedEvent) -> None:
        """Kafka handler for ``agri.telemetry``."""
        reading = event.message
        assert isinstance(reading, agri_pb2.SensorReading)
        if not reading.device_id or not reading.field_id:
            raise RejectEvent("device_id and field_id are required")
        bad = range_violations(present_fields(reading, list(RANGES)), RANGES)
        if bad:
            raise RejectEvent("; ".join(bad))
        if not first_seen(self.client, event, "agri"):
            return
        total = int(self.client.incr(f"agri:readings_total:{reading.field_id}"))
        status = agri_pb2.FieldStatus(field_id=reading.field_id, latest=reading,
                                      readings_total=total)
        status.meta.event_time.CopyFrom(reading.meta.event_time)
        self.producer.publish(FIELD_STATUS, status, key=reading.field_id)
        self.fields.put(reading.field_id, status)
