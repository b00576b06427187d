"""Kafka topics of the transport service and their payload types (proto/zezhou5g/transport)."""

from zezhou5g.transport.v1 import transport_pb2

GATE_HEARTBEATS = "transport.gate.heartbeats"
GATE_STATUS = "transport.gate.status"
FACE_ENROLMENTS = "transport.face.enrolments"
GATE_DECISIONS = "transport.gate.decisions"
PAYMENTS = "transport.payments"

CONSUMES = {GATE_HEARTBEATS: transport_pb2.GateHeartbeat}
ENROLMENT_EVENTS = {FACE_ENROLMENTS: transport_pb2.FaceEnrolmentEvent}
DECISION_EVENTS = {GATE_DECISIONS: transport_pb2.GateDecision}
PRODUCES = (GATE_STATUS, FACE_ENROLMENTS, GATE_DECISIONS, PAYMENTS)
