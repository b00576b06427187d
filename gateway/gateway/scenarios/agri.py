"""Agri's streams and devices, as the gateway sees them."""

from zezhou5g.agri.v1 import agri_pb2

from gateway.scenarios.contract import DeviceIngest, StatusStream

STREAMS = {
    "agri.field.status": StatusStream("agri", agri_pb2.FieldStatus, public=True),
}
# Keyed by device kind: POST /api/devices/agri/<kind>.
DEVICES = {
    "readings": DeviceIngest("agri.telemetry", agri_pb2.SensorReading, "device_id"),
}
