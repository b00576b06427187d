"""Handles vital-sign observations: validate, drop duplicates, keep the latest per patient."""

from __future__ import annotations

import redis
from zezhou5g.medical.v1 import medical_pb2
from zezhou5g.platform.events import ConsumedEvent
from zezhou5g.platform.kafka import EventProducer, RejectEvent
from zezhou5g.platform.latest import LatestStore
from zezhou5g.platform.validation import present_fields, range_violations

from medical.domain.plausibility import RANGES
from medical.topics import PATIENT_STATUS


class VitalsProcessor:
    """Turns ``VitalSigns`` events into ``PatientVitals`` status events."""

    def __init__(self, client: redis.Redis, producer: EventProducer) -> None:
        self.client = client
        self.producer = producer
        self.patients: LatestStore[medical_pb2.PatientVitals] = LatestStore(
            client, "medical:patient", medical_pb2.PatientVitals)

    def handle(self, event: ConsumedEvent) -> None:
        """Kafka handler for ``medical.vitals``."""
        vitals = event.message
        assert isinstance(vitals, medical_pb2.VitalSigns)
        if not vitals.patient_id or not vitals.device_id:
            raise RejectEvent("patient_id and device_id are required")
        bad = range_violations(present_fields(vitals, list(RANGES)), RANGES)
        if bad:
            raise RejectEvent("; ".join(bad))
        # The device sequence number tells a resend (same seq) and a late arrival (lower seq).
        last = self.client.get(f"medical:seq:{vitals.device_id}")
        if last is not None and vitals.seq <= int(str(last)):
            return
        self.client.set(f"medical:seq:{vitals.device_id}", vitals.seq)
        total = int(self.client.incr(f"medical:observations_total:{vitals.patient_id}"))
        status = medical_pb2.PatientVitals(patient_id=vitals.patient_id, latest=vitals,
                                           observations_total=total)
        status.meta.event_time.CopyFrom(vitals.meta.event_time)
        self.producer.publish(PATIENT_STATUS, status, key=vitals.patient_id)
        self.patients.put(vitals.patient_id, status)
