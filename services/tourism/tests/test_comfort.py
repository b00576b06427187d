"""Comfort index: THI formula, HJ 633-2012 PM2.5 bands, GB 3096-2008 noise limit."""

import pytest
from tourism.domain.comfort import comfort, noise_penalty, pm25_penalty, thi


@pytest.mark.parametrize("t,rh,expected", [
    (14.5, 10, 14.5),          # at 14.5 °C humidity has no effect
    (30.0, 100, 30.0),         # saturated air: THI = T
    (30.0, 0, 21.475),         # dry air feels cooler: 30 − 0.55 × 15.5
    (20.0, 50, 18.4875),
])
def test_thi(t, rh, expected):
    assert thi(t, rh) == pytest.approx(expected)


@pytest.mark.parametrize("pm25,penalty", [
    (0, 0), (35, 0), (35.1, 5), (75, 5), (75.1, 15), (115, 15), (115.1, 30), (150, 30),
    (150.1, 50), (250, 50), (250.1, 70), (900, 70),
])
def test_pm25_band_edges(pm25, penalty):
    assert pm25_penalty(pm25) == penalty


@pytest.mark.parametrize("db,penalty", [(40, 0), (55, 0), (60, 10), (70, 30), (95, 30)])
def test_noise_penalty(db, penalty):
    assert noise_penalty(db) == penalty


@pytest.mark.parametrize("args,level", [
    ((22, 50, 20, 45), "comfortable"),      # mild, clean, quiet
    ((22, 50, 120, 45), "fair"),            # same weather, moderately polluted (−30)
    ((36, 80, 20, 45), "uncomfortable"),    # hot and humid: THI ≈ 33.7
    ((22, 50, 300, 70), "uncomfortable"),   # severe PM2.5 and loud
])
def test_levels(args, level):
    assert comfort(*args).level == level


def test_index_is_bounded():
    assert comfort(45, 100, 999, 140).index == 0
    assert comfort(21, 50, 0, 30).index == 100
