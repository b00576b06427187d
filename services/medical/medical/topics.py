"""Kafka topics of the medical service (declared in proto/zezhou5g/medical, generated registry).

The names come from :mod:`zezhou5g.contracts.topics`; the maps say which this service consumes,
produces and keeps in SQL.
"""

from zezhou5g.contracts import topics

VITALS = topics.MEDICAL_VITALS.name
VITALS_BATCHES = topics.MEDICAL_VITALS_BATCHES.name
PATIENT_STATUS = topics.MEDICAL_PATIENT_STATUS.name
ALERTS = topics.MEDICAL_ALERTS.name
AMBULANCE = topics.MEDICAL_AMBULANCE_TELEMETRY.name
PREARRIVAL = topics.MEDICAL_PREARRIVAL.name

CONSUMES = {t.name: t.message for t in (topics.MEDICAL_VITALS, topics.MEDICAL_VITALS_BATCHES,
                                        topics.MEDICAL_AMBULANCE_TELEMETRY)}
PRODUCES = {t.name: t.message for t in (topics.MEDICAL_PATIENT_STATUS, topics.MEDICAL_ALERTS,
                                        topics.MEDICAL_PREARRIVAL)}
# What the records writer keeps in SQL.
RECORDS = {t.name: t.message for t in (topics.MEDICAL_PATIENT_STATUS, topics.MEDICAL_ALERTS)}
