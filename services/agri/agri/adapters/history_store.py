"""Telemetry history in SQL: 15-minute buckets per device and metric, daily beyond 90 days.

Readings are folded into in-memory buckets and written every few seconds in one transaction
(an upsert that merges count/sum/min/max), so ingest does not pay a database commit per reading.
The price: a crash loses at most one flush interval of chart aggregates; the readings' effects
(latest values, alarms) are in Redis already.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping

from sqlalchemy import Engine, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from agri.adapters.tables import ReadingBucket
from agri.domain.history import COARSE_S, FINE_S, Bucket, bucket_start, merge, to_downsample

Key = tuple[str, str, int]      # device, metric, bucket start (epoch s)


class HistoryStore:
    """Accumulates readings and flushes them as bucket upserts."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._pending: dict[Key, Bucket] = {}
        self._lock = threading.Lock()
        self._insert = sqlite_insert if engine.dialect.name == "sqlite" else pg_insert

    def add(self, device_id: str, epoch_s: float, values: Mapping[str, float | None]) -> None:
        """Fold one reading (metric → value; None = absent) into its 15-minute buckets."""
        start = bucket_start(epoch_s, FINE_S)
        with self._lock:
            for metric, value in values.items():
                if value is None:
                    continue
                key = (device_id, metric, start)
                have = self._pending.get(key)
                self._pending[key] = have.add(value) if have else Bucket(
                    start, FINE_S, 1, value, value, value)

    def flush(self) -> int:
        """Write what has accumulated; returns the number of buckets written."""
        with self._lock:
            pending, self._pending = self._pending, {}
        if not pending:
            return 0
        rows = [{"device_id": d, "metric": m, "width": FINE_S, "start": s, "count": b.count,
                 "total": b.total, "low": b.low, "high": b.high}
                for (d, m, s), b in pending.items()]
        t = ReadingBucket.__table__  # type: ignore[assignment]
        stmt = self._insert(t)  # type: ignore[arg-type]
        stmt = stmt.on_conflict_do_update(
            index_elements=["device_id", "metric", "width", "start"],
            set_={"count": t.c.count + stmt.excluded.count,
                  "total": t.c.total + stmt.excluded.total,
                  "low": _least(t.c.low, stmt.excluded.low, self.engine.dialect.name),
                  "high": _greatest(t.c.high, stmt.excluded.high, self.engine.dialect.name)})
        with self.engine.begin() as conn:
            conn.execute(stmt, rows)
        return len(rows)

    def query(self, device_id: str, metric: str, since_s: float, until_s: float) -> list[Bucket]:
        """Buckets in [since, until): daily where only daily buckets remain, else 15-minute."""
        q = (select(ReadingBucket)
             .where(ReadingBucket.device_id == device_id, ReadingBucket.metric == metric,
                    ReadingBucket.start >= bucket_start(since_s, FINE_S),
                    ReadingBucket.start < until_s)
             .order_by(ReadingBucket.start, ReadingBucket.width))
        with Session(self.engine) as s:
            return [Bucket(r.start, r.width, r.count, r.total, r.low, r.high) for r in s.scalars(q)]

    def downsample(self, now_s: float | None = None) -> int:
        """Merge 15-minute buckets older than 90 days into daily ones; returns days merged."""
        now_s = time.time() if now_s is None else now_s
        t = ReadingBucket
        with Session(self.engine) as s, s.begin():
            old = list(s.scalars(select(t).where(
                t.width == FINE_S, t.start < bucket_start(now_s - 90 * 86_400, COARSE_S))))
            days = to_downsample([r.start for r in old], now_s)
            groups: dict[tuple[str, str], list[Bucket]] = {}
            for r in old:
                groups.setdefault((r.device_id, r.metric), []).append(
                    Bucket(r.start, r.width, r.count, r.total, r.low, r.high))
            for (dev, metric), buckets in groups.items():
                for day in merge(buckets, COARSE_S):
                    have = s.get(t, (dev, metric, COARSE_S, day.start))
                    if have is not None:   # late data for a day already merged
                        (day,) = merge([day, Bucket(have.start, COARSE_S, have.count, have.total,
                                                    have.low, have.high)], COARSE_S)
                    s.merge(t(device_id=dev, metric=metric, width=COARSE_S, start=day.start,
                              count=day.count, total=day.total, low=day.low, high=day.high))
            s.execute(delete(t).where(t.width == FINE_S,
                                      t.start < bucket_start(now_s - 90 * 86_400, COARSE_S)))
        return len(days)


def _least(a, b, dialect: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import func
    return func.min(a, b) if dialect == "sqlite" else func.least(a, b)


def _greatest(a, b, dialect: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import func
    return func.max(a, b) if dialect == "sqlite" else func.greatest(a, b)
