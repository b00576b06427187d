"""Crowding forecast for visitors: hour-of-week profile of the last days, blended with now.

Pure logic, no I/O. The model is deliberately simple (and measured: ``bench/tourism_forecast.py``):

* **profile** — the mean count of each local (UTC+8) hour of the week over the history (7 days:
  each hour of the week seen once). An hour of the week without history falls back to the
  same hour of day on any day, then to the current count;
* **blend** — today's crowd differs from last week's by a factor ``r = (now + k) ÷ (profile(now)
  + k)`` (``k`` persons keeps a near-empty hour from giving wild ratios), clipped to
  [1/4, 4]; its weight decays with the horizon as ``exp(−h / tau_h)``, so the next hour follows
  today and the afternoon follows the profile:
  ``forecast(h) = profile(t + h) × (1 + (r − 1) × exp(−h / tau_h))``.

Suggestions for a calmer spot only ever name a zone that is comfortable now *and* forecast to
stay comfortable over the next hours: sending visitors to a place about to fill is worse than
sending none.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tourism.domain.crowding import Level, Thresholds, level, occupancy

LOCAL_OFFSET_S = 8 * 3600      # China Standard Time, UTC+8 (no daylight saving)
HOUR_S = 3600
WEEK_H = 7 * 24
RANK = {Level.COMFORTABLE: 0, Level.BUSY: 1, Level.CROWDED: 2, Level.OVER_CAPACITY: 3}


def hour_of_week(at_s: float) -> int:
    """Local hour of the week 0–167 (0 = Monday 00:00–01:00 UTC+8) of UNIX time ``at_s``."""
    local_h = int((at_s + LOCAL_OFFSET_S) // HOUR_S)
    # 1970-01-01 was a Thursday: shift so that 0 is a Monday.
    return (local_h + 3 * 24) % WEEK_H


@dataclass(frozen=True, slots=True)
class Profile:
    """Mean count per hour of the week and per hour of day, and how much history (hours)."""

    by_week_hour: dict[int, float]
    by_day_hour: dict[int, float]
    hours: float

    def at(self, at_s: float, fallback: float) -> float:
        """Expected count (persons) at UNIX time ``at_s`` by the profile alone."""
        how = hour_of_week(at_s)
        if how in self.by_week_hour:
            return self.by_week_hour[how]
        return self.by_day_hour.get(how % 24, fallback)


def build_profile(minutes: Iterable[tuple[float, float]]) -> Profile:
    """Profile from ``(minute UNIX s, mean count persons)`` rows (e.g. 7 days of history)."""
    week: dict[int, list[float]] = defaultdict(list)
    for minute_s, count in minutes:
        week[hour_of_week(minute_s)].append(count)
    by_week = {h: sum(v) / len(v) for h, v in week.items()}
    day: dict[int, list[float]] = defaultdict(list)
    for h, mean in by_week.items():
        day[h % 24].append(mean)
    n_minutes = sum(len(v) for v in week.values())
    return Profile(by_week, {h: sum(v) / len(v) for h, v in day.items()}, n_minutes / 60)


@dataclass(frozen=True, slots=True)
class Forecaster:
    """The blend above. ``k`` persons, ``tau_h`` hours, ``max_ratio`` (and its inverse)."""

    k: float = 5.0
    tau_h: float = 2.0
    max_ratio: float = 4.0

    def forecast(self, profile: Profile, now_s: float, current: float,
                 hours_ahead: Sequence[float]) -> list[float]:
        """Expected counts (persons) at ``now_s + h`` hours for each ``h`` in ``hours_ahead``."""
        base_now = profile.at(now_s, current)
        ratio = (current + self.k) / (base_now + self.k)
        ratio = min(self.max_ratio, max(1 / self.max_ratio, ratio))
        out = []
        for h in hours_ahead:
            base = profile.at(now_s + h * HOUR_S, current)
            out.append(max(0.0, base * (1 + (ratio - 1) * math.exp(-h / self.tau_h))))
        return out


@dataclass(frozen=True, slots=True)
class SpotOutlook:
    """One zone now and ahead: counts (persons), occupancies, levels, hour offsets."""

    zone_id: str
    area_id: str
    level_now: Level | None          # None: no status yet
    occupancy_now: float
    hours_ahead: tuple[float, ...]
    counts_ahead: tuple[float, ...]
    occupancy_ahead: tuple[float, ...]
    levels_ahead: tuple[Level, ...]


def outlook(zone_id: str, area_id: str, capacity: int, thresholds: Thresholds,
            level_now: Level | None, count_now: float, profile: Profile, now_s: float,
            hours_ahead: Sequence[float], model: Forecaster | None = None) -> SpotOutlook:
    """Forecast one zone ``hours_ahead`` and classify each point with the zone's thresholds."""
    counts = (model or Forecaster()).forecast(profile, now_s, count_now, hours_ahead)
    occ = [occupancy(c, capacity) for c in counts]
    return SpotOutlook(zone_id, area_id, level_now, occupancy(count_now, capacity),
                       tuple(hours_ahead), tuple(round(c, 1) for c in counts),
                       tuple(round(o, 3) if math.isfinite(o) else 99.0 for o in occ),
                       tuple(level(o, thresholds) for o in occ))


