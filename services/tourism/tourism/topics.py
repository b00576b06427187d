"""Kafka topics of the tourism service and their payload types (see proto/zezhou5g/tourism)."""

from zezhou5g.tourism.v1 import tourism_pb2

ENV_READINGS = "tourism.env.readings"
ENV_STATUS = "tourism.env.status"
# Visitor flow from the cameras (flow.proto), produced by this service.
ZONE_STATUS = "tourism.zone.status"
ZONE_ALERTS = "tourism.zone.alerts"
AREA_FLOW = "tourism.area.flow"

CONSUMES = {ENV_READINGS: tourism_pb2.EnvironmentReading}
PRODUCES = (ENV_STATUS, ZONE_STATUS, ZONE_ALERTS, AREA_FLOW)
