"""Tourism's streams and devices, as the gateway sees them."""

from zezhou5g.tourism.v1 import flow_pb2, tourism_pb2

from gateway.scenarios.contract import DeviceIngest, StatusStream

STREAMS = {
    "tourism.env.status": StatusStream("tourism", tourism_pb2.AreaEnvironment, public=True),
    # Zone aggregates only (counts, density, level): nothing about a person, so public.
    "tourism.zone.status": StatusStream("tourism", flow_pb2.ZoneStatus, public=True),
    "tourism.area.flow": StatusStream("tourism", flow_pb2.AreaFlow, public=True),
    "tourism.zone.alerts": StatusStream("tourism", flow_pb2.ZoneAlert, public=False),
}
# Keyed by device kind: POST /api/devices/tourism/<kind>.
DEVICES = {
    "readings": DeviceIngest("tourism.env.readings", tourism_pb2.EnvironmentReading, "sensor_id",
                             ("env_sensor",), "area_id"),
}
