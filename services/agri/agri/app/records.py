"""The records relay: what Redis units decided reaches SQL, exactly once.

Telemetry and the alarm units commit in Redis and queue the SQL records they imply (alarm rows,
history buckets, frost-protection requests) in the same transaction
(:mod:`agri.adapters.records_queue`). :meth:`RecordsRelay.catch_up` applies queued entries in one
SQL unit of work that records their ids as consumed — the dispatch rule runs in that unit, so
a frost order and its ``agri.orders`` event are committed with the records — then deletes
them from the queue. Reads that answer from SQL catch up first, so they see every decision made.
"""

from __future__ import annotations

import functools
import threading
import time
from datetime import UTC, datetime, timedelta

from zezhou5g.platform.outbox import SEEN_TTL_S, SqlOutbox, SqlUnit

from agri.adapters.alarm_store import AlarmStore
from agri.adapters.history_store import HistoryStore
from agri.adapters.records_queue import RecordEntry, RecordsQueue
from agri.app.dispatch import Dispatch
from agri.domain.alarms import Alarm
from agri.domain.history import Bucket, BucketKey


class RecordsRelay:
    """Moves record entries from the Redis queue into SQL.

    Args:
        batch: entries applied per SQL transaction.
        rounds: transactions per :meth:`catch_up` at most (a steady stream cannot hold a
            caller forever; the loop comes back next tick).
    """

    def __init__(self, queue: RecordsQueue, outbox: SqlOutbox, alarms: AlarmStore,
                 history: HistoryStore, dispatch: Dispatch, batch: int = 100,
                 rounds: int = 20) -> None:
        self.queue = queue
        self.outbox = outbox
        self.alarms = alarms
        self.history = history
        self.dispatch = dispatch
        self.batch = batch
        self.rounds = rounds
        self._lock = threading.Lock()

    def catch_up(self) -> int:
        """Apply what is queued (up to ``rounds × batch`` entries); returns how many."""
        done = 0
        with self._lock:
            for _ in range(self.rounds):
                entries = self.queue.pending(self.batch)
                if not entries:
                    break
                counts = self.outbox.transact(functools.partial(self._apply, entries=entries),
                                              consumed=[e.id for e in entries])
                self.dispatch.counted(counts)
                self.queue.drop(entries)
                done += len(entries)
                if len(entries) < self.batch:
                    break
        return done

    def _apply(self, unit: SqlUnit, entries: list[RecordEntry]  # type: ignore[type-arg]
               ) -> list[tuple[str, str]]:
        fresh = [e for e in entries if unit.fresh(e.id)]
        latest: dict[str, Alarm] = {}
        buckets: dict[BucketKey, Bucket] = {}
        for e in fresh:
            for a in e.alarms:
                if a.id not in latest or a.version > latest[a.id].version:
                    latest[a.id] = a
            for key, b in e.buckets.items():
                have = buckets.get(key)
                buckets[key] = have.plus(b) if have else b
        self.alarms.save_rows(unit.conn, sorted(latest.values(), key=lambda a: a.id))
        self.history.add(unit.conn, buckets)
        counts: list[tuple[str, str]] = []
        for e in fresh:
            for alarm in e.frost:
                counts += self.dispatch.frost_protection(unit, alarm)
        return counts

    def housekeeping(self, now_s: float | None = None) -> None:
        """Daily buckets beyond 90 days; forget consumed ids older than the broker's retention."""
        now = time.time() if now_s is None else now_s
        self.history.downsample(now)
        self.outbox.forget_consumed_before(datetime.fromtimestamp(now, UTC)
                                           - timedelta(seconds=SEEN_TTL_S))
