"""Redis state of the transport service.

Keys (``transport:`` prefix):

* ``face:<enrolment_id>`` hash: ``template`` (AES-GCM ciphertext, hex), ``ticket_id``,
  ``station_id``, ``departure_s``; expires at the purge time as a safety net.
* ``passage:<passage_id>`` JSON of an open passage attempt (gate, ticket, challenge); TTL.
* ``decided:<request_id>`` the serialized GateDecision of a request (idempotent retries).
* ``ticket_used:<ticket_id>`` decision id of the passage that used the ticket (anti-passback).
* ``gatestate:<gate_id>`` JSON of the gate's last decision; ``stats:<station>`` hash of counts;
  ``recent:<station>`` sorted set of decision ids by epoch ms (passages per minute).
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any

import redis

P = "transport"


class State:
    """Typed access to the service's Redis keys."""

    def __init__(self, client: redis.Redis) -> None:
        self.r = client

    # ------------------------------------------------------------ face templates

    def put_face(self, enrolment_id: str, sealed: bytes, ticket_id: str, station_id: str,
                 departure: datetime, purge_after: datetime) -> None:
        """Store an encrypted template, expiring at ``purge_after``."""
        key = f"{P}:face:{enrolment_id}"
        pipe = self.r.pipeline()
        pipe.hset(key, mapping={"template": sealed.hex(), "ticket_id": ticket_id,
                                "station_id": station_id,
                                "departure_s": str(departure.timestamp())})
        pipe.expireat(key, int(purge_after.timestamp()) + 1)
        pipe.execute()

    def get_face(self, enrolment_id: str) -> dict[str, Any] | None:
        """The stored template record (template as bytes), or None."""
        raw = self.r.hgetall(f"{P}:face:{enrolment_id}")
        if not raw:
            return None
        rec: dict[str, Any] = dict(raw)  # type: ignore[arg-type]
        rec["template"] = bytes.fromhex(rec["template"])
        rec["departure_s"] = float(rec["departure_s"])
        return rec

    def delete_face(self, enrolment_id: str) -> int:
        """Delete a template; number of keys removed."""
        return int(self.r.delete(f"{P}:face:{enrolment_id}"))  # type: ignore[arg-type]

    def face_keys(self) -> list[str]:
        """Enrolment ids with a template in Redis."""
        return sorted(k.split(":", 2)[2] for k in self.r.scan_iter(f"{P}:face:*"))

    # ------------------------------------------------------------ passages

    def open_passage(self, passage_id: str, record: dict[str, Any], ttl_s: float) -> None:
        """Remember a passage attempt for ``ttl_s`` seconds."""
        self.r.set(f"{P}:passage:{passage_id}", json.dumps(record), px=int(ttl_s * 1000))

    def passage(self, passage_id: str) -> dict[str, Any] | None:
        """The open passage attempt, or None when unknown or expired."""
        raw = self.r.get(f"{P}:passage:{passage_id}")
        return None if raw is None else json.loads(str(raw))

    def close_passage(self, passage_id: str) -> None:
        """A passage attempt is decided once; its challenge cannot be reused."""
        self.r.delete(f"{P}:passage:{passage_id}")

    def decided(self, request_id: str) -> bytes | None:
        """The decision already made for ``request_id`` (serialized proto, hex-decoded)."""
        raw = self.r.get(f"{P}:decided:{request_id}")
        return None if raw is None else bytes.fromhex(str(raw))

    def remember_decision(self, request_id: str, payload: bytes, ttl_s: int = 86400) -> None:
        """Keep a decision for retries of the same request."""
        self.r.set(f"{P}:decided:{request_id}", payload.hex(), ex=ttl_s)

    def claim_ticket(self, ticket_id: str, decision_id: str, ttl_s: int) -> str | None:
        """Mark a ticket used by ``decision_id``; returns the earlier decision id if it was."""
        key = f"{P}:ticket_used:{ticket_id}"
        if self.r.set(key, decision_id, nx=True, ex=ttl_s):
            return None
        return str(self.r.get(key))

    def release_ticket(self, ticket_id: str, decision_id: str) -> None:
        """Undo a claim (a reversed passage): the ticket can be used again."""
        key = f"{P}:ticket_used:{ticket_id}"
        if self.r.get(key) == decision_id:
            self.r.delete(key)

    # ------------------------------------------------------------ live figures

    def count_decision(self, station_id: str, gate_id: str, outcome: str, decision_id: str,
                       summary: dict[str, Any]) -> None:
        """Update counters, the per-minute window and the gate's last decision."""
        now_ms = int(time.time() * 1000)
        pipe = self.r.pipeline()
        for scope in (station_id, ""):
            pipe.hincrby(f"{P}:stats:{scope}", outcome, 1)
            pipe.hincrby(f"{P}:stats:{scope}", "total", 1)
            pipe.zadd(f"{P}:recent:{scope}", {decision_id: now_ms})
            pipe.zremrangebyscore(f"{P}:recent:{scope}", 0, now_ms - 3_600_000)
        pipe.set(f"{P}:gatestate:{gate_id}", json.dumps(summary))
        pipe.execute()

    def stats(self, station_id: str) -> dict[str, int]:
        """Counts by outcome ("" = all stations)."""
        raw = self.r.hgetall(f"{P}:stats:{station_id}")
        return {str(k): int(v) for k, v in raw.items()}  # type: ignore[union-attr]

    def last_minute(self, station_id: str) -> int:
        """Decisions in the last 60 s."""
        now_ms = int(time.time() * 1000)
        return int(self.r.zcount(f"{P}:recent:{station_id}", now_ms - 60_000, now_ms))  # type: ignore[arg-type]
