"""Ambulance trips in Redis: each ambulance's current case, vitals on board and latest notice.

Keys (``<a>`` ambulance id):

- ``medical:amb:<a>``   hash ``patient_id``, ``at_us`` (newest telemetry accepted), ``obs``
  (parameter → ``{"v": value, "t": ISO-8601 UTC}``), ``trend`` (NEWS2 list, JSON), ``notice``
  (latest ``PreArrivalNotice``, protobuf hex); 6 hours after the last telemetry it goes
- ``medical:amb:keys``  set of ambulance ids with a trip
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

import redis
from zezhou5g.medical.v1 import medical_pb2
from zezhou5g.platform.outbox import RedisUnit

from medical.domain.news2 import Observation

TRIP_TTL_S = 6 * 3600
KEYS = "medical:amb:keys"


def _key(ambulance_id: str) -> str:
    return f"medical:amb:{ambulance_id}"


@dataclass
class Trip:
    """One ambulance's case as stored: whom it carries, since when, what was measured."""

    patient_id: str
    at_us: int
    observations: dict[str, Observation] = field(default_factory=dict)
    trend: list[int] = field(default_factory=list)


class TripStore:
    """Reads and stages (in an outbox unit) the ambulances' trips."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    def watch_and_read(self, unit: RedisUnit, ambulance_id: str) -> Trip | None:
        """Watch the ambulance's trip, then read it; None when it has none."""
        unit.watch(_key(ambulance_id))
        raw = unit.r.hgetall(_key(ambulance_id))
        if not raw:
            return None
        return Trip(
            patient_id=str(raw.get("patient_id", "")), at_us=int(raw.get("at_us", 0)),  # type: ignore[union-attr]
            observations={k: Observation(v["v"], datetime.fromisoformat(v["t"]))
                          for k, v in json.loads(raw.get("obs", "{}")).items()},  # type: ignore[union-attr]
            trend=list(json.loads(raw.get("trend", "[]"))))  # type: ignore[union-attr]

    @staticmethod
    def stage(unit: RedisUnit, ambulance_id: str, trip: Trip,
              notice: medical_pb2.PreArrivalNotice) -> None:
        """Stage the trip with its latest notice."""
        w = unit.w
        w.hset(_key(ambulance_id), mapping={
            "patient_id": trip.patient_id, "at_us": trip.at_us, "trend": json.dumps(trip.trend),
            "obs": json.dumps({k: {"v": o.value, "t": o.at.isoformat()}
                               for k, o in trip.observations.items()}),
            "notice": notice.SerializeToString().hex()})
        w.expire(_key(ambulance_id), TRIP_TTL_S)
        w.sadd(KEYS, ambulance_id)

    def notices(self) -> list[medical_pb2.PreArrivalNotice]:
        """The latest notice of every ambulance on a trip, soonest arrival first.

        An ambulance whose trip expired is dropped from the index on the way.
        """
        ambulances = sorted(str(a) for a in self.client.smembers(KEYS))  # type: ignore[union-attr]
        if not ambulances:
            return []
        pipe = self.client.pipeline(transaction=False)
        for amb in ambulances:
            pipe.hget(_key(amb), "notice")
        out, gone = [], []
        for amb, raw in zip(ambulances, pipe.execute(), strict=True):
            if raw is None:
                gone.append(amb)
                continue
            out.append(medical_pb2.PreArrivalNotice.FromString(bytes.fromhex(str(raw))))
        if gone:
            self.client.srem(KEYS, *gone)
        return sorted(out, key=lambda n: (n.arrived, n.eta_s))
