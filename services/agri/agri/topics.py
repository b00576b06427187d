"""Kafka topics of the agri service (declared in proto/zezhou5g/agri, generated registry).

The names come from :mod:`zezhou5g.contracts.topics`; the maps say which this service consumes
and produces.
"""

from zezhou5g.contracts import topics

TELEMETRY = topics.AGRI_TELEMETRY.name
TELEMETRY_BATCHES = topics.AGRI_TELEMETRY_BATCHES.name
MACHINE_POSITIONS = topics.AGRI_MACHINE_POSITIONS.name
FIELD_STATUS = topics.AGRI_FIELD_STATUS.name
ALARMS = topics.AGRI_ALARMS.name
ORDERS = topics.AGRI_ORDERS.name

CONSUMES = {t.name: t.message for t in (topics.AGRI_TELEMETRY, topics.AGRI_TELEMETRY_BATCHES,
                                        topics.AGRI_MACHINE_POSITIONS)}
PRODUCES = (FIELD_STATUS, ALARMS, ORDERS)
