"""What happens when a clinician changes how a patient is scored (``SetSpo2Scale``)."""

from __future__ import annotations

from zezhou5g.medical.v1 import medical_pb2
from zezhou5g.platform.outbox import RedisOutbox

from medical.adapters.patient_store import PatientStore
from medical.adapters.records import Records


class PatientRegistry:
    """Registered patients: SQL holds the record, Redis the copy the consumers score with."""

    def __init__(self, records: Records, store: PatientStore, outbox: RedisOutbox) -> None:
        self.records = records
        self.store = store
        self.outbox = outbox

    def set_spo2_scale(self, patient: medical_pb2.Patient, scale2: bool) -> medical_pb2.Patient:
        """Put ``patient`` on SpO2 scale 2 (or back on 1); returns the updated registration.

        SQL first: a crash before the Redis copy is written is repaired at the next start,
        which mirrors SQL into Redis.
        """
        updated = medical_pb2.Patient()
        updated.CopyFrom(patient)
        updated.spo2_scale2 = scale2
        self.records.set_scale2(updated.patient_id, scale2)
        self.outbox.transact(lambda unit: self.store.stage_registered(unit, [updated]))
        return updated
