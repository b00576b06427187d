"""Hot state of fields and devices in Redis (the telemetry unit of work reads and writes it).

Keys (this module is the only place that names them):

- ``agri:dev:<device>`` hash: ``t`` newest event time (epoch s), ``field``, ``seen`` (wall clock
  of that reading), ``saturated`` (metrics flagged), health values (battery, signal, case temp);
- ``agri:device_deadline`` sorted set: device → wall-clock time it counts as silent (live
  devices only);
- ``agri:fieldvals:<field>`` hash: last valid value of each metric and the degree-day state;
- ``agri:readings_total:<field>``: readings folded into the field;
- ``agri:fieldsensors:<field>`` hash: ``metric|device`` → ``event_s,value`` (the field aggregate);
- ``agri:gates:<field>`` hash: alarm type → duration gate (see :mod:`agri.domain.episodes`);
- ``agri:field:<field>`` the latest ``FieldStatus`` (JSON) and ``agri:field:keys``;
- ``agri:readers_behind`` hash: service process → ``behind_s,at_s``, how far its consumer of
  readings was behind (see :meth:`FieldState.readers_behind`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import redis
from zezhou5g.agri.v1 import agri_pb2
from zezhou5g.platform.latest import LatestStore
from zezhou5g.platform.outbox import RedisUnit

DEADLINES = "agri:device_deadline"
READERS_BEHIND = "agri:readers_behind"
# A process's report counts this long (it reports every tick; a dead one drops out).
BEHIND_FRESH_S = 30.0
STATUS_PREFIX = "agri:field"


def _dev(device: str) -> str:
    return f"agri:dev:{device}"


def _field_keys(fid: str) -> tuple[str, str, str, str]:
    return (f"agri:fieldvals:{fid}", f"agri:readings_total:{fid}", f"agri:fieldsensors:{fid}",
            f"agri:gates:{fid}")


def _fields(values: Mapping[str, Any]) -> dict[Any, Any]:
    """``values`` as redis-py's HSET mapping (its key type is a union, and dicts are invariant)."""
    return dict(values)


@dataclass
class FieldSnapshot:
    """What a unit read of its devices and fields (updated in memory as readings apply).

    Attributes:
        device_t: device → newest accepted event time, epoch s (absent: never reported).
        values: field → metric (or degree-day state name) → text value.
        totals: field → readings folded in so far.
        sensors: field → ``metric|device`` → ``event_s,value``.
        gates: field → alarm type → gate text.
    """

    device_t: dict[str, float]
    values: dict[str, dict[str, str]]
    totals: dict[str, int]
    sensors: dict[str, dict[str, str]]
    gates: dict[str, dict[str, str]]


@dataclass(frozen=True)
class DeviceInfo:
    """A device's field and the wall-clock time of its last reading (epoch s; 0 = unknown)."""

    field_id: str
    seen_s: float


