"""What happens when ambulance telemetry arrives: the trip's NEWS2 trend, ETA, pre-arrival notice.

Consumer of ``medical.ambulance.telemetry``. Each message is one outbox unit that watches the
ambulance's trip: the trip and its ``PreArrivalNotice`` (id derived from the telemetry's event
id) commit together. Telemetry not newer than the trip's last is a resend or late: dropped, in
the same transaction that would have applied it.
"""

from __future__ import annotations

from datetime import UTC

from zezhou5g.medical.v1 import medical_pb2
from zezhou5g.platform.events import ConsumedEvent
from zezhou5g.platform.kafka import RejectEvent
from zezhou5g.platform.metrics import EVENTS_DUPLICATE
from zezhou5g.platform.outbox import RedisOutbox, RedisUnit, derived_id

from medical.adapters.trip_store import Trip, TripStore
from medical.app.vitals import validate
from medical.domain.news2 import Observation, score
from medical.domain.prearrival import Place, estimate
from medical.topics import PREARRIVAL
from medical.wire import news2_message, news2_values

HOSPITALS = {
    # Approximate position of Zezhou County People's Hospital in Jincheng (WGS-84).
    "zezhou-people": Place("zezhou-people", "泽州县人民医院", "Zezhou County People's Hospital",
                           35.5012, 112.8395),
}
TREND_KEEP = 30


def check(t: medical_pb2.AmbulanceTelemetry) -> Place:
    """The destination of valid telemetry; :class:`RejectEvent` with the reason otherwise.

    Vitals on board get the telemetry's time, patient and (as device) ambulance when unset.
    """
    if not t.ambulance_id:
        raise RejectEvent("ambulance_id is required")
    dest = HOSPITALS.get(t.destination)
    if dest is None:
        raise RejectEvent(f"unknown destination {t.destination!r}; known: "
                          f"{', '.join(sorted(HOSPITALS))}")
    if not (-90 <= t.lat <= 90 and -180 <= t.lon <= 180) or t.speed_kmh < 0:
        raise RejectEvent("position or speed out of range")
    if not t.meta.HasField("event_time"):
        raise RejectEvent("meta.event_time is required")
    if t.HasField("vitals"):
        t.vitals.meta.event_time.CopyFrom(t.meta.event_time)
        if not t.vitals.patient_id:
            t.vitals.patient_id = t.patient_id
        if not t.vitals.device_id:
            t.vitals.device_id = t.ambulance_id
        validate(t.vitals)
    return dest


class AmbulanceTracker:
    """Keeps each ambulance's trip (latest vitals, NEWS2 trend) and publishes notices."""

    def __init__(self, trips: TripStore, outbox: RedisOutbox) -> None:
        self.trips = trips
        self.outbox = outbox

    def handle(self, event: ConsumedEvent) -> None:
        """Kafka handler for ``medical.ambulance.telemetry``."""
        t = event.message
        assert isinstance(t, medical_pb2.AmbulanceTelemetry)
        dest = check(t)
        if not self.outbox.transact(lambda unit: self._apply(unit, t, dest, event.event_id)):
            EVENTS_DUPLICATE.labels("medical", event.topic).inc()

    def _apply(self, unit: RedisUnit, t: medical_pb2.AmbulanceTelemetry, dest: Place,
               cause_id: str) -> bool:
        """Stage the trip and its notice; False when the telemetry is not newer (dropped)."""
        at_us = t.meta.event_time.ToMicroseconds()
        trip = self.trips.watch_and_read(unit, t.ambulance_id)
        if trip is not None and trip.patient_id == t.patient_id and trip.at_us >= at_us:
            return False
        if trip is None or trip.patient_id != t.patient_id:
            trip = Trip(t.patient_id, at_us)  # a new case
        trip.at_us = at_us
        at = t.meta.event_time.ToDatetime(tzinfo=UTC)
        if t.HasField("vitals"):
            for name, value in news2_values(t.vitals).items():
                trip.observations[name] = Observation(value, at)
        result = score(trip.observations, at, scale2=False)
        if t.HasField("vitals"):
            trip.trend = [*trip.trend, result.aggregate][-TREND_KEEP:]
        distance, eta, arrived = estimate(t.lat, t.lon, t.speed_kmh, dest)
        notice = medical_pb2.PreArrivalNotice(
            ambulance_id=t.ambulance_id, patient_id=t.patient_id, destination=dest.place_id,
            lat=t.lat, lon=t.lon, distance_km=round(distance, 2), eta_s=eta,
            news2=news2_message(result), news2_trend=trip.trend, arrived=arrived,
            care_team="emergency",
            latest=t.vitals if t.HasField("vitals") else None)
        notice.meta.event_time.CopyFrom(t.meta.event_time)
        unit.emit(PREARRIVAL, notice, t.ambulance_id, derived_id(PREARRIVAL, cause_id))
        self.trips.stage(unit, t.ambulance_id, trip, notice)  # as published, with its meta
        return True

    def notices(self) -> list[medical_pb2.PreArrivalNotice]:
        """The latest notice of every ambulance on a trip, soonest arrival first."""
        return self.trips.notices()
