"""Telemetry history buckets: 15-minute aggregates kept 90 days, daily aggregates beyond.

A bucket holds count, sum, min and max of one metric of one device, so buckets merge exactly
(a daily bucket is the merge of its 96 quarter-hours) and the mean is sum / count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass

FINE_S = 900                 # 15 minutes
COARSE_S = 86_400            # one day
FINE_KEEP_S = 90 * 86_400    # keep 15-minute buckets for 90 days


def bucket_start(epoch_s: float, width_s: int = FINE_S) -> int:
    """Start (epoch s, UTC) of the ``width_s`` bucket holding ``epoch_s``."""
    return int(epoch_s // width_s) * width_s


@dataclass(frozen=True)
class Bucket:
    """Aggregate of one metric over [start, start + width) (epoch s, UTC)."""

    start: int
    width: int
    count: int
    total: float
    low: float
    high: float

    @property
    def mean(self) -> float:
        """Mean value in the bucket."""
        return self.total / self.count

    def add(self, value: float) -> Bucket:
        """This bucket with one more value."""
        return Bucket(self.start, self.width, self.count + 1, self.total + value,
                      min(self.low, value), max(self.high, value))

    def plus(self, other: Bucket) -> Bucket:
        """This bucket and ``other`` (same start and width) together."""
        return Bucket(self.start, self.width, self.count + other.count,
                      self.total + other.total, min(self.low, other.low),
                      max(self.high, other.high))


def merge(buckets: Iterable[Bucket], width_s: int) -> list[Bucket]:
    """Re-aggregate ``buckets`` into ``width_s`` buckets (e.g. quarter-hours into days)."""
    out: dict[int, Bucket] = {}
    for b in buckets:
        start = bucket_start(b.start, width_s)
        have = out.get(start)
        out[start] = b if have is None and b.width == width_s else Bucket(
            start, width_s, (have.count if have else 0) + b.count,
            (have.total if have else 0.0) + b.total,
            min(have.low, b.low) if have else b.low, max(have.high, b.high) if have else b.high)
    return [out[k] for k in sorted(out)]


def to_downsample(fine_starts: Iterable[int], now_s: float) -> list[int]:
    """Days (epoch s) whose 15-minute buckets are older than the 90-day window."""
    limit = bucket_start(now_s - FINE_KEEP_S, COARSE_S)
    return sorted({bucket_start(s, COARSE_S) for s in fine_starts if s < limit})


# A bucket's identity: device, metric, start (epoch s).
BucketKey = tuple[str, str, int]


def fold(pending: MutableMapping[BucketKey, Bucket], device_id: str, epoch_s: float,
         values: Mapping[str, float | None], width_s: int = FINE_S) -> None:
    """Fold one reading (metric → value; None = absent) into ``pending`` 15-minute buckets."""
    start = bucket_start(epoch_s, width_s)
    for metric, value in values.items():
        if value is None:
            continue
        key = (device_id, metric, start)
        have = pending.get(key)
        pending[key] = have.add(value) if have else Bucket(start, width_s, 1, value, value,
                                                           value)
