"""NEWS2 scoring against the RCP 2017 chart: every band edge, both SpO2 scales, risk, freshness."""

from __future__ import annotations

import dataclasses
import math
from datetime import UTC, datetime, timedelta, timezone

import pytest
from medical.domain.news2 import (
    CLOCK_SKEW,
    DEFAULT_WINDOWS,
    PARAMETERS,
    News2Result,
    Observation,
    ParameterScore,
    clinical_response,
    score,
    score_consciousness,
    score_heart_rate,
    score_oxygen,
    score_resp_rate,
    score_spo2_scale1,
    score_spo2_scale2,
    score_systolic,
    score_temperature,
)

NOW = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)

HEALTHY = {
    "resp_rate_per_min": 16,
    "spo2_pct": 98,
    "on_oxygen": False,
    "systolic_mmhg": 125,
    "heart_rate_bpm": 72,
    "consciousness": "alert",
    "temperature_c": 36.8,
}


def obs_set(values: dict[str, object], age: timedelta = timedelta(minutes=1)) -> dict:
    return {name: Observation(value, NOW - age) for name, value in values.items()}


def points(result: News2Result) -> dict[str, int]:
    return {p.parameter: p.points for p in result.breakdown}


# --- chart 1, one table per parameter: both sides of every band edge -------------------------


@pytest.mark.parametrize(
    ("rr", "expected"),
    [(0, 3), (8, 3), (9, 1), (11, 1), (12, 0), (20, 0), (21, 2), (24, 2), (25, 3), (60, 3)],
)
def test_resp_rate_bands(rr: float, expected: int) -> None:
    assert score_resp_rate(rr) == expected


@pytest.mark.parametrize(
    ("spo2", "expected"), [(50, 3), (91, 3), (92, 2), (93, 2), (94, 1), (95, 1), (96, 0), (100, 0)]
)
def test_spo2_scale1_bands(spo2: float, expected: int) -> None:
    assert score_spo2_scale1(spo2) == expected


@pytest.mark.parametrize("on_oxygen", [False, True])
@pytest.mark.parametrize(
    ("spo2", "expected"), [(70, 3), (83, 3), (84, 2), (85, 2), (86, 1), (87, 1), (88, 0), (92, 0)]
)
def test_spo2_scale2_at_or_below_target_ignores_oxygen(
    spo2: float, expected: int, on_oxygen: bool
) -> None:
    assert score_spo2_scale2(spo2, on_oxygen) == expected


@pytest.mark.parametrize(
    ("spo2", "on_oxygen", "expected"),
    [
        (93, False, 0), (94, False, 0), (96, False, 0), (97, False, 0), (100, False, 0),
        (93, True, 1), (94, True, 1), (95, True, 2), (96, True, 2), (97, True, 3), (100, True, 3),
    ],
)
def test_spo2_scale2_above_target_on_air_vs_oxygen(
    spo2: float, on_oxygen: bool, expected: int
) -> None:
    assert score_spo2_scale2(spo2, on_oxygen) == expected


@pytest.mark.parametrize(("on_oxygen", "expected"), [(False, 0), (True, 2)])
def test_air_or_oxygen(on_oxygen: bool, expected: int) -> None:
    assert score_oxygen(on_oxygen) == expected


@pytest.mark.parametrize(
    ("sbp", "expected"),
    [(60, 3), (90, 3), (91, 2), (100, 2), (101, 1), (110, 1), (111, 0), (219, 0), (220, 3),
     (260, 3)],
)
def test_systolic_bands(sbp: float, expected: int) -> None:
    assert score_systolic(sbp) == expected


@pytest.mark.parametrize(
    ("hr", "expected"),
    [(0, 3), (40, 3), (41, 1), (50, 1), (51, 0), (90, 0), (91, 1), (110, 1), (111, 2), (130, 2),
     (131, 3), (200, 3)],
)
def test_heart_rate_bands(hr: float, expected: int) -> None:
    assert score_heart_rate(hr) == expected


@pytest.mark.parametrize(
    ("level", "expected"),
    [("alert", 0), ("confusion", 3), ("voice", 3), ("pain", 3), ("unresponsive", 3),
     ("Alert", 0), (" VOICE ", 3)],
)
def test_consciousness_acvpu(level: str, expected: int) -> None:
    assert score_consciousness(level) == expected


