"""Transport's streams and devices, as the gateway sees them."""

from zezhou5g.transport.v1 import transport_pb2

from gateway.scenarios.contract import DeviceIngest, StatusStream

STREAMS = {
    "transport.gate.status": StatusStream("transport", transport_pb2.GateStatus, public=True),
    # Decisions carry a pseudonymous passenger reference: station staff only.
    "transport.gate.decisions": StatusStream("transport", transport_pb2.GateDecision,
                                             public=False),
    "transport.payments": StatusStream("transport", transport_pb2.PaymentEvent, public=False),
}
# Keyed by device kind: POST /api/devices/transport/<kind>.
DEVICES = {
    "readings": DeviceIngest("transport.gate.heartbeats", transport_pb2.GateHeartbeat, "gate_id"),
}
