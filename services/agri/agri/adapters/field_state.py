"""Hot state of fields and devices in Redis (the telemetry unit of work reads and writes it).

Keys (this module is the only place that names them):

- ``agri:devices:<field>`` hash: device → its state as ``t|seen|saturated|health``: ``t``
  newest event time (epoch s), ``seen`` wall clock of that reading, ``saturated`` metrics
  flagged (comma-separated), health values as ``name=value`` joined by ``&`` (battery, signal,
  case temperature). One hash per field, so a unit reads and writes a field's devices in one
  command each, not one per device;
- ``agri:device_field`` hash: device → the field whose hash holds it (the silence tick's way
  from a due device to its state; written when a device first reports in a field);
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

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import redis
from zezhou5g.agri.v1 import agri_pb2
from zezhou5g.platform.latest import LatestStore
from zezhou5g.platform.outbox import RedisUnit

DEADLINES = "agri:device_deadline"
DEVICE_FIELD = "agri:device_field"
READERS_BEHIND = "agri:readers_behind"
# A process's report counts this long (it reports every tick; a dead one drops out).
BEHIND_FRESH_S = 30.0
STATUS_PREFIX = "agri:field"


def _devices(fid: str) -> str:
    return f"agri:devices:{fid}"


def _field_keys(fid: str) -> tuple[str, str, str, str]:
    return (f"agri:fieldvals:{fid}", f"agri:readings_total:{fid}", f"agri:fieldsensors:{fid}",
            f"agri:gates:{fid}")


def encode_device(t: float, seen: float, saturated: str, health: Mapping[str, float]) -> str:
    """A device's state as stored in its field's hash (see the module doc)."""
    return f"{t!r}|{seen!r}|{saturated}|" + "&".join(f"{k}={v!r}" for k, v in health.items())


def _times(text: str) -> tuple[float, float]:
    """(newest event time, wall clock seen) of a stored device state."""
    t, seen, _ = text.split("|", 2)
    return float(t), float(seen)


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
    def read(self, unit: RedisUnit, devices: Mapping[str, str], fields: Sequence[str]
             ) -> FieldSnapshot:
        """Watch and read ``fields`` and their ``devices`` (device → field), one round trip.

        ``fields`` must hold every field of ``devices``.
        """
        unit.watch(*(k for f in fields for k in (*_field_keys(f), _devices(f))))
        pipe = unit.read_pipeline()
        for f in fields:
            values, total, sensors, gates = _field_keys(f)
            pipe.hgetall(values)
            pipe.get(total)
            pipe.hgetall(sensors)
            pipe.hgetall(gates)
            pipe.hgetall(_devices(f))
        out = iter(pipe.execute())
        snap = FieldSnapshot({}, {}, {}, {}, {})
        stored: dict[str, dict[str, str]] = {}
        for f in fields:
            snap.values[f] = next(out)
            snap.totals[f] = int(next(out) or 0)
            snap.sensors[f] = next(out)
            snap.gates[f] = next(out)
            stored[f] = next(out)
        for d, f in devices.items():
            text = stored[f].get(d)
            if text:
                snap.device_t[d] = _times(text)[0]
        return snap

    def stage_devices(self, unit: RedisUnit, devices: Mapping[str, tuple[str, str, float | None]],
                      known: Collection[str]) -> None:
        """Write devices' state and wall-clock deadlines: device → (field, state, deadline).

        ``state`` as :func:`encode_device` gives it; ``known``: devices the unit found in
        their field's hash (the others are entered in the device → field index). A deadline
        None: not watched on the wall clock (e.g. a backfilled log). One command per field,
        and the deadlines in one command each way.
        """
        w = unit.w
        per_field: dict[str, dict[str, str]] = {}
        for device, (fid, state, _) in devices.items():
            per_field.setdefault(fid, {})[device] = state
        for fid, states in per_field.items():
            w.hset(_devices(fid), mapping=_fields(states))
        new = {d: fid for d, (fid, _, _) in devices.items() if d not in known}
        if new:
            w.hset(DEVICE_FIELD, mapping=_fields(new))
        unwatched = [d for d, (_, _, at) in devices.items() if at is None]
        deadlines = {d: at for d, (_, _, at) in devices.items() if at is not None}
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

        A reading committed meanwhile moved the deadline on (and wrote the device's field
        hash, which makes the unit decide again if it happens after this watch).
        """
        devices = sorted(due)
        fields = cast("list[str | None]", unit.r.hmget(DEVICE_FIELD, devices))
        of = {d: f for d, f in zip(devices, fields, strict=True) if f}
        unit.watch(*sorted({_devices(f) for f in of.values()}))
        pipe = unit.read_pipeline()
        pipe.zmscore(DEADLINES, devices)
        for d in devices:
            if d in of:
                pipe.hget(_devices(of[d]), d)
        scores, *states = pipe.execute()
        stored = dict(zip([d for d in devices if d in of], states, strict=True))
        out = {}
        for d, score in zip(devices, scores, strict=True):
            if score is not None and float(score) == due[d]:
                text = stored.get(d)
                out[d] = DeviceInfo(of.get(d, ""), _times(text)[1] if text else 0.0)
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
