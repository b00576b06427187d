"""LB/T 034-2014 capacities, crowding levels, smoothing and alert hysteresis."""

import math

import pytest
from tourism.domain.crowding import (
    AlertChange,
    AlertState,
    Level,
    MedianSmoother,
    Thresholds,
    daily_capacity,
    density,
    instantaneous_capacity,
    level,
    occupancy,
)


@pytest.mark.parametrize("area,per_visitor,capacity", [
    (336.0, 50, 6),      # 6.72 → 6: capacity is never rounded up
    (300.0, 50, 6),      # exact multiple stays exact despite float error
    (49.9, 50, 0),
    (108.0, 10, 10),
    (1000.0, 5, 200),
])
def test_instantaneous_capacity(area, per_visitor, capacity):
    assert instantaneous_capacity(area, per_visitor) == capacity


@pytest.mark.parametrize("inst,open_h,visit_h,daily", [
    (30, 10, 3, 100),    # turnover 3.33 → 100
    (16, 12, 2, 96),
    (100, 8, 8, 100),    # one visit lasts all day: no turnover
])
def test_daily_capacity(inst, open_h, visit_h, daily):
    assert daily_capacity(inst, open_h, visit_h) == daily


@pytest.mark.parametrize("args", [(10, 0), (-1, 5)])
def test_capacity_refuses_nonsense(args):
    with pytest.raises(ValueError):
        instantaneous_capacity(*args)
    with pytest.raises(ValueError):
        daily_capacity(10, 0, 2)


T = Thresholds(busy_at=0.5, crowded_at=0.8, over_at=1.0, alert_at=0.8, hysteresis=0.15)


@pytest.mark.parametrize("ratio,expected", [
    (0.0, Level.COMFORTABLE), (0.49, Level.COMFORTABLE), (0.5, Level.BUSY),
    (0.79, Level.BUSY), (0.8, Level.CROWDED), (0.99, Level.CROWDED),
    (1.0, Level.OVER_CAPACITY), (3.0, Level.OVER_CAPACITY), (math.inf, Level.OVER_CAPACITY),
])
def test_level_band_edges(ratio, expected):
    assert level(ratio, T) == expected


def test_occupancy_and_density():
    assert occupancy(3, 6) == 0.5
    assert occupancy(0, 0) == 0.0
    assert occupancy(1, 0) == math.inf
    assert density(6, 300.0) == pytest.approx(0.02)
    assert density(3, 0.0) == 0.0


def test_median_smoother_ignores_one_missed_frame():
    s = MedianSmoother(5)
    out = [s.add(c) for c in [6, 6, 6, 0, 6, 6, 7, 1, 6]]
    assert out[3:] == [6, 6, 6, 6, 6, 6]
    assert out[0] == 6


def test_median_smoother_follows_a_real_change():
    s = MedianSmoother(3)
    out = [s.add(c) for c in [2, 2, 8, 8, 8]]
    assert out == [2, 2, 2, 8, 8]


def test_alert_raised_once_and_cleared_once_with_hysteresis():
    a = AlertState(T)
    ratios = [0.5, 0.79, 0.8, 0.9, 0.7, 0.8, 0.66, 0.65, 0.64, 0.8, 0.5]
    changes = [a.update(r) for r in ratios]
    assert changes == [None, None, AlertChange.RAISED, None, None, None, None,
                       None, AlertChange.CLEARED, AlertChange.RAISED, AlertChange.CLEARED]


def test_alert_state_carried_over_a_restart_is_not_raised_again():
    a = AlertState(T, active=True)
    assert a.update(1.2) is None
    assert a.update(0.1) == AlertChange.CLEARED


