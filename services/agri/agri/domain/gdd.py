"""Growing degree days, base 10 °C, capped at 30 °C, accumulated per season.

Readings arrive every few minutes, so degree days are integrated over time rather than taken from a
daily (Tmax + Tmin) / 2: each interval contributes (min(T, cap) − base)⁺ × Δt / 86 400 s, which
equals the daily-average method for a day sampled evenly. An interval longer than ``max_gap_s``
(a sensor outage) counts only ``max_gap_s``, so a gap neither inflates nor loses a whole season.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

BASE_C = 10.0
CAP_C = 30.0


def degree_days(temp_c: float, seconds: float, base_c: float = BASE_C,
                cap_c: float = CAP_C) -> float:
    """Degree days (°C·d) contributed by air temperature ``temp_c`` held for ``seconds``."""
    return max(0.0, min(temp_c, cap_c) - base_c) * max(0.0, seconds) / 86_400.0


def season_of(when: datetime, start_month: int, start_day: int) -> int:
    """Season (the year it started) that ``when`` (UTC) belongs to."""
    start = datetime(when.year, start_month, start_day, tzinfo=UTC)
    return when.year if when >= start else when.year - 1


@dataclass(frozen=True)
class GddState:
    """Accumulated degree days of one field.

    Attributes:
        season: year the season started.
        gdd: °C·d since the season started.
        last_time: UTC time of the last air temperature used.
        last_temp_c: that temperature, °C.
    """

    season: int
    gdd: float
    last_time: datetime | None
    last_temp_c: float | None


def accumulate(state: GddState | None, when: datetime, temp_c: float, *,
               season_start: tuple[int, int], max_gap_s: float = 3600.0,
               base_c: float = BASE_C, cap_c: float = CAP_C) -> GddState:
    """Fold one air temperature reading (°C at UTC ``when``) into ``state``.

    The interval since the previous reading is credited with the mean of the two temperatures
    (trapezoid rule). A reading older than the last one is ignored; a new season starts from 0.
    """
    season = season_of(when, *season_start)
    if state is None or season != state.season:
        return GddState(season, 0.0, when, temp_c)
    if state.last_time is None or state.last_temp_c is None:
        return GddState(season, state.gdd, when, temp_c)
    if when <= state.last_time:
        return state
    dt = min((when - state.last_time).total_seconds(), max_gap_s)
    mean = (temp_c + state.last_temp_c) / 2.0
    return GddState(season, state.gdd + degree_days(mean, dt, base_c, cap_c), when, temp_c)
