"""Kafka topics of the medical service and their payload types (see proto/zezhou5g/medical)."""

from zezhou5g.medical.v1 import medical_pb2

VITALS = "medical.vitals"
PATIENT_STATUS = "medical.patient.status"
ALERTS = "medical.alerts"
AMBULANCE = "medical.ambulance.telemetry"
PREARRIVAL = "medical.prearrival"

CONSUMES = {VITALS: medical_pb2.VitalSigns, AMBULANCE: medical_pb2.AmbulanceTelemetry}
PRODUCES = {PATIENT_STATUS: medical_pb2.PatientVitals, ALERTS: medical_pb2.Alert,
            PREARRIVAL: medical_pb2.PreArrivalNotice}
# What the records writer keeps in SQL.
RECORDS = {PATIENT_STATUS: medical_pb2.PatientVitals, ALERTS: medical_pb2.Alert}
