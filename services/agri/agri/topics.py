"""Kafka topics of the agri service and their payload types (see proto/zezhou5g/agri)."""

from zezhou5g.agri.v1 import agri_pb2

TELEMETRY = "agri.telemetry"
FIELD_STATUS = "agri.field.status"

CONSUMES = {TELEMETRY: agri_pb2.SensorReading}