@pytest.mark.parametrize("kwargs,problem", [
    ({"busy_at": 0.9}, "busy_at"),
    ({"over_at": 0.7}, "crowded_at"),
    ({"hysteresis": 0}, "alert_hysteresis"),
    ({"alert_at": 0.1}, "alert_hysteresis"),
    ({"alert_at": 0}, "alert_at must be > 0"),
])
def test_inconsistent_thresholds_are_reported(kwargs, problem):
    t = Thresholds(**({"busy_at": 0.5, "crowded_at": 0.8, "over_at": 1.0, "alert_at": 0.8,
                       "hysteresis": 0.15} | kwargs))
    assert any(problem in p for p in t.problems())


def test_zone_monitor_end_to_end():
    from tourism.domain.crowding import ZoneMonitor

    m = ZoneMonitor(area_m2=300.0, capacity=6, thresholds=T, window=3)
    readings = [m.update(c) for c in [2, 2, 7, 7, 7, 0, 7, 3, 3, 3]]
    assert [r.count for r in readings] == [2, 2, 2, 7, 7, 7, 7, 3, 3, 3]
    assert [r.alert for r in readings].count(AlertChange.RAISED) == 1
    assert [r.alert for r in readings].count(AlertChange.CLEARED) == 1
    assert readings[3].level == Level.OVER_CAPACITY
    assert readings[3].occupancy == pytest.approx(7 / 6, abs=1e-3)
    assert readings[3].density == pytest.approx(7 / 300, abs=1e-4)
    assert readings[-1].level == Level.BUSY


HOLD = Thresholds(alert_at=1.0, hysteresis=0.3, alert_hold_s=10, clear_hold_s=20, level_hold_s=5)


@pytest.mark.parametrize(("series", "changes", "why"), [
    # (seconds, occupancy) → the changes seen
    ([(0, 1.2), (5, 1.2), (9, 1.1)], [], "over capacity for 9 s < 10 s hold: no alert yet"),
    ([(0, 1.2), (5, 1.2), (10, 1.1)], [(10, "raised")], "held 10 s: raised once"),
    ([(0, 1.2), (5, 0.9), (6, 1.2), (15, 1.2), (16, 1.2)], [(16, "raised")],
     "a dip below alert_at restarts the hold"),
    ([(0, 1.2), (10, 1.2), (11, 0.8), (30, 0.8), (40, 1.2), (60, 0.5), (79, 0.5)],
     [(10, "raised")], "between the clear level and alert_at, or not held: still open"),
    ([(0, 1.2), (10, 1.2), (11, 0.6), (31, 0.6), (32, 1.5), (42, 1.5)],
     [(10, "raised"), (31, "cleared"), (42, "raised")], "two episodes: two alerts"),
])
def test_alert_hold_and_hysteresis(series, changes, why):
    a = AlertState(HOLD)
    got = [(t, c.value) for t, r in series if (c := a.update(r, t)) is not None]
    assert got == changes, why


def test_level_changes_only_after_it_holds():
    from tourism.domain.crowding import Level, LevelHold

    lv = LevelHold(5)
    seen = [lv.update(x, t) for t, x in [
        (0, Level.COMFORTABLE), (1, Level.BUSY), (3, Level.COMFORTABLE), (4, Level.BUSY),
        (8, Level.BUSY), (9, Level.BUSY), (10, Level.CROWDED)]]
    assert seen == [Level.COMFORTABLE] * 5 + [Level.BUSY, Level.BUSY]


@pytest.mark.parametrize(("age", "fps", "running", "state"), [
    (None, 0.0, 100, "down"),       # never a frame
    (12.0, 2.0, 100, "down"),       # last frame older than stale_after_s (5)
    (0.2, 0.0, 100, "down"),        # frames arrive, nothing processed: 0 fps is not normal
    (0.2, 0.0, 3, "ok"),            # …unless the rate window is still filling
    (0.2, 0.8, 100, "degraded"),    # asked 2/s, gets 0.8/s
    (0.2, 1.9, 100, "ok"),
])
def test_camera_state(age, fps, running, state):
    from tourism.domain.camera_health import camera_state

    assert camera_state(age, fps, 2.0, 5.0, running) == state