@pytest.mark.parametrize(
    ("temp", "expected"),
    [(32.0, 3), (35.0, 3), (35.1, 1), (36.0, 1), (36.1, 0), (38.0, 0), (38.1, 1), (39.0, 1),
     (39.1, 2), (41.5, 2)],
)
def test_temperature_bands(temp: float, expected: int) -> None:
    assert score_temperature(temp) == expected


# --- rounding: integers half up, temperature to 0.1 half up, then banded ---------------------


@pytest.mark.parametrize(
    ("func", "value", "expected"),
    [
        (score_resp_rate, 11.6, 0),  # -> 12
        (score_resp_rate, 11.5, 0),  # -> 12: half up
        (score_resp_rate, 11.4, 1),  # -> 11
        (score_resp_rate, 8.5, 1),  # -> 9
        (score_resp_rate, 8.49, 3),  # -> 8
        (score_resp_rate, 20.5, 2),  # -> 21; banker's rounding would give 20 -> 0
        (score_spo2_scale1, 95.5, 0),  # -> 96
        (score_spo2_scale1, 95.4, 1),  # -> 95
        (score_spo2_scale1, 91.5, 2),  # -> 92
        (score_systolic, 90.5, 2),  # -> 91
        (score_systolic, 110.5, 0),  # -> 111
        (score_systolic, 219.5, 3),  # -> 220
        (score_heart_rate, 90.5, 1),  # -> 91
        (score_heart_rate, 90.4, 0),  # -> 90
        (score_heart_rate, 40.5, 1),  # -> 41
        (score_temperature, 35.04, 3),  # -> 35.0
        (score_temperature, 35.05, 1),  # -> 35.1 (decimal half up, not the binary 35.0499...)
        (score_temperature, 36.05, 0),  # -> 36.1
        (score_temperature, 38.04, 0),  # -> 38.0
        (score_temperature, 38.05, 1),  # -> 38.1
        (score_temperature, 39.05, 2),  # -> 39.1
    ],
)
def test_rounding_before_banding(func, value: float, expected: int) -> None:
    assert func(value) == expected


@pytest.mark.parametrize(
    ("spo2", "on_oxygen", "expected"), [(92.5, False, 0), (92.5, True, 1), (92.4, True, 0)]
)
def test_scale2_rounding(spo2: float, on_oxygen: bool, expected: int) -> None:
    assert score_spo2_scale2(spo2, on_oxygen) == expected


def test_breakdown_reports_the_rounded_value_and_band() -> None:
    values = {**HEALTHY, "resp_rate_per_min": 11.6, "temperature_c": 38.05, "spo2_pct": 95.5}
    result = score(obs_set(values), NOW, scale2=False)
    by_name = {p.parameter: p for p in result.breakdown}
    assert by_name["resp_rate_per_min"] == ParameterScore("resp_rate_per_min", 12, 0, "12-20")
    assert by_name["temperature_c"] == ParameterScore("temperature_c", 38.1, 1, "38.1-39.0")
    assert by_name["spo2_pct"] == ParameterScore("spo2_pct", 96, 0, ">=96")
    assert by_name["on_oxygen"] == ParameterScore("on_oxygen", False, 0, "air")
    assert by_name["consciousness"] == ParameterScore("consciousness", "alert", 0, "alert")


# --- charts 2 and 4: risk, monitoring frequency, response -------------------------------------


@pytest.mark.parametrize(
    ("aggregate", "red", "risk", "monitoring", "response_start"),
    [
        (0, False, "low", "every 12 h", "continue routine monitoring"),
        (1, False, "low", "every 4-6 h", "inform registered nurse who must assess the patient"),
        (4, False, "low", "every 4-6 h", "inform registered nurse who must assess the patient"),
        (3, True, "low-medium", "every 1 h", "urgent ward-based response"),
        (4, True, "low-medium", "every 1 h", "urgent ward-based response"),
        (5, False, "medium", "every 1 h", "key threshold for urgent response"),
        (6, True, "medium", "every 1 h", "key threshold for urgent response"),
        (7, False, "high", "continuous", "emergency response"),
        (7, True, "high", "continuous", "emergency response"),
        (20, True, "high", "continuous", "emergency response"),
    ],
)
def test_clinical_response(
    aggregate: int, red: bool, risk: str, monitoring: str, response_start: str
) -> None:
    got_risk, got_monitoring, got_response = clinical_response(aggregate, red)
    assert (got_risk, got_monitoring) == (risk, monitoring)
    assert got_response.startswith(response_start)


