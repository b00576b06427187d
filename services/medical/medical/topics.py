"""Kafka topics of the medical service and their payload types (see proto/zezhou5g/medical)."""

from zezhou5g.medical.v1 import medical_pb2

VITALS = "medical.vitals"
PATIENT_STATUS = "medical.patient.status"

CONSUMES = {VITALS: medical_pb2.VitalSigns}
