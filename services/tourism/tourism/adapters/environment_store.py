"""Redis state of the environment: latest reading per sensor, latest status per area."""

from __future__ import annotations

import json

import redis
from zezhou5g.platform.latest import LatestStore
from zezhou5g.tourism.v1 import tourism_pb2

FIELDS = ("temperature_c", "humidity_pct", "pm25_ug_m3", "noise_db")


class EnvironmentStore:
    """``tourism:env:sensors:<area>`` hash of sensor → JSON reading; area statuses."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self.areas: LatestStore[tourism_pb2.AreaEnvironment] = LatestStore(
            client, "tourism:env:area", tourism_pb2.AreaEnvironment)

    def put_reading(self, reading: tourism_pb2.EnvironmentReading, at_s: float) -> None:
        """Remember ``reading`` (taken at ``at_s``, UNIX seconds) as its sensor's latest."""
        values = {f: getattr(reading, f) for f in FIELDS} | {"at_s": at_s}
        self.client.hset(f"tourism:env:sensors:{reading.area_id}", reading.sensor_id,
                         json.dumps(values))

    def fresh_readings(self, area_id: str, now_s: float,
                       max_age_s: float) -> list[dict[str, float]]:
        """Latest reading of each sensor of the area taken within ``max_age_s`` of ``now_s``."""
        raw = self.client.hgetall(f"tourism:env:sensors:{area_id}")
        readings = [json.loads(v) for v in raw.values()]  # type: ignore[union-attr]
        return [r for r in readings if now_s - r["at_s"] <= max_age_s]

    def count_reading(self, area_id: str) -> int:
        """Increment and return the area's reading counter."""
        return int(self.client.incr(f"tourism:env:readings_total:{area_id}"))
