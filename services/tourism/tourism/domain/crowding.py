"""Capacity, crowding levels, smoothing and alert hysteresis — pure logic, no I/O.

Capacity follows LB/T 034-2014 (景区最大承载量核定导则):

* instantaneous capacity C = Σ (effective area Xᵢ ÷ area per visitor Yᵢ), persons;
* daily capacity = C × turnover, turnover Z = opening hours ÷ mean visit time.

Per-visitor areas come from GB/T 50298-2018 (风景名胜区总体规划标准), by zone kind (m²/person).
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from dataclasses import dataclass
from enum import StrEnum

# GB/T 50298-2018 per-visitor area ranges, m²/person.
AREA_PER_VISITOR_M2: dict[str, tuple[float, float]] = {
    "path": (5.0, 10.0),            # walkways and streets (线路法)
    "main_sight": (50.0, 100.0),    # main sights (面积法, 主景景点)
    "general_sight": (100.0, 400.0),  # general scenic ground (一般景点)
}


class Level(StrEnum):
    """Crowding level of a zone, from its occupancy (count ÷ instantaneous capacity)."""

    COMFORTABLE = "comfortable"
    BUSY = "busy"
    CROWDED = "crowded"
    OVER_CAPACITY = "over_capacity"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Occupancy ratios at which a zone becomes busy / crowded / over capacity, and alerts.

    The alert is raised when occupancy has stayed at or above ``alert_at`` for ``alert_hold_s``
    seconds and cleared only once it has stayed below ``alert_at − hysteresis`` for
    ``clear_hold_s``, so a count hovering at the threshold raises one alert per episode, not
    many. A zone's shown level changes only after the new level has held for ``level_hold_s``.
    """

    busy_at: float = 0.5
    crowded_at: float = 0.8
    over_at: float = 1.0
    alert_at: float = 0.8
    hysteresis: float = 0.15
    alert_hold_s: float = 0.0
    clear_hold_s: float = 0.0
    level_hold_s: float = 0.0

    def problems(self) -> list[str]:
        """What is inconsistent, in words (empty when fine)."""
        out = []
        if not 0 < self.busy_at < self.crowded_at < self.over_at:
            out.append(f"need 0 < busy_at ({self.busy_at}) < crowded_at ({self.crowded_at}) "
                       f"< over_at ({self.over_at})")
        if self.alert_at <= 0:
            out.append(f"alert_at must be > 0, got {self.alert_at}")
        if not 0 < self.hysteresis < self.alert_at:
            out.append(f"alert_hysteresis must be in (0, alert_at={self.alert_at}), "
                       f"got {self.hysteresis}")
        for name in ("alert_hold_s", "clear_hold_s", "level_hold_s"):
            if not 0 <= getattr(self, name) <= 3600:
                out.append(f"{name} must be in [0, 3600] s, got {getattr(self, name)}")
        return out


def instantaneous_capacity(area_m2: float, area_per_visitor_m2: float) -> int:
    """Persons a zone of ``area_m2`` holds at once at ``area_per_visitor_m2`` (rounded down)."""
    if area_m2 < 0 or area_per_visitor_m2 <= 0:
        raise ValueError("area must be ≥ 0 and area per visitor > 0")
    return math.floor(area_m2 / area_per_visitor_m2 + 1e-9)


def turnover(open_hours: float, mean_visit_hours: float) -> float:
    """Visitor groups per day: opening hours ÷ mean visit time (LB/T 034-2014 Z)."""
    if open_hours <= 0 or mean_visit_hours <= 0:
        raise ValueError("opening hours and mean visit time must be > 0")
    return open_hours / mean_visit_hours


def daily_capacity(instantaneous: int, open_hours: float, mean_visit_hours: float) -> int:
    """Persons per day: instantaneous capacity × turnover (rounded down)."""
    return math.floor(instantaneous * turnover(open_hours, mean_visit_hours) + 1e-9)


def occupancy(count: float, capacity: int) -> float:
    """``count ÷ capacity``; a zone with no capacity is over capacity with anyone in it."""
    if capacity <= 0:
        return math.inf if count > 0 else 0.0
    return count / capacity


def level(ratio: float, t: Thresholds) -> Level:
    """Crowding level for an occupancy ratio (each threshold is inclusive)."""
    if ratio >= t.over_at:
        return Level.OVER_CAPACITY
    if ratio >= t.crowded_at:
        return Level.CROWDED
    if ratio >= t.busy_at:
        return Level.BUSY
    return Level.COMFORTABLE


