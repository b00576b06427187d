"""Kafka topics of the transport service and their payload types (proto/zezhou5g/transport)."""

from zezhou5g.transport.v1 import transport_pb2

GATE_HEARTBEATS = "transport.gate.heartbeats"
GATE_STATUS = "transport.gate.status"

CONSUMES = {GATE_HEARTBEATS: transport_pb2.GateHeartbeat}
