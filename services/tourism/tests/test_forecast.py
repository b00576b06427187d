"""Forecast: hour-of-week profile, blend with now, best hour, waits and calm-only suggestions."""

import math
from datetime import UTC, datetime

import pytest
from tourism.domain.crowding import Level, Thresholds
from tourism.domain.forecast import (
    Forecaster,
    SpotOutlook,
    build_profile,
    calmer_spots,
    hour_of_week,
    outlook,
    stays_calm,
    wait_minutes,
)

T = Thresholds()


def local(y, mo, d, h, mi=0):
    """UNIX s of a local (UTC+8) time."""
    return datetime(y, mo, d, h, mi, tzinfo=UTC).timestamp() - 8 * 3600


@pytest.mark.parametrize(("when", "how"), [
    (local(2026, 11, 30, 0), 0),          # Monday 00:xx
    (local(2026, 11, 30, 9, 59), 9),
    (local(2026, 12, 1, 10), 24 + 10),    # Tuesday 10:xx
    (local(2026, 12, 6, 23, 30), 167),    # Sunday 23:xx
])
def test_hour_of_week_is_local(when, how):
    assert hour_of_week(when) == how


def week(pattern):
    """7 days of minute rows: count = pattern(local hour) every minute, the week before Dec 1."""
    start = local(2026, 11, 24, 0)
    return [(start + m * 60, pattern(int(m // 60) % 24)) for m in range(7 * 24 * 60)]


def test_profile_then_blend_toward_the_profile_with_the_horizon():
    prof = build_profile(week(lambda h: 100.0 if 10 <= h < 16 else 20.0))
    assert prof.hours == pytest.approx(168)
    now = local(2026, 12, 1, 9, 30)     # profile 20 now; today twice as busy (current 45)
    f = Forecaster(k=5, tau_h=2)
    one, two, seven = f.forecast(prof, now, 45.0, [1, 2, 7])
    ratio = (45 + 5) / (20 + 5)
    assert one == pytest.approx(100 * (1 + (ratio - 1) * math.exp(-0.5)))
    assert two == pytest.approx(100 * (1 + (ratio - 1) * math.exp(-1)))
    assert seven == pytest.approx(20 * (1 + (ratio - 1) * math.exp(-3.5)))
    assert f.forecast(prof, now, 20.0, [1]) == [pytest.approx(100.0)]   # as usual: the profile


def test_no_history_forecasts_the_current_level():
    prof = build_profile([])
    assert Forecaster().forecast(prof, local(2026, 12, 1, 9), 37.0, [1, 2]) == [37.0, 37.0]


def spot(zid, now, ahead, area="a"):
    return SpotOutlook(zid, area, now, 0.1, (1.0, 2.0), (0.0, 0.0), (0.1, 0.1), ahead)


C, B, X = Level.COMFORTABLE, Level.BUSY, Level.CROWDED


@pytest.mark.parametrize(("spots", "expected"), [
    # a crowded spot, one calm-and-staying-calm peer: suggested
    ([spot("x", X, (X, X)), spot("calm", C, (C, C))], {"x": ["calm"]}),
    # the peer is calm now but forecast busy in 2 h: never suggested
    ([spot("x", X, (X, X)), spot("filling", C, (C, B))], {"x": []}),
    # a peer that is itself crowded is never suggested
    ([spot("x", X, (X, X)), spot("y", X, (C, C))], {"x": [], "y": []}),
    # unknown level: neither gets nor gives suggestions; other areas are not suggested
    ([spot("x", B, (B, B)), spot("u", None, (C, C)), spot("o", C, (C, C), area="b")],
     {"x": []}),
    # calm spots get no suggestions
    ([spot("calm", C, (C, C))], {}),
])
def test_calmer_spots_only_calm_now_and_ahead(spots, expected):
    assert calmer_spots(spots) == expected


def test_outlook_levels_from_thresholds_and_stays_calm():
    prof = build_profile(week(lambda h: 90.0 if h == 11 else 10.0))
    o = outlook("z", "a", 100, T, Level.COMFORTABLE, 10.0, prof, local(2026, 12, 1, 9, 30),
                [1, 2])
    assert o.levels_ahead == (Level.COMFORTABLE, Level.CROWDED)    # 10:30 calm, 11:30 crowded
    assert not stays_calm(o)
    assert stays_calm(o, within_h=1)


@pytest.mark.parametrize(("count", "rate", "wait"), [
    (30, 6.0, 5.0), (0, 6.0, 0.0), (30, None, None), (30, 0.0, None)])
def test_wait_minutes(count, rate, wait):
    assert wait_minutes(count, rate) == wait


def test_best_hour_today_is_the_calmest_remaining_opening_hour():
    from tourism.domain.forecast import best_hour_today

    prof = build_profile(week(lambda h: {8: 30.0, 9: 50.0, 14: 5.0, 17: 4.0}.get(h, 80.0)))
    f = Forecaster()
    now = local(2026, 12, 1, 9, 10)
    start, count = best_hour_today(prof, f, now, 50.0, opens_at_h=8, open_hours=10)
    assert start == local(2026, 12, 1, 17)          # 17:00–18:00, the last hour before closing
    assert count == pytest.approx(4.0, abs=0.5)
    assert best_hour_today(prof, f, local(2026, 12, 1, 17, 30), 5.0, 8, 10) is None
