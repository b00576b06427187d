"""Kafka topics of the transport service (declared in proto/zezhou5g/transport, generated registry).

The names come from :mod:`zezhou5g.contracts.topics`; the maps say which this service consumes
(and in which consumer group: see main.py) and produces.
"""

from zezhou5g.contracts import topics

GATE_HEARTBEATS = topics.TRANSPORT_GATE_HEARTBEATS.name
GATE_STATUS = topics.TRANSPORT_GATE_STATUS.name
FACE_ENROLMENTS = topics.TRANSPORT_FACE_ENROLMENTS.name
GATE_DECISIONS = topics.TRANSPORT_GATE_DECISIONS.name
PAYMENTS = topics.TRANSPORT_PAYMENTS.name

CONSUMES = {t.name: t.message for t in (topics.TRANSPORT_GATE_HEARTBEATS,)}
ENROLMENT_EVENTS = {t.name: t.message for t in (topics.TRANSPORT_FACE_ENROLMENTS,)}
DECISION_EVENTS = {t.name: t.message for t in (topics.TRANSPORT_GATE_DECISIONS,)}
PRODUCES = (GATE_STATUS, FACE_ENROLMENTS, GATE_DECISIONS, PAYMENTS)
