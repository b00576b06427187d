"""Kafka topics of the tourism service and their payload types (see proto/zezhou5g/tourism)."""

from zezhou5g.tourism.v1 import tourism_pb2

ENV_READINGS = "tourism.env.readings"
ENV_STATUS = "tourism.env.status"

CONSUMES = {ENV_READINGS: tourism_pb2.EnvironmentReading}