@pytest.mark.parametrize("aggregate", [-1, 2.0, True])
def test_clinical_response_rejects_bad_aggregate(aggregate) -> None:
    with pytest.raises(ValueError, match="aggregate"):
        clinical_response(aggregate, False)


@pytest.mark.parametrize(
    ("changes", "aggregate", "red", "risk", "monitoring"),
    [
        ({}, 0, False, "low", "every 12 h"),
        ({"resp_rate_per_min": 22}, 2, False, "low", "every 4-6 h"),
        ({"resp_rate_per_min": 22, "heart_rate_bpm": 115}, 4, False, "low", "every 4-6 h"),
        ({"resp_rate_per_min": 26}, 3, True, "low-medium", "every 1 h"),
        ({"consciousness": "confusion"}, 3, True, "low-medium", "every 1 h"),
        ({"resp_rate_per_min": 22, "heart_rate_bpm": 115, "temperature_c": 38.5}, 5, False,
         "medium", "every 1 h"),
        ({"resp_rate_per_min": 22, "heart_rate_bpm": 115, "temperature_c": 38.5,
          "systolic_mmhg": 105}, 6, False, "medium", "every 1 h"),
        ({"resp_rate_per_min": 22, "heart_rate_bpm": 115, "temperature_c": 38.5,
          "on_oxygen": True}, 7, False, "high", "continuous"),
    ],
)
def test_aggregate_and_risk_bands(
    changes: dict, aggregate: int, red: bool, risk: str, monitoring: str
) -> None:
    result = score(obs_set({**HEALTHY, **changes}), NOW, scale2=False)
    assert result.aggregate == aggregate == sum(points(result).values())
    assert (result.single_parameter_3, result.risk, result.monitoring) == (red, risk, monitoring)
    assert result.complete and result.missing == ()


# --- worked examples --------------------------------------------------------------------------


def test_worked_example_healthy_adult() -> None:
    result = score(obs_set(HEALTHY), NOW, scale2=False)
    assert result.aggregate == 0
    assert points(result) == dict.fromkeys(PARAMETERS, 0)
    assert [p.parameter for p in result.breakdown] == list(PARAMETERS)
    assert result.risk == "low" and not result.single_parameter_3
    assert result.monitoring == "every 12 h"
    assert result.response == "continue routine monitoring"
    assert result.complete and result.missing == () and result.scale == 1


def test_worked_example_sepsis() -> None:
    values = {
        "resp_rate_per_min": 26,
        "spo2_pct": 91,
        "on_oxygen": False,
        "systolic_mmhg": 95,
        "heart_rate_bpm": 125,
        "consciousness": "alert",
        "temperature_c": 39.2,
    }
    result = score(obs_set(values), NOW, scale2=False)
    assert points(result) == {
        "resp_rate_per_min": 3,
        "spo2_pct": 3,
        "on_oxygen": 0,
        "systolic_mmhg": 2,
        "heart_rate_bpm": 2,
        "consciousness": 0,
        "temperature_c": 2,
    }
    assert result.aggregate == 12
    assert result.single_parameter_3
    assert (result.risk, result.monitoring) == ("high", "continuous")
    assert result.response.startswith("emergency response")
    assert result.complete


# --- SpO2 scale selection through score() -----------------------------------------------------


