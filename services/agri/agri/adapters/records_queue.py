"""What a Redis unit of work leaves for SQL: a queue of record entries in the unit's transaction.

Telemetry and the alarm loops decide in Redis; the SQL records that follow from a decision (alarm
rows, history buckets, a frost-protection request for dispatch) are written into the Redis
stream ``agri:records`` by the same MULTI/EXEC, as one entry with a random id. The records relay
(:mod:`agri.app.records`) applies entries in a SQL unit that records their ids as consumed, then
deletes them: an entry applied but not yet deleted when the process died is recognised and only
deleted, so each lands in SQL exactly once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import redis
from zezhou5g.platform.events import new_event_id
from zezhou5g.platform.outbox import RedisUnit

from agri.adapters.alarm_store import from_json, to_json
from agri.domain.alarms import Alarm
from agri.domain.history import Bucket, BucketKey

STREAM = "agri:records"


@dataclass
class RecordEntry:
    """SQL records that one unit of work decided.

    Attributes:
        alarms: alarms changed (their latest state; rows advance by version).
        buckets: history to merge into the 15-minute buckets.
        frost: frost alarms asking dispatch for protection on their field.
        id: the entry's id (recorded as consumed by the SQL unit that applies it).
        stream_id: where it sits in the stream (set when read back).
    """

    alarms: list[Alarm] = field(default_factory=list)
    buckets: dict[BucketKey, Bucket] = field(default_factory=dict)
    frost: list[Alarm] = field(default_factory=list)
    id: str = field(default_factory=new_event_id)
    stream_id: str = ""

    def __bool__(self) -> bool:
        return bool(self.alarms or self.buckets or self.frost)

    def encode(self) -> str:
        """The entry as JSON text."""
        return json.dumps({
            "id": self.id, "alarms": [to_json(a) for a in self.alarms],
            "frost": [to_json(a) for a in self.frost],
            "buckets": [[d, m, s, b.width, b.count, b.total, b.low, b.high]
                        for (d, m, s), b in self.buckets.items()]})

    @classmethod
    def decode(cls, text: str, stream_id: str = "") -> RecordEntry:
        """Inverse of :meth:`encode`."""
        d = json.loads(text)
        buckets = {(dev, m, int(s)): Bucket(int(s), int(w), int(n), float(tot), float(lo),
                                            float(hi))
                   for dev, m, s, w, n, tot, lo, hi in d["buckets"]}
        return cls([from_json(a) for a in d["alarms"]], buckets,
                   [from_json(a) for a in d["frost"]], d["id"], stream_id)


class RecordsQueue:
    """The Redis stream of record entries."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    def stage(self, unit: RedisUnit, entry: RecordEntry) -> None:
        """Queue ``entry`` in the unit's transaction (nothing when it is empty)."""
        if entry:
            unit.w.xadd(STREAM, {"entry": entry.encode()})

    def pending(self, limit: int = 100) -> list[RecordEntry]:
        """The oldest ``limit`` entries, oldest first."""
        rows: Sequence[tuple[str, Mapping[str, str]]] = self.client.xrange(  # type: ignore[assignment]
            STREAM, count=limit)
        return [RecordEntry.decode(fields["entry"], str(sid)) for sid, fields in rows]

    def drop(self, entries: Sequence[RecordEntry]) -> None:
        """Delete applied entries."""
        if entries:
            self.client.xdel(STREAM, *(e.stream_id for e in entries))

    def size(self) -> int:
        """Entries waiting."""
        return int(self.client.xlen(STREAM))  # type: ignore[arg-type]