def stays_calm(spot: SpotOutlook, within_h: float = 2.0) -> bool:
    """Comfortable now and at every forecast point up to ``within_h`` hours ahead."""
    if spot.level_now != Level.COMFORTABLE:
        return False
    return all(lv == Level.COMFORTABLE
               for h, lv in zip(spot.hours_ahead, spot.levels_ahead, strict=True) if h <= within_h)


def calmer_spots(spots: Sequence[SpotOutlook], most: int = 2,
                 within_h: float = 2.0) -> dict[str, list[str]]:
    """Zone → up to ``most`` zones of its area to go to instead, calmest (by peak forecast) first.

    Only zones that are busy or worse now get suggestions, and only zones that
    :func:`stays_calm` are ever suggested — never an unknown, busy or filling one.
    """
    calm = [s for s in spots if stays_calm(s, within_h)]
    out: dict[str, list[str]] = {}
    for s in spots:
        if s.level_now is None or RANK[s.level_now] < RANK[Level.BUSY]:
            continue
        peers = sorted((c for c in calm if c.area_id == s.area_id and c.zone_id != s.zone_id),
                       key=lambda c: (max((o for h, o in zip(c.hours_ahead, c.occupancy_ahead,
                                                           strict=True) if h <= within_h),
                                          default=c.occupancy_now), c.zone_id))
        out[s.zone_id] = [c.zone_id for c in peers[:most]]
    return out


def best_hour_today(profile: Profile, model: Forecaster, now_s: float, current: float,
                    opens_at_h: float, open_hours: float) -> tuple[float, float] | None:
    """(UNIX s of the start of the calmest remaining whole hour today, its expected count).

    Hours are local; only hours that start now or later and end by closing time count. None
    when the area is closed for the rest of today.
    """
    local = now_s + LOCAL_OFFSET_S
    midnight = local - local % (24 * HOUR_S)
    close = midnight + (opens_at_h + open_hours) * HOUR_S
    start = max(midnight + opens_at_h * HOUR_S, math.ceil(local / HOUR_S) * HOUR_S)
    starts = []
    t = start
    while t + HOUR_S <= close + 1e-6:
        starts.append(t)
        t += HOUR_S
    if not starts:
        return None
    # The hour's middle stands for the hour.
    ahead = [(s + HOUR_S / 2 - local) / HOUR_S for s in starts]
    counts = model.forecast(profile, now_s, current, ahead)
    i = min(range(len(starts)), key=lambda j: (round(counts[j], 1), j))
    return starts[i] - LOCAL_OFFSET_S, counts[i]


def wait_minutes(count: float, queue_per_min: float | None) -> float | None:
    """Queue wait (minutes) for ``count`` people served at ``queue_per_min`` persons/minute.

    Little's law for a queue served at a steady rate: the last in line waits count ÷ rate.
    None where the zone has no queue.
    """
    if not queue_per_min or queue_per_min <= 0:
        return None
    return round(count / queue_per_min, 1)
