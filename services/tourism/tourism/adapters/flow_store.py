"""Redis state of visitor flow: latest zone/area status, 1-minute history, entries, alerts.

Keys (all prefixed ``tourism:``):

* ``zone:<zone>`` / ``area:<area>`` — latest ``ZoneStatus`` / ``AreaFlow`` (LatestStore);
* ``hist:<zone>`` — sorted set, score = minute (UNIX seconds), member = JSON of that minute's
  sum/n/max of counts and sum of densities; trimmed to :data:`HISTORY_S`;
* ``entries:<YYYY-MM-DD>`` — hash ``<gate>:in`` / ``<gate>:out`` → crossings that local day;
* ``alerts`` — hash alert id → ``ZoneAlert`` JSON; ``alerts:time`` sorted by raise time;
  ``alerts:cleared`` the cleared ones (the history) sorted by raise time;
  ``alerts:open`` — hash zone → id of its open alert.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import redis
from google.protobuf import json_format
from zezhou5g.platform.latest import LatestStore
from zezhou5g.tourism.v1 import flow_pb2

HISTORY_S = 8 * 24 * 3600           # 7 days asked for, one more so a week ago is complete
ENTRIES_TTL_S = 9 * 24 * 3600
LOCAL = timedelta(hours=8)          # scenic areas keep China Standard Time (UTC+8)


def local_date(at_s: float) -> str:
    """The local (UTC+8) date of UNIX time ``at_s`` as ``YYYY-MM-DD``."""
    return (datetime.fromtimestamp(at_s, UTC) + LOCAL).strftime("%Y-%m-%d")


@dataclass(frozen=True, slots=True)
class Minute:
    """One minute of a zone's counts (persons) and densities (persons/m²)."""

    minute_s: int
    mean_count: float
    max_count: int
    mean_density: float


