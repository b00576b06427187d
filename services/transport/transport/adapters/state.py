"""Redis state of the transport service: the only module that names its keys.

Keys (``transport:`` prefix):

* ``face:<enrolment_id>`` hash: ``template`` (AES-GCM ciphertext, hex), ``ticket_id``,
  ``station_id``, ``departure_s``; a cache of the SQL row for the gate nodes, expiring at the
  purge time as a safety net.
* ``passage:<passage_id>`` JSON of an open passage attempt (gate, ticket, challenge); TTL.
* ``gate:<gate_id>`` latest GateStatus (JSON), ``gate:keys`` the gates that reported,
  ``heartbeats_total:<gate_id>`` heartbeats counted.
* ``figures:<station>`` hash of decisions by outcome and ``total`` (``""`` = every station),
  ``figures:recent:<station>`` sorted set of decision ids by event time, ms (last hour): both
  derived from the published decisions, each decision counted once (app/figures.py).

Writes are ``stage_*(unit, ...)`` in a :class:`zezhou5g.platform.outbox.RedisUnit` (they run in
its MULTI/EXEC, with its dedupe and staged events); reads take ``r`` (``unit.r`` inside a
unit, the client otherwise).
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any

import redis
from google.protobuf import json_format
from zezhou5g.platform.outbox import RedisUnit
from zezhou5g.platform.stored import parse_stored
from zezhou5g.transport.v1 import transport_pb2

P = "transport"
RECENT_S = 3600  # how long decision ids stay in the per-minute window's set

Reader = redis.Redis | redis.client.Pipeline


class FaceCache:
    """Encrypted templates for the gate nodes (the SQL enrolment row is the truth)."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    @staticmethod
    def _key(enrolment_id: str) -> str:
        return f"{P}:face:{enrolment_id}"

    def stage_face(self, unit: RedisUnit, enrolment_id: str, sealed: bytes, ticket_id: str,
                   station_id: str, departure: datetime, purge_after: datetime) -> None:
        """Cache an encrypted template, expiring at ``purge_after``."""
        key = self._key(enrolment_id)
        unit.w.hset(key, mapping={"template": sealed.hex(), "ticket_id": ticket_id,
                                  "station_id": station_id,
                                  "departure_s": str(departure.timestamp())})
        unit.w.expireat(key, int(purge_after.timestamp()) + 1)

    def face(self, enrolment_id: str) -> dict[str, Any] | None:
        """The cached template record (template as bytes), or None."""
        raw = self.client.hgetall(self._key(enrolment_id))
        if not raw:
            return None
        rec: dict[str, Any] = dict(raw)  # type: ignore[arg-type]
        rec["template"] = bytes.fromhex(rec["template"])
        rec["departure_s"] = float(rec["departure_s"])
        return rec

    def stage_deletion(self, unit: RedisUnit, enrolment_id: str) -> int:
        """Delete a cached template; 1 when there was one."""
        key = self._key(enrolment_id)
        found = int(unit.r.exists(key))  # type: ignore[arg-type]
        unit.w.delete(key)
        return found


class PassageStore:
    """Open passage attempts (a challenge drawn, not yet decided)."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    def stage_passage(self, unit: RedisUnit, passage_id: str, record: dict[str, Any],
                      ttl_s: float) -> None:
        """Remember a passage attempt for ``ttl_s`` seconds."""
        unit.w.set(f"{P}:passage:{passage_id}", json.dumps(record), px=int(ttl_s * 1000))

    def passage(self, passage_id: str) -> dict[str, Any] | None:
        """The passage attempt, or None when unknown or expired."""
        raw = self.client.get(f"{P}:passage:{passage_id}")
        return None if raw is None else json.loads(str(raw))


class GateStore:
    """Each gate's latest status and its heartbeat count."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    def heartbeats_total(self, unit: RedisUnit, gate_id: str) -> int:
        """Heartbeats counted for the gate; the unit decides again if it changes meanwhile."""
        key = f"{P}:heartbeats_total:{gate_id}"
        unit.watch(key)
        return int(unit.r.get(key) or 0)  # type: ignore[arg-type]

    def stage_status(self, unit: RedisUnit, status: transport_pb2.GateStatus) -> None:
        """Store the gate's status as its latest, with its heartbeat count."""
        gate_id = status.gate_id
        unit.w.set(f"{P}:heartbeats_total:{gate_id}", int(status.heartbeats_total))
        unit.w.set(f"{P}:gate:{gate_id}", json_format.MessageToJson(status, indent=None))
        unit.w.sadd(f"{P}:gate:keys", gate_id)

    def statuses(self) -> list[transport_pb2.GateStatus]:
        """Every gate's latest status, ordered by gate id."""
        gates = sorted(str(g) for g in self.client.smembers(f"{P}:gate:keys"))  # type: ignore[union-attr]
        if not gates:
            return []
        raws = self.client.mget([f"{P}:gate:{g}" for g in gates])
        return [parse_stored(str(r), transport_pb2.GateStatus())
                for r in raws if r is not None]  # type: ignore[union-attr]


class FigureStore:
    """Decision counts per station and the per-minute window."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    def stage_decision(self, unit: RedisUnit, station_id: str, outcome: str,
                       decision_id: str, at_ms: int) -> None:
        """Count one decision (the caller's unit makes sure each is counted once)."""
        for scope in (station_id, ""):
            unit.w.hincrby(f"{P}:figures:{scope}", outcome, 1)
            unit.w.hincrby(f"{P}:figures:{scope}", "total", 1)
            unit.w.zadd(f"{P}:figures:recent:{scope}", {decision_id: at_ms})
            unit.w.zremrangebyscore(f"{P}:figures:recent:{scope}", 0,
                                    int(time.time() * 1000) - RECENT_S * 1000)

    def counts(self, station_id: str) -> dict[str, int]:
        """Decisions by outcome and ``total`` ("" = all stations)."""
        raw = self.client.hgetall(f"{P}:figures:{station_id}")
        return {str(k): int(v) for k, v in raw.items()}  # type: ignore[union-attr]

    def last_minute(self, station_id: str) -> int:
        """Decisions whose event time is in the last 60 s."""
        now_ms = int(time.time() * 1000)
        return int(self.client.zcount(f"{P}:figures:recent:{station_id}",  # type: ignore[arg-type]
                                      now_ms - 60_000, now_ms))
