"""Kafka topics of the tourism service (declared in proto/zezhou5g/tourism, generated registry).

The names come from :mod:`zezhou5g.contracts.topics`; the maps say which this service consumes
and produces (visitor flow from the cameras: zone status, alerts, area flow).
"""

from zezhou5g.contracts import topics

ENV_READINGS = topics.TOURISM_ENV_READINGS.name
ENV_STATUS = topics.TOURISM_ENV_STATUS.name
ZONE_STATUS = topics.TOURISM_ZONE_STATUS.name
ZONE_ALERTS = topics.TOURISM_ZONE_ALERTS.name
AREA_FLOW = topics.TOURISM_AREA_FLOW.name

CONSUMES = {t.name: t.message for t in (topics.TOURISM_ENV_READINGS,)}
PRODUCES = (ENV_STATUS, ZONE_STATUS, ZONE_ALERTS, AREA_FLOW)