class FieldState:
    """Reads and stages the hot state of fields and devices."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self.statuses: LatestStore[agri_pb2.FieldStatus] = LatestStore(
            client, STATUS_PREFIX, agri_pb2.FieldStatus)

    # telemetry ------------------------------------------------------------------------------
    def read(self, unit: RedisUnit, devices: Sequence[str], fields: Sequence[str]
             ) -> FieldSnapshot:
        """Watch and read the state of ``devices`` and ``fields`` in one round trip."""
        unit.watch(*(_dev(d) for d in devices), *(k for f in fields for k in _field_keys(f)))
        pipe = unit.read_pipeline()
        for d in devices:
            pipe.hget(_dev(d), "t")
        for f in fields:
            values, total, sensors, gates = _field_keys(f)
            pipe.hgetall(values)
            pipe.get(total)
            pipe.hgetall(sensors)
            pipe.hgetall(gates)
        out = iter(pipe.execute())
        device_t = {}
        for d in devices:
            t = next(out)
            if t:
                device_t[d] = float(t)
        snap = FieldSnapshot(device_t, {}, {}, {}, {})
        for f in fields:
            snap.values[f] = next(out)
            snap.totals[f] = int(next(out) or 0)
            snap.sensors[f] = next(out)
            snap.gates[f] = next(out)
        return snap

    def stage_devices(self, unit: RedisUnit,
                      devices: Mapping[str, tuple[Mapping[str, Any], float | None]]) -> None:
        """Write devices' state and wall-clock deadlines: device → (state, deadline).

        A deadline None: not watched on the wall clock (e.g. a backfilled log). The deadlines
        go in one command each way.
        """
        w = unit.w
        for device, (mapping, _) in devices.items():
            w.hset(_dev(device), mapping=_fields(mapping))
        unwatched = [d for d, (_, at) in devices.items() if at is None]
        deadlines = {d: at for d, (_, at) in devices.items() if at is not None}
        if unwatched:
            w.zrem(DEADLINES, *unwatched)
        if deadlines:
            w.zadd(DEADLINES, deadlines)

    def stage_field(self, unit: RedisUnit, fid: str, values: Mapping[str, Any],
                    sensors: Mapping[str, str], gates: Mapping[str, str], readings: int,
                    status: agri_pb2.FieldStatus) -> None:
        """Write a field's changed values, sensors, gates, reading count and latest status."""
        w = unit.w
        vals_key, total_key, sensors_key, gates_key = _field_keys(fid)
        if values:
            w.hset(vals_key, mapping=_fields(values))
        if sensors:
            w.hset(sensors_key, mapping=_fields(sensors))
        if gates:
            w.hset(gates_key, mapping=_fields(gates))
        if readings:
            w.incrby(total_key, readings)
        self.statuses.stage(w, fid, status)

    # silence on the wall clock ----------------------------------------------------------------
    def readers_behind(self, me: str, behind_s: float, now_s: float) -> float:
        """Report how far this process's readings consumer is behind; the most any is, s.

        Readings wait in Kafka while the service is behind, so a device's deadline passing
        then says nothing about the device: silence is judged on a clock held back by this.
        """
        pipe = self.client.pipeline(transaction=False)
        pipe.hset(READERS_BEHIND, me, f"{behind_s!r},{now_s!r}")
        pipe.hgetall(READERS_BEHIND)
        _, reports = pipe.execute()
        most, stale = 0.0, []
        for who, text in cast("dict[str, str]", reports).items():
            behind, at = (float(x) for x in text.split(","))
            if now_s - at > BEHIND_FRESH_S:
                stale.append(who)
            else:
                most = max(most, behind)
        if stale:
            self.client.hdel(READERS_BEHIND, *stale)
        return most

    def due(self, unit: RedisUnit, now_s: float, limit: int) -> dict[str, float]:
        """Up to ``limit`` devices whose deadline is ≤ ``now_s`` (earliest first), with it.

        A first look, not watched.
        """
        due = cast("list[tuple[str, float]]", unit.r.zrangebyscore(
            DEADLINES, "-inf", now_s, start=0, num=limit, withscores=True))
        return {str(d): float(s) for d, s in due}

    def watch_due(self, unit: RedisUnit, due: Mapping[str, float]
                  ) -> dict[str, DeviceInfo]:
        """Watch the ``due`` devices and read them again: those still due, with their info.

        A reading committed meanwhile moved the deadline on (and wrote the device, which
        makes the unit decide again if it happens after this watch).
        """
        devices = sorted(due)
        unit.watch(*(_dev(d) for d in devices))
        pipe = unit.read_pipeline()
        pipe.zmscore(DEADLINES, devices)
        for d in devices:
            pipe.hmget(_dev(d), ["field", "seen"])
        scores, *infos = pipe.execute()
        out = {}
        for d, score, (fid, seen) in zip(devices, scores, infos, strict=True):
            if score is not None and float(score) == due[d]:
                out[d] = DeviceInfo(str(fid or ""), float(seen) if seen else 0.0)
        return out

    def stage_unwatched(self, unit: RedisUnit, devices: Sequence[str]) -> None:
        """Stop watching ``devices`` on the wall clock (their silence is raised)."""
        if devices:
            unit.w.zrem(DEADLINES, *devices)

    # queries ------------------------------------------------------------------------------------
    def status(self, fid: str) -> agri_pb2.FieldStatus | None:
        """The field's latest status."""
        return self.statuses.get(fid)

    def all_statuses(self) -> list[agri_pb2.FieldStatus]:
        """Every field's latest status, by field id."""
        return self.statuses.all()