def density(count: float, area_m2: float) -> float:
    """Persons/m² (0 for a zone without area)."""
    return count / area_m2 if area_m2 > 0 else 0.0


class MedianSmoother:
    """Median of the last ``window`` counts: one missed or doubled frame does not move it."""

    def __init__(self, window: int = 5) -> None:
        if window < 1:
            raise ValueError("window must be ≥ 1")
        self._values: deque[int] = deque(maxlen=window)

    def add(self, count: int) -> int:
        """Add a raw count; returns the smoothed count (lower median, an integer)."""
        self._values.append(count)
        return int(statistics.median_low(self._values))


class AlertChange(StrEnum):
    """What :meth:`AlertState.update` decided."""

    RAISED = "raised"
    CLEARED = "cleared"


class AlertState:
    """Raise once occupancy holds at ``alert_at``; clear once it holds below the hysteresis.

    Times are seconds on any clock that only goes forward (the frames' capture times). Each
    episode — from the raise to the clear — gives exactly one RAISED and one CLEARED.

    Args:
        thresholds: the zone's thresholds (``alert_at``, ``hysteresis``, the two hold times).
        active: start with an alert open (e.g. one that survived a service restart).
    """

    def __init__(self, thresholds: Thresholds, active: bool = False) -> None:
        self.thresholds = thresholds
        self.active = active
        self._since: float | None = None   # when the condition for a change began

    def update(self, ratio: float, at_s: float = 0.0) -> AlertChange | None:
        """Feed the smoothed occupancy at ``at_s``; returns the change, or None."""
        t = self.thresholds
        if self.active:
            wants, hold = ratio < t.alert_at - t.hysteresis, t.clear_hold_s
        else:
            wants, hold = ratio >= t.alert_at, t.alert_hold_s
        if not wants:
            self._since = None
            return None
        if self._since is None:
            self._since = at_s
        if at_s - self._since < hold:
            return None
        self._since = None
        self.active = not self.active
        return AlertChange.RAISED if self.active else AlertChange.CLEARED


class LevelHold:
    """The shown level: changes only after a new level has held for ``hold_s`` seconds."""

    def __init__(self, hold_s: float) -> None:
        self.hold_s = hold_s
        self.shown: Level | None = None
        self._candidate: Level | None = None
        self._since = 0.0

    def update(self, lvl: Level, at_s: float = 0.0) -> Level:
        """Feed the level of one frame at ``at_s``; returns the level to show."""
        if self.shown is None or lvl == self.shown:
            self.shown = self.shown or lvl
            self._candidate = None
            return self.shown
        if lvl != self._candidate:
            self._candidate, self._since = lvl, at_s
        if at_s - self._since >= self.hold_s:
            self.shown, self._candidate = lvl, None
        return self.shown


@dataclass(frozen=True, slots=True)
class ZoneReading:
    """A zone after one frame: smoothed count (persons), density (persons/m²), level, alert."""

    raw_count: int
    count: int
    density: float
    occupancy: float
    level: Level
    alert: AlertChange | None


class ZoneMonitor:
    """Per-zone state across frames: smoothing, level and alert hysteresis.

    Args:
        area_m2: effective ground area, m².
        capacity: instantaneous capacity, persons.
        thresholds: level and alert thresholds (occupancy ratios).
        window: frames in the median.
        alert_active: an alert is already open (carried over a restart).
    """

    def __init__(self, area_m2: float, capacity: int, thresholds: Thresholds, window: int = 5,
                 alert_active: bool = False) -> None:
        self.area_m2 = area_m2
        self.capacity = capacity
        self.thresholds = thresholds
        self.smoother = MedianSmoother(window)
        self.alert = AlertState(thresholds, alert_active)
        self.level = LevelHold(thresholds.level_hold_s)

    def update(self, raw_count: int, at_s: float = 0.0) -> ZoneReading:
        """Feed the count of one frame captured at ``at_s`` (s); returns the zone's reading."""
        count = self.smoother.add(raw_count)
        ratio = occupancy(count, self.capacity)
        return ZoneReading(raw_count, count, round(density(count, self.area_m2), 4),
                           round(ratio, 3) if math.isfinite(ratio) else 99.0,
                           self.level.update(level(ratio, self.thresholds), at_s),
                           self.alert.update(ratio, at_s))