class FlowStore:
    """Reads and writes the keys above."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self.zones: LatestStore[flow_pb2.ZoneStatus] = LatestStore(
            client, "tourism:zone", flow_pb2.ZoneStatus)
        self.areas: LatestStore[flow_pb2.AreaFlow] = LatestStore(
            client, "tourism:area", flow_pb2.AreaFlow)

    # ------------------------------------------------------------ history

    def add_sample(self, zone_id: str, at_s: float, count: int, density: float) -> None:
        """Fold one smoothed count taken at ``at_s`` (UNIX s) into its minute."""
        minute = int(at_s // 60 * 60)
        key = f"tourism:hist:{zone_id}"
        raw: list[str] = self.client.zrangebyscore(key, minute, minute)  # type: ignore[assignment]
        acc = json.loads(raw[0]) if raw else {"sum": 0, "n": 0, "max": 0, "dsum": 0.0}
        acc = {"m": minute, "sum": acc["sum"] + count, "n": acc["n"] + 1,
               "max": max(acc["max"], count), "dsum": acc["dsum"] + density}
        pipe = self.client.pipeline()  # MULTI: the minute is replaced atomically
        pipe.zremrangebyscore(key, minute, minute)
        pipe.zadd(key, {json.dumps(acc, separators=(",", ":")): minute})
        pipe.zremrangebyscore(key, "-inf", f"({minute - HISTORY_S}")
        pipe.execute()

    def history(self, zone_id: str, since_s: float, until_s: float) -> list[Minute]:
        """Minutes of ``zone_id`` from ``since_s`` to ``until_s`` (UNIX s), oldest first."""
        rows: list[str] = self.client.zrangebyscore(  # type: ignore[assignment]
            f"tourism:hist:{zone_id}", int(since_s // 60 * 60), until_s)
        out = []
        for raw in rows:
            a = json.loads(raw)
            out.append(Minute(a["m"], round(a["sum"] / a["n"], 2), a["max"],
                              round(a["dsum"] / a["n"], 4)))
        return out

    # ------------------------------------------------------------ entries

    def add_crossings(self, gate_id: str, at_s: float, entries: int, exits: int) -> None:
        """Add crossings of ``gate_id`` to its local day's totals."""
        key = f"tourism:entries:{local_date(at_s)}"
        pipe = self.client.pipeline()
        if entries:
            pipe.hincrby(key, f"{gate_id}:in", entries)
        if exits:
            pipe.hincrby(key, f"{gate_id}:out", exits)
        pipe.expire(key, ENTRIES_TTL_S)
        pipe.execute()

    def crossings(self, date: str) -> dict[str, tuple[int, int]]:
        """Gate → (entries, exits) on local ``date``."""
        raw = self.client.hgetall(f"tourism:entries:{date}")
        out: dict[str, tuple[int, int]] = {}
        for field, value in raw.items():  # type: ignore[union-attr]
            gate, _, direction = str(field).rpartition(":")
            e, x = out.get(gate, (0, 0))
            out[gate] = (e + int(value), x) if direction == "in" else (e, x + int(value))
        return out

    # ------------------------------------------------------------ alerts

    def open_alert(self, zone_id: str) -> flow_pb2.ZoneAlert | None:
        """The zone's open (raised, not cleared) alert."""
        alert_id = self.client.hget("tourism:alerts:open", zone_id)
        return self.alert(str(alert_id)) if alert_id else None

    def alert(self, alert_id: str) -> flow_pb2.ZoneAlert | None:
        """One alert by id."""
        raw = self.client.hget("tourism:alerts", alert_id)
        return None if raw is None else json_format.Parse(str(raw), flow_pb2.ZoneAlert())

    def put_alert(self, alert: flow_pb2.ZoneAlert) -> None:
        """Store ``alert``; keeps the zone's open-alert pointer in step with its state."""
        raised_s = alert.raised_at.ToSeconds()
        pipe = self.client.pipeline()
        pipe.hset("tourism:alerts", alert.alert_id, json_format.MessageToJson(alert, indent=None))
        pipe.zadd("tourism:alerts:time", {alert.alert_id: raised_s})
        if alert.state == "raised":
            pipe.hset("tourism:alerts:open", alert.zone_id, alert.alert_id)
        else:
            pipe.zadd("tourism:alerts:cleared", {alert.alert_id: raised_s})
        pipe.execute()
        if (alert.state != "raised"
                and self.client.hget("tourism:alerts:open", alert.zone_id) == alert.alert_id):
            self.client.hdel("tourism:alerts:open", alert.zone_id)
        self._trim_alerts(raised_s - HISTORY_S)

    def alerts(self, open_only: bool = False, limit: int = 100) -> list[flow_pb2.ZoneAlert]:
        """Alerts, newest first."""
        if open_only:
            ids = [str(i) for i in self.client.hvals("tourism:alerts:open")]  # type: ignore[union-attr]
        else:
            ids = [str(i) for i in self.client.zrevrange("tourism:alerts:time", 0, limit - 1)]  # type: ignore[union-attr]
        if not ids:
            return []
        raws = self.client.hmget("tourism:alerts", ids)
        out = [json_format.Parse(str(r), flow_pb2.ZoneAlert()) for r in raws if r]  # type: ignore[union-attr]
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
        key = "tourism:alerts:cleared" if kind == "cleared" else "tourism:alerts:time"
        total = int(self.client.zcard(key))  # type: ignore[arg-type]
        ids = [str(i) for i in self.client.zrevrange(key, offset, offset + limit - 1)]  # type: ignore[union-attr]
        if not ids:
            return [], total
        raws = self.client.hmget("tourism:alerts", ids)
        return [json_format.Parse(str(r), flow_pb2.ZoneAlert())
                for r in raws if r], total  # type: ignore[union-attr]

    def _trim_alerts(self, before_s: float) -> None:
        old = self.client.zrangebyscore("tourism:alerts:time", "-inf", f"({before_s}")
        if old:
            self.client.hdel("tourism:alerts", *old)  # type: ignore[misc]
            self.client.zrem("tourism:alerts:time", *old)  # type: ignore[misc]
            self.client.zrem("tourism:alerts:cleared", *old)  # type: ignore[misc]
