"""Tourism's streams and devices, as the gateway sees them."""

from zezhou5g.tourism.v1 import tourism_pb2

from gateway.scenarios.contract import DeviceIngest, StatusStream

STREAMS = {
    "tourism.env.status": StatusStream("tourism", tourism_pb2.AreaEnvironment, public=True),
}
# Keyed by device kind: POST /api/devices/tourism/<kind>.
DEVICES = {
    "readings": DeviceIngest("tourism.env.readings", tourism_pb2.EnvironmentReading, "sensor_id"),
}
