"""Ambulance telemetry → pre-arrival notices for the receiving emergency department."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import redis
from zezhou5g.medical.v1 import medical_pb2
from zezhou5g.platform.events import ConsumedEvent
from zezhou5g.platform.kafka import RejectEvent
from zezhou5g.platform.metrics import EVENTS_DUPLICATE

from medical.adapters.outbox import OutboxRelay
from medical.adapters.state import Outbox
from medical.domain.news2 import Observation, score
from medical.domain.prearrival import Place, estimate
from medical.topics import PREARRIVAL
from medical.vitals import validate
from medical.wire import news2_message, news2_values

HOSPITALS = {
    # Approximate position of Zezhou County People's Hospital in Jincheng (WGS-84).
    "zezhou-people": Place("zezhou-people", "泽州县人民医院", "Zezhou County People's Hospital",
                           35.5012, 112.8395),
}
_NS = uuid.UUID("a5b3d0f4-0c55-4a8e-9d1f-5b8e2f2d6c10")
TREND_KEEP = 30


class AmbulanceTracker:
    """Keeps each ambulance's trip (latest vitals, NEWS2 trend) and publishes notices."""

    def __init__(self, client: redis.Redis, relay: OutboxRelay) -> None:
        self.client = client
        self.relay = relay

    def handle(self, event: ConsumedEvent) -> None:
        """Kafka handler for ``medical.ambulance.telemetry``."""
        t = event.message
        assert isinstance(t, medical_pb2.AmbulanceTelemetry)
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
        key = f"medical:amb:{t.ambulance_id}"
        at_us = t.meta.event_time.ToMicroseconds()
        with self.client.pipeline() as pipe:
            pipe.watch(key)
            trip = pipe.hgetall(key)
            if trip and trip.get("patient_id") == t.patient_id and int(trip["at_us"]) >= at_us:
                EVENTS_DUPLICATE.labels("medical", event.topic).inc()
                return
            if not trip or trip.get("patient_id") != t.patient_id:
                trip = {}  # a new trip
            at = t.meta.event_time.ToDatetime(tzinfo=UTC)
            obs = {k: Observation(v["v"], datetime.fromisoformat(v["t"]))
                   for k, v in json.loads(trip.get("obs", "{}")).items()}
            trend = json.loads(trip.get("trend", "[]"))
            if t.HasField("vitals"):
                for name, value in news2_values(t.vitals).items():
                    obs[name] = Observation(value, at)
            result = score(obs, at, scale2=False)
            if t.HasField("vitals"):
                trend = [*trend, result.aggregate][-TREND_KEEP:]
            distance, eta, arrived = estimate(t.lat, t.lon, t.speed_kmh, dest)
            notice = medical_pb2.PreArrivalNotice(
                ambulance_id=t.ambulance_id, patient_id=t.patient_id, destination=dest.place_id,
                lat=t.lat, lon=t.lon, distance_km=round(distance, 2), eta_s=eta,
                news2=news2_message(result), news2_trend=trend, arrived=arrived,
                care_team="emergency",
                latest=t.vitals if t.HasField("vitals") else None)
            notice.meta.event_id = str(uuid.uuid5(_NS, event.event_id))
            notice.meta.event_time.CopyFrom(t.meta.event_time)
            pipe.multi()
            pipe.hset(key, mapping={
                "patient_id": t.patient_id, "at_us": at_us, "trend": json.dumps(trend),
                "obs": json.dumps({k: {"v": o.value, "t": o.at.isoformat()}
                                   for k, o in obs.items()}),
                "notice": notice.SerializeToString().hex()})
            pipe.expire(key, 6 * 3600)
            pipe.sadd("medical:amb:keys", t.ambulance_id)
            Outbox.stage(pipe, PREARRIVAL, t.ambulance_id, notice)
            pipe.execute()
        self.relay.send(PREARRIVAL, t.ambulance_id, notice)

    def notices(self) -> list[medical_pb2.PreArrivalNotice]:
        """The latest notice of every ambulance on a trip, soonest arrival first."""
        out = []
        for amb in sorted(str(a) for a in self.client.smembers("medical:amb:keys")):  # type: ignore[union-attr]
            raw = self.client.hget(f"medical:amb:{amb}", "notice")
            if raw is None:
                self.client.srem("medical:amb:keys", amb)
                continue
            out.append(medical_pb2.PreArrivalNotice.FromString(bytes.fromhex(str(raw))))
        return sorted(out, key=lambda n: (n.arrived, n.eta_s))
