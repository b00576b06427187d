"""Telemetry history in SQL: 15-minute buckets per device and metric, daily beyond 90 days.

Readings are folded into buckets by the telemetry unit of work and reach SQL through the records
queue (:mod:`agri.adapters.records_queue`), merged in one upsert per relay round (count/sum/
min/max add up), exactly once per reading.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from sqlalchemy import Connection, Engine, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from agri.adapters.tables import ReadingBucket
from agri.domain.history import (
    COARSE_S,
    FINE_S,
    Bucket,
    BucketKey,
    bucket_start,
    merge,
    to_downsample,
)


class HistoryStore:
    """Merges bucket deltas into SQL, answers history queries and downsamples old buckets.

    Args:
        engine: for queries.
        writer: for :meth:`downsample` (defaults to ``engine``).
    """

    def __init__(self, engine: Engine, writer: Engine | None = None) -> None:
        self.engine = engine
        self.writer = writer or engine
        self._dialect = engine.dialect.name
        self._insert = sqlite_insert if self._dialect == "sqlite" else pg_insert

    def add(self, conn: Connection, buckets: Mapping[BucketKey, Bucket]) -> int:
        """Merge ``buckets`` (device, metric, start → delta) in ``conn``; returns how many."""
        if not buckets:
            return 0
        rows = [{"device_id": d, "metric": m, "width": b.width, "start": s, "count": b.count,
                 "total": b.total, "low": b.low, "high": b.high}
                for (d, m, s), b in buckets.items()]
        t = ReadingBucket.__table__
        stmt = self._insert(t)  # type: ignore[arg-type]
        least, greatest = ((func.min, func.max) if self._dialect == "sqlite"
                           else (func.least, func.greatest))
        stmt = stmt.on_conflict_do_update(
            index_elements=["device_id", "metric", "width", "start"],
            set_={"count": t.c.count + stmt.excluded.count,  # type: ignore[attr-defined]
                  "total": t.c.total + stmt.excluded.total,  # type: ignore[attr-defined]
                  "low": least(t.c.low, stmt.excluded.low),  # type: ignore[attr-defined]
                  "high": greatest(t.c.high, stmt.excluded.high)})  # type: ignore[attr-defined]
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
        with Session(self.writer) as s, s.begin():
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

