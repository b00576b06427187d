"""Redis state of visitor flow: latest zone/area status, 1-minute history, entries, alerts.

Keys (all prefixed ``tourism:``):

* ``zone:<zone>`` / ``area:<area>`` — latest ``ZoneStatus`` / ``AreaFlow`` (LatestStore);
* ``hist:<zone>`` — sorted set, score = minute (UNIX seconds), member = JSON of that minute's
  sum/n/max of counts and sum of densities; trimmed to :data:`HISTORY_S`;
* ``entries:<YYYY-MM-DD>`` — hash ``<gate>:in`` / ``<gate>:out`` → crossings that local day;
* ``alerts`` — hash alert id → ``ZoneAlert`` JSON; ``alerts:time`` sorted by raise time;
  ``alerts:cleared`` the cleared ones (the history) sorted by raise time;
  ``alerts:open`` — hash zone → id of its open alert.

Writes go through a unit of work (:mod:`zezhou5g.platform.outbox`): a use case reads with the
``read_*`` methods, stages its events, then queues everything it changes with one
:meth:`FlowStore.stage` call, so state and events commit together.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import redis
from google.protobuf import json_format
from zezhou5g.platform.latest import LatestStore
from zezhou5g.platform.outbox import RedisOutbox, RedisUnit
from zezhou5g.platform.stored import Replaced, parse_stored
from zezhou5g.tourism.v1 import flow_pb2

HISTORY_S = 8 * 24 * 3600           # 7 days asked for, one more so a week ago is complete
ENTRIES_TTL_S = 9 * 24 * 3600
LOCAL = timedelta(hours=8)          # scenic areas keep China Standard Time (UTC+8)

ALERTS = "tourism:alerts"
ALERTS_TIME = "tourism:alerts:time"
ALERTS_CLEARED = "tourism:alerts:cleared"
ALERTS_OPEN = "tourism:alerts:open"

T = TypeVar("T")


def local_date(at_s: float) -> str:
    """The local (UTC+8) date of UNIX time ``at_s`` as ``YYYY-MM-DD``."""
    return (datetime.fromtimestamp(at_s, UTC) + LOCAL).strftime("%Y-%m-%d")


def _hist_key(zone_id: str) -> str:
    return f"tourism:hist:{zone_id}"


def _entries_key(date: str) -> str:
    return f"tourism:entries:{date}"


# ZoneAlert fields of versions before the codes (issue 12): "state" was "raised" | "cleared",
# "level" a deprecated copy of crowd_level.
_ALERT_REPLACED = {
    "state": Replaced("alertState", {"raised": "ZONE_ALERT_STATE_RAISED",
                                     "cleared": "ZONE_ALERT_STATE_CLEARED"}),
    "level": Replaced("crowdLevel"),
}


def _alert(raw: object) -> flow_pb2.ZoneAlert:
    """A stored alert, also one an older version wrote."""
    return parse_stored(str(raw), flow_pb2.ZoneAlert(), _ALERT_REPLACED)


@dataclass(frozen=True, slots=True)
class Minute:
    """One minute of a zone's counts (persons) and densities (persons/m²) over its frames."""

    minute_s: int
    mean_count: float
    max_count: int
    mean_density: float
    frames: int     # processed frames folded into the minute


@dataclass(frozen=True, slots=True)
class Sample:
    """One smoothed count of a zone (persons, persons/m²) taken at ``at_s`` (UNIX s)."""

    zone_id: str
    at_s: float
    count: int
    density: float


@dataclass(frozen=True, slots=True)
class Crossings:
    """Entries and exits counted at a gate in one frame taken at ``at_s`` (UNIX s)."""

    gate_id: str
    at_s: float
    entries: int
    exits: int


@dataclass(slots=True)
class FlowWrites:
    """Everything one unit changes in the flow state (see :meth:`FlowStore.stage`)."""

    zones: list[flow_pb2.ZoneStatus] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    alerts: list[flow_pb2.ZoneAlert] = field(default_factory=list)
    crossings: list[Crossings] = field(default_factory=list)
    areas: list[flow_pb2.AreaFlow] = field(default_factory=list)