@pytest.mark.parametrize(
    ("scale2", "spo2", "on_oxygen", "spo2_points", "aggregate"),
    [
        (False, 89, True, 3, 5),  # COPD-range saturation judged on scale 1
        (True, 89, True, 0, 2),  # ... and on the prescribed scale 2: only the oxygen scores
        (True, 97, True, 3, 5),  # over-oxygenated on scale 2
        (False, 97, True, 0, 2),
        (True, 97, False, 0, 0),  # >=93 on air is fine on scale 2
        (True, 84, False, 2, 2),
    ],
)
def test_scale_used_by_score(
    scale2: bool, spo2: float, on_oxygen: bool, spo2_points: int, aggregate: int
) -> None:
    values = {**HEALTHY, "spo2_pct": spo2, "on_oxygen": on_oxygen}
    result = score(obs_set(values), NOW, scale2=scale2)
    assert points(result)["spo2_pct"] == spo2_points
    assert result.aggregate == aggregate
    assert result.scale == (2 if scale2 else 1)


def test_scale2_spo2_above_target_without_fresh_oxygen_flag_is_missing() -> None:
    latest = obs_set(HEALTHY)
    latest["spo2_pct"] = Observation(95, NOW)
    latest["on_oxygen"] = Observation(True, NOW - timedelta(minutes=30))
    result = score(latest, NOW, scale2=True)
    assert result.missing == ("spo2_pct", "on_oxygen")
    assert not result.complete


def test_scale2_spo2_below_target_is_scored_without_oxygen_flag() -> None:
    latest = obs_set({**HEALTHY, "spo2_pct": 85})
    del latest["on_oxygen"]
    result = score(latest, NOW, scale2=True)
    assert points(result)["spo2_pct"] == 2
    assert result.missing == ("on_oxygen",)


# --- freshness --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PARAMETERS)
def test_each_parameter_fresh_at_its_window_and_stale_just_after(name: str) -> None:
    latest = obs_set(HEALTHY)
    value = HEALTHY[name]
    latest[name] = Observation(value, NOW - DEFAULT_WINDOWS[name])
    assert score(latest, NOW, scale2=False).complete
    latest[name] = Observation(value, NOW - DEFAULT_WINDOWS[name] - timedelta(seconds=1))
    result = score(latest, NOW, scale2=False)
    assert result.missing == (name,)
    assert not result.complete
    assert name not in points(result)


@pytest.mark.parametrize(
    ("name", "window"),
    [("resp_rate_per_min", timedelta(minutes=15)), ("spo2_pct", timedelta(minutes=15)),
     ("on_oxygen", timedelta(minutes=15)), ("heart_rate_bpm", timedelta(minutes=15)),
     ("systolic_mmhg", timedelta(minutes=60)), ("temperature_c", timedelta(hours=4)),
     ("consciousness", timedelta(hours=4))],
)
def test_default_windows(name: str, window: timedelta) -> None:
    assert DEFAULT_WINDOWS[name] == window


def test_incomplete_set_is_scored_over_what_is_fresh() -> None:
    latest = obs_set({**HEALTHY, "resp_rate_per_min": 26})
    latest["heart_rate_bpm"] = Observation(140, NOW - timedelta(minutes=20))  # stale: not counted
    del latest["temperature_c"]
    result = score(latest, NOW, scale2=False)
    assert result.missing == ("heart_rate_bpm", "temperature_c")
    assert not result.complete
    assert (result.aggregate, result.single_parameter_3, result.risk) == (3, True, "low-medium")


def test_nothing_fresh() -> None:
    result = score({}, NOW, scale2=False)
    assert result.missing == PARAMETERS and not result.complete
    assert result.aggregate == 0 and result.breakdown == ()


def test_window_override() -> None:
    latest = obs_set({**HEALTHY, "systolic_mmhg": 85}, age=timedelta(minutes=45))
    # Defaults: the 15-min parameters are stale at 45 min, BP (60 min) and 4-h ones are not.
    result = score(latest, NOW, scale2=False)
    assert result.missing == ("resp_rate_per_min", "spo2_pct", "on_oxygen", "heart_rate_bpm")
    hour = dict.fromkeys(PARAMETERS, timedelta(hours=1))
    bp_30 = hour | {"systolic_mmhg": timedelta(minutes=30)}
    result = score(latest, NOW, scale2=False, windows=bp_30)
    assert result.missing == ("systolic_mmhg",)
    result = score(latest, NOW, scale2=False, windows=hour)
    assert result.complete and result.aggregate == 3


