"""Redis state of the environment: latest reading per sensor, readings per area, area status.

Keys (all prefixed ``tourism:env:``):

* ``sensors:<area>`` — hash sensor → JSON of its latest reading (:data:`FIELDS` and ``at_s``,
  UNIX seconds);
* ``readings_total:<area>`` — readings folded into the area's status so far;
* ``area:<area>`` — latest ``AreaEnvironment`` (LatestStore, with ``area:keys``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import redis
from zezhou5g.platform.latest import LatestStore
from zezhou5g.platform.outbox import RedisUnit
from zezhou5g.tourism.v1 import tourism_pb2

FIELDS = ("temperature_c", "humidity_pct", "pm25_ug_m3", "noise_db")


def _sensors_key(area_id: str) -> str:
    return f"tourism:env:sensors:{area_id}"


def _total_key(area_id: str) -> str:
    return f"tourism:env:readings_total:{area_id}"


@dataclass(frozen=True, slots=True)
class AreaReadings:
    """What an area's status is folded from: each sensor's latest reading and the total."""

    sensors: dict[str, dict[str, float]]   # sensor → FIELDS values and "at_s" (UNIX s)
    total: int                             # readings folded in so far


class EnvironmentStore:
    """Reads and writes the keys above; writes go through a unit of work."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self.areas: LatestStore[tourism_pb2.AreaEnvironment] = LatestStore(
            client, "tourism:env:area", tourism_pb2.AreaEnvironment)

    def read_area(self, unit: RedisUnit, area_id: str) -> AreaReadings:
        """The area's sensors and total, watched: a concurrent change makes the unit retry."""
        unit.watch(_sensors_key(area_id), _total_key(area_id))
        raw = unit.r.hgetall(_sensors_key(area_id))
        total = unit.r.get(_total_key(area_id))
        return AreaReadings({str(k): json.loads(v) for k, v in raw.items()},  # type: ignore[union-attr]
                            int(total or 0))  # type: ignore[arg-type]

    def stage_reading(self, unit: RedisUnit, reading: tourism_pb2.EnvironmentReading,
                      at_s: float, total: int, status: tourism_pb2.AreaEnvironment) -> None:
        """Queue the sensor's latest reading (taken at ``at_s``), the area's total and status."""
        values = {f: getattr(reading, f) for f in FIELDS} | {"at_s": at_s}
        w = unit.w
        w.hset(_sensors_key(reading.area_id), reading.sensor_id, json.dumps(values))
        w.set(_total_key(reading.area_id), total)
        self.areas.stage(w, reading.area_id, status)

    def statuses(self) -> list[tourism_pb2.AreaEnvironment]:
        """Latest status of every area that has reported, ordered by area id."""
        return self.areas.all()