class FlowStore:
    """Reads and writes the keys above."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self.zones: LatestStore[flow_pb2.ZoneStatus] = LatestStore(
            client, "tourism:zone", flow_pb2.ZoneStatus)
        self.areas: LatestStore[flow_pb2.AreaFlow] = LatestStore(
            client, "tourism:area", flow_pb2.AreaFlow)

    # ------------------------------------------------------------ inside a unit

    def read_open_alerts(self, unit: RedisUnit,
                         zone_ids: list[str]) -> dict[str, flow_pb2.ZoneAlert]:
        """Zone → its open (raised, not cleared) alert, for the zones that have one; watched."""
        unit.watch(ALERTS_OPEN, ALERTS)
        if not zone_ids:
            return {}
        ids = unit.r.hmget(ALERTS_OPEN, zone_ids)
        found = {z: str(i) for z, i in zip(zone_ids, ids, strict=True) if i}  # type: ignore[arg-type]
        if not found:
            return {}
        raws = unit.r.hmget(ALERTS, list(found.values()))
        return {z: _alert(r) for z, r in zip(found, raws, strict=True) if r}  # type: ignore[arg-type]

    def read_alert(self, unit: RedisUnit, alert_id: str) -> flow_pb2.ZoneAlert | None:
        """One alert by id; watched."""
        unit.watch(ALERTS)
        raw = unit.r.hget(ALERTS, alert_id)
        return None if raw is None else _alert(raw)

    def read_crossings(self, unit: RedisUnit, date: str) -> dict[str, tuple[int, int]]:
        """Gate → (entries, exits) on local ``date``; watched."""
        unit.watch(_entries_key(date))
        return _crossings(unit.r.hgetall(_entries_key(date)))  # type: ignore[arg-type]

    def stage(self, unit: RedisUnit, writes: FlowWrites) -> None:
        """Queue ``writes`` on the unit's transaction.

        Call it once per unit, after the unit's own reads: it reads what it folds into
        (the samples' minutes, the open-alert pointers) and then starts writing. Alert ids of
        an alert whose state is not ``raised`` leave the zone's open-alert pointer only when
        it points at them; alerts raised more than :data:`HISTORY_S` before the newest one
        written are dropped.
        """
        minutes: dict[tuple[str, int], dict[str, float]] = {}
        for s in writes.samples:
            minute = int(s.at_s // 60 * 60)
            acc = minutes.get((s.zone_id, minute))
            if acc is None:
                key = _hist_key(s.zone_id)
                unit.watch(key)
                raw: list[str] = unit.r.zrangebyscore(key, minute, minute)  # type: ignore[assignment]
                acc = json.loads(raw[0]) if raw else {"sum": 0, "n": 0, "max": 0, "dsum": 0.0}
            minutes[(s.zone_id, minute)] = {
                "m": minute, "sum": acc["sum"] + s.count, "n": acc["n"] + 1,
                "max": max(acc["max"], s.count), "dsum": acc["dsum"] + s.density}
        pointers: dict[str, str] = {}
        expired: list[str] = []
        if writes.alerts:
            unit.watch(ALERTS_OPEN, ALERTS_TIME)
            pointers = {str(k): str(v) for k, v in unit.r.hgetall(ALERTS_OPEN).items()}  # type: ignore[union-attr]
            before = max(a.raised_at.ToSeconds() for a in writes.alerts) - HISTORY_S
            written = {a.alert_id for a in writes.alerts}
            expired = [str(i) for i in unit.r.zrangebyscore(ALERTS_TIME, "-inf", f"({before}")  # type: ignore[union-attr]
                       if str(i) not in written]

        w = unit.w
        for status in writes.zones:
            self.zones.stage(w, status.zone_id, status)
        for (zone_id, minute), acc in minutes.items():
            key = _hist_key(zone_id)
            w.zremrangebyscore(key, minute, minute)
            w.zadd(key, {json.dumps(acc, separators=(",", ":")): minute})
            w.zremrangebyscore(key, "-inf", f"({minute - HISTORY_S}")
        for c in writes.crossings:
            key = _entries_key(local_date(c.at_s))
            if c.entries:
                w.hincrby(key, f"{c.gate_id}:in", c.entries)
            if c.exits:
                w.hincrby(key, f"{c.gate_id}:out", c.exits)
            w.expire(key, ENTRIES_TTL_S)
        for alert in writes.alerts:
            raised_s = alert.raised_at.ToSeconds()
            w.hset(ALERTS, alert.alert_id, json_format.MessageToJson(alert, indent=None))
            w.zadd(ALERTS_TIME, {alert.alert_id: raised_s})
            if alert.alert_state == flow_pb2.ZONE_ALERT_STATE_RAISED:
                w.hset(ALERTS_OPEN, alert.zone_id, alert.alert_id)
                pointers[alert.zone_id] = alert.alert_id
            else:
                w.zadd(ALERTS_CLEARED, {alert.alert_id: raised_s})
                if pointers.get(alert.zone_id) == alert.alert_id:
                    w.hdel(ALERTS_OPEN, alert.zone_id)
                    del pointers[alert.zone_id]
        if expired:
            w.hdel(ALERTS, *expired)
            w.zrem(ALERTS_TIME, *expired)
            w.zrem(ALERTS_CLEARED, *expired)
        for area in writes.areas:
            self.areas.stage(w, area.area_id, area)

    def apply(self, writes: FlowWrites) -> None:
        """:meth:`stage` ``writes`` in a transaction of their own, without events.

        For seeding and tests; the service's use cases stage with the events they publish.
        """
        self._once(lambda unit: self.stage(unit, writes))

    def put_alert(self, alert: flow_pb2.ZoneAlert) -> None:
        """Store one alert without an event (see :meth:`apply`)."""
        self.apply(FlowWrites(alerts=[alert]))

    def _once(self, work: Callable[[RedisUnit], T]) -> T:
        return RedisOutbox(self.client, None, "tourism", {}).transact(work)

    # ------------------------------------------------------------ reads for the API

    def history(self, zone_id: str, since_s: float, until_s: float) -> list[Minute]:
        """Minutes of ``zone_id`` from ``since_s`` to ``until_s`` (UNIX s), oldest first."""
        rows: list[str] = self.client.zrangebyscore(  # type: ignore[assignment]
            _hist_key(zone_id), int(since_s // 60 * 60), until_s)
        out = []
        for raw in rows:
            a = json.loads(raw)
            out.append(Minute(a["m"], round(a["sum"] / a["n"], 2), a["max"],
                              round(a["dsum"] / a["n"], 4), a["n"]))
        return out

    def crossings(self, date: str) -> dict[str, tuple[int, int]]:
        """Gate → (entries, exits) on local ``date``."""
        return _crossings(self.client.hgetall(_entries_key(date)))  # type: ignore[arg-type]

    def open_alert(self, zone_id: str) -> flow_pb2.ZoneAlert | None:
        """The zone's open (raised, not cleared) alert."""
        alert_id = self.client.hget(ALERTS_OPEN, zone_id)
        return self.alert(str(alert_id)) if alert_id else None

    def alert(self, alert_id: str) -> flow_pb2.ZoneAlert | None:
        """One alert by id."""
        raw = self.client.hget(ALERTS, alert_id)
        return None if raw is None else _alert(raw)

    def alerts(self, open_only: bool = False, limit: int = 100) -> list[flow_pb2.ZoneAlert]:
        """Alerts, newest first."""
        if open_only:
            ids = [str(i) for i in self.client.hvals(ALERTS_OPEN)]  # type: ignore[union-attr]
        else:
            ids = [str(i) for i in self.client.zrevrange(ALERTS_TIME, 0, limit - 1)]  # type: ignore[union-attr]
        if not ids:
            return []
        raws = self.client.hmget(ALERTS, ids)
        out = [_alert(r) for r in raws if r]  # type: ignore[union-attr]
        out.sort(key=lambda a: a.raised_at.ToNanoseconds(), reverse=True)
        return out[:limit]

    def alerts_page(self, kind: str = "all", limit: int = 20,
                    offset: int = 0) -> tuple[list[flow_pb2.ZoneAlert], int]:
        """One page of alerts, newest first, and how many there are in all.

        ``kind``: ``"open"`` (raised, not cleared), ``"cleared"`` (the history) or ``"all"``.
        """
        if kind == "open":
            page = self.alerts(open_only=True, limit=1000)
            return page[offset:offset + limit], len(page)
        key = ALERTS_CLEARED if kind == "cleared" else ALERTS_TIME
        total = int(self.client.zcard(key))  # type: ignore[arg-type]
        ids = [str(i) for i in self.client.zrevrange(key, offset, offset + limit - 1)]  # type: ignore[union-attr]
        if not ids:
            return [], total
        raws = self.client.hmget(ALERTS, ids)
        return [_alert(r) for r in raws if r], total  # type: ignore[union-attr]


def _crossings(raw: dict[str, str]) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for field_name, value in raw.items():
        gate, _, direction = str(field_name).rpartition(":")
        e, x = out.get(gate, (0, 0))
        out[gate] = (e + int(value), x) if direction == "in" else (e, x + int(value))
    return out
