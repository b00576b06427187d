"""FAO-56 water balance and growing degree days, from the published definitions."""

from datetime import UTC, datetime, timedelta

import pytest
from agri.domain.gdd import GddState, accumulate, degree_days, season_of
from agri.domain.water import SoilWater

# FAO-56 Example 17-like figures: sandy loam θFC 0.23, θWP 0.10, Zr 0.6 m, p 0.55.
SL = SoilWater(0.23, 0.10, 0.6, 0.55)


@pytest.mark.parametrize(("vwc", "depletion", "stress"), [
    (0.30, 0.0, -1.2222),     # wetter than field capacity: no depletion
    (0.23, 0.0, -1.2222),
    (0.1585, 42.9, 0.0),      # Dr = RAW exactly: stress starts
    (0.15, 48.0, 0.1453),
    (0.10, 78.0, 1.0),        # wilting point: Dr = TAW
])
def test_depletion_and_stress(vwc, depletion, stress):
    assert SL.taw_mm == pytest.approx(78.0)
    assert SL.raw_mm == pytest.approx(42.9)
    assert SL.depletion_mm(vwc) == pytest.approx(depletion)
    assert SL.stress_fraction(vwc) == pytest.approx(stress, abs=1e-3)


@pytest.mark.parametrize("bad", [(0.10, 0.23, 0.6, 0.5), (0.23, 0.10, 0.0, 0.5),
                                 (0.23, 0.10, 0.6, 1.0)])
def test_impossible_soil_parameters_are_refused(bad):
    with pytest.raises(ValueError):
        SoilWater(*bad)


@pytest.mark.parametrize(("temp", "seconds", "expected"), [
    (5.0, 86_400, 0.0),        # below base
    (10.0, 86_400, 0.0),
    (20.0, 86_400, 10.0),
    (30.0, 86_400, 20.0),
    (38.0, 86_400, 20.0),      # capped at 30 °C
    (20.0, 43_200, 5.0),       # half a day
])
def test_degree_days_base_10_cap_30(temp, seconds, expected):
    assert degree_days(temp, seconds) == pytest.approx(expected)


def test_accumulation_over_a_day_matches_the_daily_mean_and_resets_each_season():
    t0 = datetime(2026, 5, 1, tzinfo=UTC)
    state: GddState | None = None
    # A steady 22 °C sampled every 15 min for one day: 12 °C·d.
    for i in range(97):
        state = accumulate(state, t0 + timedelta(minutes=15 * i), 22.0, season_start=(4, 15))
    assert state is not None and state.gdd == pytest.approx(12.0)
    # A late reading changes nothing; a 10-hour outage counts at most 1 hour.
    assert accumulate(state, t0, 40.0, season_start=(4, 15)) == state
    after_gap = accumulate(state, t0 + timedelta(days=1, hours=10), 22.0, season_start=(4, 15))
    assert after_gap.gdd == pytest.approx(12.0 + 12.0 / 24)
    # The next season starts from zero.
    new = accumulate(after_gap, datetime(2027, 4, 16, tzinfo=UTC), 25.0, season_start=(4, 15))
    assert (new.season, new.gdd) == (2027, 0.0)


@pytest.mark.parametrize(("when", "start", "season"), [
    (datetime(2026, 3, 1, tzinfo=UTC), (10, 1), 2025),   # winter wheat sown the autumn before
    (datetime(2026, 10, 1, tzinfo=UTC), (10, 1), 2026),
    (datetime(2026, 6, 1, tzinfo=UTC), (4, 15), 2026),
])
def test_season_of(when, start, season):
    assert season_of(when, *start) == season
