"""Redis state of each patient: the latest value of every NEWS2 parameter, with its time."""

from __future__ import annotations

import json
from datetime import datetime

import redis

from medical.domain.news2 import Observation


class ObservationStore:
    """``medical:obs:<patient>`` hash: parameter → ``{"v": value, "t": ISO-8601 UTC}``.

    Parameters arrive from different devices at different rates (SpO2 every second, a BP cuff
    every 30 min), so each keeps its own latest value and time; NEWS2 decides what is fresh.
    """

    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    def update(self, patient_id: str, values: dict[str, float | bool | str],
               at: datetime) -> dict[str, Observation]:
        """Record ``values`` measured at ``at`` (newer than what is stored); return all latest."""
        stored = self.latest(patient_id)
        pipe = self.client.pipeline()
        for name, value in values.items():
            if name not in stored or stored[name].at <= at:
                stored[name] = Observation(value, at)
                pipe.hset(f"medical:obs:{patient_id}", name,
                          json.dumps({"v": value, "t": at.isoformat()}))
        pipe.execute()
        return stored

    def latest(self, patient_id: str) -> dict[str, Observation]:
        """Latest value of every parameter ever received for the patient."""
        raw = self.client.hgetall(f"medical:obs:{patient_id}")
        out = {}
        for name, text in raw.items():  # type: ignore[union-attr]
            item = json.loads(text)
            out[str(name)] = Observation(item["v"], datetime.fromisoformat(item["t"]))
        return out

    def uses_scale2(self, patient_id: str) -> bool:
        """True when a clinician put the patient on SpO2 scale 2 (hypercapnic failure)."""
        return bool(self.client.sismember("medical:spo2_scale2", patient_id))

    def set_scale2(self, patient_id: str, on: bool) -> None:
        """Record the clinician's SpO2 scale choice for the patient."""
        if on:
            self.client.sadd("medical:spo2_scale2", patient_id)
        else:
            self.client.srem("medical:spo2_scale2", patient_id)