@pytest.mark.parametrize(
    ("offset", "fresh"), [(CLOCK_SKEW, True), (CLOCK_SKEW + timedelta(seconds=1), False)]
)
def test_future_timestamps_beyond_clock_skew_are_not_trusted(
    offset: timedelta, fresh: bool
) -> None:
    latest = obs_set(HEALTHY)
    latest["heart_rate_bpm"] = Observation(72, NOW + offset)
    assert score(latest, NOW, scale2=False).complete is fresh


def test_non_utc_offsets_compare_correctly_and_extra_keys_are_ignored() -> None:
    latest = obs_set(HEALTHY)
    beijing = timezone(timedelta(hours=8))
    latest["resp_rate_per_min"] = Observation(16, (NOW - timedelta(minutes=10)).astimezone(beijing))
    latest["diastolic_mmhg"] = Observation(80, NOW)
    result = score(latest, NOW, scale2=False)
    assert result.complete and len(result.breakdown) == len(PARAMETERS)


# --- invalid input ----------------------------------------------------------------------------

NUMERIC = [score_resp_rate, score_spo2_scale1, score_systolic, score_heart_rate, score_temperature]


@pytest.mark.parametrize("func", NUMERIC)
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, -1, -0.1, True, "12", None])
def test_invalid_numbers(func, bad) -> None:
    with pytest.raises(ValueError, match="must (be a|be a finite|not be negative)"):
        func(bad)


@pytest.mark.parametrize("bad", [math.nan, -1, 100.5, 101])
def test_invalid_spo2_scale2(bad: float) -> None:
    with pytest.raises(ValueError, match="spo2_pct"):
        score_spo2_scale2(bad, True)


def test_spo2_over_100_on_scale1() -> None:
    with pytest.raises(ValueError, match="spo2_pct must be at most 100"):
        score_spo2_scale1(100.5)


@pytest.mark.parametrize("bad", [1, 0, "yes", None])
def test_invalid_oxygen_flag(bad) -> None:
    with pytest.raises(ValueError, match="on_oxygen"):
        score_oxygen(bad)
    with pytest.raises(ValueError, match="on_oxygen"):
        score_spo2_scale2(95, bad)


@pytest.mark.parametrize("bad", ["drowsy", "", "A", "new confusion", None, 0])
def test_invalid_consciousness(bad) -> None:
    with pytest.raises(ValueError, match="consciousness must be one of"):
        score_consciousness(bad)


@pytest.mark.parametrize(
    ("name", "bad"),
    [("heart_rate_bpm", math.nan), ("temperature_c", -3.0), ("consciousness", "sleepy"),
     ("on_oxygen", "no"), ("spo2_pct", 120)],
)
def test_invalid_fresh_value_in_score(name: str, bad) -> None:
    latest = obs_set(HEALTHY)
    latest[name] = Observation(bad, NOW)
    with pytest.raises(ValueError, match=name):
        score(latest, NOW, scale2=False)


def test_naive_timestamps_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Observation(16, datetime(2024, 5, 1, 8, 0))
    with pytest.raises(ValueError, match="timezone-aware"):
        score(obs_set(HEALTHY), datetime(2024, 5, 1, 8, 0), scale2=False)


@pytest.mark.parametrize(
    ("windows", "match"),
    [({"pulse": timedelta(minutes=5)}, "unknown parameter"),
     ({"heart_rate_bpm": timedelta(0)}, "positive timedelta"),
     ({"heart_rate_bpm": timedelta(minutes=-5)}, "positive timedelta"),
     ({"heart_rate_bpm": 900}, "positive timedelta")],
)
def test_invalid_windows(windows: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        score(obs_set(HEALTHY), NOW, scale2=False, windows=windows)


def test_scale2_flag_must_be_bool() -> None:
    with pytest.raises(ValueError, match="scale2"):
        score(obs_set(HEALTHY), NOW, scale2=None)  # type: ignore[arg-type]


def test_results_are_frozen_slotted_dataclasses() -> None:
    result = score(obs_set(HEALTHY), NOW, scale2=False)
    for obj in (result, result.breakdown[0], Observation(1, NOW)):
        assert not hasattr(obj, "__dict__")
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(obj, dataclasses.fields(obj)[0].name, None)
