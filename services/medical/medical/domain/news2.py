"""NEWS2: National Early Warning Score 2 (Royal College of Physicians, December 2017).

Pure domain code: the RCP chart 1 bands per parameter, the chart 2 clinical-risk categories and
the chart 4 minimum monitoring frequency and clinical response, plus a freshness rule so that the
medical service can score "the latest observation set per patient".

Banding of measured values: the chart bands whole numbers (temperature: one decimal), but devices
send floats (RR 11.6, SpO2 95.5). Before banding, respiration rate (/min), SpO2 (%), systolic BP
(mmHg) and pulse (/min) are rounded to the nearest integer and temperature (°C) to one decimal,
both half up (x.5 goes up, never banker's rounding), on the decimal value as the device printed
it (``repr`` of the float), so 35.05 °C reads as 35.1 as a nurse would chart it. The rounded
value is what is banded and what ``ParameterScore.value`` reports. Thus RR 11.6 -> 12 -> 0
points, RR 11.4 -> 11 -> 1 point, SpO2 95.5 -> 96 -> 0 points (scale 1), 38.04 °C -> 38.0 -> 0.

Invalid input raises ``ValueError``: NaN or infinite or negative numbers, booleans given as
numbers, SpO2 above 100 %, ``on_oxygen`` that is not a bool, an unknown consciousness level.
Zero is accepted (apnoea, asystole score 3): plausibility of sensor values is checked upstream
(``medical.domain.plausibility``), not here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Literal

Risk = Literal["low", "low-medium", "medium", "high"]


class Monitoring(StrEnum):
    """Chart 4 minimum monitoring frequency.

    The member travels (as ``zezhou5g.medical.v1.MonitoringFrequency``); its value is the
    chart's English wording, for logs and tests, never shown to people: pages translate codes.
    """

    EVERY_12_H = "every 12 h"
    EVERY_4_TO_6_H = "every 4-6 h"
    EVERY_1_H = "every 1 h"
    CONTINUOUS = "continuous"


class Response(StrEnum):
    """Chart 2 and 4 clinical response (``zezhou5g.medical.v1.ClinicalResponse`` on the wire).

    Values are the chart's English wording, as for :class:`Monitoring`.
    """

    ROUTINE = "continue routine monitoring"
    NURSE_ASSESSMENT = "inform registered nurse who must assess the patient"
    URGENT_WARD = ("urgent ward-based response: registered nurse to inform medical team, "
                   "who will review")
    URGENT = ("key threshold for urgent response: immediately inform medical team; urgent "
              "assessment by acute-care clinician")
    EMERGENCY = ("emergency response: immediately inform medical team (at least specialist "
                 "registrar); critical-care assessment")

PARAMETERS: tuple[str, ...] = (
    "resp_rate_per_min", "spo2_pct", "on_oxygen", "systolic_mmhg", "heart_rate_bpm",
    "consciousness", "temperature_c",
)

# Freshness windows. RR, SpO2, pulse and the oxygen flag come from continuous monitors and change
# within minutes in a deteriorating patient, so a reading older than 15 min no longer describes
# them. Non-invasive BP is cycled by the cuff every 15-60 min, so 60 min. Temperature drifts over
# hours and ACVPU is a nurse's bedside assessment done at each observation round (at most 4-hourly
# for NEWS 1-4), so 4 h; a longer gap must show as missing rather than be silently reused.
DEFAULT_WINDOWS: Mapping[str, timedelta] = {
    **dict.fromkeys(("resp_rate_per_min", "spo2_pct", "on_oxygen", "heart_rate_bpm"),
                    timedelta(minutes=15)),
    "systolic_mmhg": timedelta(minutes=60),
    **dict.fromkeys(("temperature_c", "consciousness"), timedelta(hours=4)),
}

# A device clock slightly ahead of ours is tolerated; a reading further in the future is not
# trusted (it cannot be "the latest" real value) and counts as missing.
CLOCK_SKEW = timedelta(minutes=2)

CONSCIOUSNESS_LEVELS: tuple[str, ...] = ("alert", "confusion", "voice", "pain", "unresponsive")

# Chart 1 bands: (inclusive upper bound of the rounded value, points, band text), ascending.
_Bands = tuple[tuple[float, int, str], ...]
_RESP_RATE: _Bands = (
    (8, 3, "<=8"), (11, 1, "9-11"), (20, 0, "12-20"), (24, 2, "21-24"), (math.inf, 3, ">=25"),
)
_SPO2_SCALE1: _Bands = ((91, 3, "<=91"), (93, 2, "92-93"), (95, 1, "94-95"), (math.inf, 0, ">=96"))
_SPO2_SCALE2: _Bands = ((83, 3, "<=83"), (85, 2, "84-85"), (87, 1, "86-87"), (92, 0, "88-92"))
# Scale 2 above the 88-92 % target: harmless on air, but on oxygen it means over-oxygenation of a
# patient at risk of hypercapnia, scored increasingly.
_SPO2_SCALE2_ON_O2: _Bands = (
    (94, 1, "93-94 on oxygen"), (96, 2, "95-96 on oxygen"), (math.inf, 3, ">=97 on oxygen"),
)
_SYSTOLIC: _Bands = (
    (90, 3, "<=90"), (100, 2, "91-100"), (110, 1, "101-110"), (219, 0, "111-219"),
    (math.inf, 3, ">=220"),
)
_HEART_RATE: _Bands = (
    (40, 3, "<=40"), (50, 1, "41-50"), (90, 0, "51-90"), (110, 1, "91-110"), (130, 2, "111-130"),
    (math.inf, 3, ">=131"),
)
_TEMPERATURE: _Bands = (
    (35.0, 3, "<=35.0"), (36.0, 1, "35.1-36.0"), (38.0, 0, "36.1-38.0"), (39.0, 1, "38.1-39.0"),
    (math.inf, 2, ">=39.1"),
)


@dataclass(frozen=True, slots=True)
class Observation:
    """One measured or assessed parameter value.

    Attributes:
        value: The value in the parameter's unit (/min, %, mmHg, °C), a bool for ``on_oxygen``
            or an ACVPU level name for ``consciousness``.
        at: When it was taken; timezone-aware (UTC by convention).
    """

    value: float | bool | str
    at: datetime

    def __post_init__(self) -> None:
        """Reject naive timestamps: their age cannot be computed safely."""
        _require_aware(self.at, "Observation.at")


@dataclass(frozen=True, slots=True)
class ParameterScore:
    """Points for one parameter.

    Attributes:
        parameter: One of ``PARAMETERS``.
        value: The value as banded (rounded number, bool or normalised ACVPU level).
        points: Chart 1 points, 0-3.
        band: The chart band the value fell in, e.g. ``"12-20"``.
    """

    parameter: str
    value: float | bool | str
    points: int
    band: str


@dataclass(frozen=True, slots=True)
class News2Result:
    """The NEWS2 score of one observation set.

    Attributes:
        aggregate: Sum of the points of the parameters scored.
        breakdown: Per-parameter scores, in ``PARAMETERS`` order.
        single_parameter_3: True if any parameter scored 3 (a "red score").
        risk: Clinical risk (chart 2): "low", "low-medium", "medium" or "high".
        monitoring: Minimum monitoring frequency (chart 4), e.g. ``Monitoring.EVERY_4_TO_6_H``.
        response: Clinical response (charts 2 and 4).
        complete: False when any parameter could not be scored: the aggregate is then only a
            lower bound and clinicians must be shown this.
        missing: Parameters not scored: no fresh value, or (scale 2, SpO2 >= 93 %) an SpO2 that
            cannot be banded without a fresh air/oxygen value.
        scale: SpO2 scale used, 1 or 2.
    """

    aggregate: int
    breakdown: tuple[ParameterScore, ...]
    single_parameter_3: bool
    risk: Risk
    monitoring: Monitoring
    response: Response
    complete: bool
    missing: tuple[str, ...]
    scale: Literal[1, 2]


def _require_aware(moment: datetime, name: str) -> None:
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime (UTC), got {moment!r}")


def _measured(name: str, value: object, places: int, upper: float = math.inf) -> float:
    """Validate a measured number and round it half up to ``places`` decimals."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value!r}")
    if value > upper:
        raise ValueError(f"{name} must be at most {upper:g}, got {value!r}")
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return float(rounded) if places else int(rounded)


def _band(name: str, value: float | int, bands: _Bands) -> ParameterScore:
    for upper, points, text in bands:
        if value <= upper:
            return ParameterScore(name, value, points, text)
    raise AssertionError("the last band is open-ended")  # pragma: no cover


# Parameter -> (bands, decimals kept when rounding) for the plainly banded measurements.
_NUMERIC: Mapping[str, tuple[_Bands, int]] = {
    "resp_rate_per_min": (_RESP_RATE, 0),
    "systolic_mmhg": (_SYSTOLIC, 0),
    "heart_rate_bpm": (_HEART_RATE, 0),
    "temperature_c": (_TEMPERATURE, 1),
}


def _assess_numeric(name: str, value: object) -> ParameterScore:
    bands, places = _NUMERIC[name]
    return _band(name, _measured(name, value, places), bands)


def _assess_spo2(value: object, *, scale2: bool, on_oxygen: object) -> ParameterScore:
    name = "spo2_pct"
    rounded = _measured(name, value, 0, upper=100)
    if not scale2:
        return _band(name, rounded, _SPO2_SCALE1)
    if rounded <= 92:
        return _band(name, rounded, _SPO2_SCALE2)
    if on_oxygen is None:
        raise ValueError(f"{name} {rounded} on scale 2 cannot be scored without on_oxygen")
    if not _assess_oxygen(on_oxygen).value:
        return ParameterScore(name, rounded, 0, ">=93 on air")
    return _band(name, rounded, _SPO2_SCALE2_ON_O2)


def _assess_oxygen(value: object) -> ParameterScore:
    # Strict: 0/1 or "yes" from a device adapter are bugs upstream, not values to guess at.
    if not isinstance(value, bool):
        raise ValueError(f"on_oxygen must be a bool, got {value!r}")
    return ParameterScore("on_oxygen", value, 2 if value else 0, "oxygen" if value else "air")


def _assess_consciousness(value: object) -> ParameterScore:
    level = value.strip().lower() if isinstance(value, str) else value
    if not isinstance(level, str) or level not in CONSCIOUSNESS_LEVELS:
        raise ValueError(f"consciousness must be one of {CONSCIOUSNESS_LEVELS}, got {value!r}")
    # "confusion" must mean NEW confusion; chronic confusion is charted as the patient's baseline.
    return ParameterScore("consciousness", level, 0 if level == "alert" else 3, level)


def score_resp_rate(value: float) -> int:
    """Points for a respiration rate in /min (rounded half up to an integer)."""
    return _assess_numeric("resp_rate_per_min", value).points


def score_spo2_scale1(value: float) -> int:
    """Points for SpO2 in % on scale 1 (rounded half up to an integer)."""
    return _assess_spo2(value, scale2=False, on_oxygen=None).points


def score_spo2_scale2(value: float, on_oxygen: bool) -> int:
    """Points for SpO2 in % on scale 2 (prescribed 88-92 % target, hypercapnic failure).

    Args:
        value: SpO2 in %, rounded half up to an integer.
        on_oxygen: Whether supplemental oxygen is given; matters only above 92 %.
    """
    return _assess_spo2(value, scale2=True, on_oxygen=on_oxygen).points


def score_oxygen(on_oxygen: bool) -> int:
    """Points for air (0) or supplemental oxygen (2)."""
    return _assess_oxygen(on_oxygen).points


def score_systolic(value: float) -> int:
    """Points for systolic blood pressure in mmHg (rounded half up to an integer)."""
    return _assess_numeric("systolic_mmhg", value).points


def score_heart_rate(value: float) -> int:
    """Points for pulse in /min (rounded half up to an integer)."""
    return _assess_numeric("heart_rate_bpm", value).points


def score_consciousness(level: str) -> int:
    """Points for an ACVPU level: "alert" 0; new "confusion", "voice", "pain", "unresponsive" 3."""
    return _assess_consciousness(level).points


def score_temperature(value: float) -> int:
    """Points for temperature in °C (rounded half up to one decimal)."""
    return _assess_numeric("temperature_c", value).points


def clinical_response(aggregate: int,
                      single_parameter_3: bool) -> tuple[Risk, Monitoring, Response]:
    """Clinical risk (chart 2), minimum monitoring frequency and response (chart 4).

    A red score (3 in one parameter) raises a 0-4 aggregate to low-medium only; an aggregate of
    5 or more is already medium or high.

    Args:
        aggregate: The aggregate NEWS2 score, >= 0.
        single_parameter_3: Whether any parameter scored 3.

    Returns:
        (risk, monitoring frequency, response).
    """
    if isinstance(aggregate, bool) or not isinstance(aggregate, int) or aggregate < 0:
        raise ValueError(f"aggregate must be a non-negative int, got {aggregate!r}")
    if aggregate >= 7:
        return ("high", Monitoring.CONTINUOUS, Response.EMERGENCY)
    if aggregate >= 5:
        return ("medium", Monitoring.EVERY_1_H, Response.URGENT)
    if single_parameter_3:
        return ("low-medium", Monitoring.EVERY_1_H, Response.URGENT_WARD)
    if aggregate == 0:
        return ("low", Monitoring.EVERY_12_H, Response.ROUTINE)
    return ("low", Monitoring.EVERY_4_TO_6_H, Response.NURSE_ASSESSMENT)


def score(
    latest: Mapping[str, Observation],
    now: datetime,
    *,
    scale2: bool,
    windows: Mapping[str, timedelta] | None = None,
) -> News2Result:
    """Score the latest observation set of one patient.

    A parameter counts if its observation is at most its window old (inclusive) and not more
    than ``CLOCK_SKEW`` in the future; otherwise it is listed in ``missing``. An incomplete set
    is still scored over what is fresh, with ``complete=False``. Keys not in ``PARAMETERS``
    (e.g. diastolic BP) are ignored.

    Args:
        latest: Latest observation per parameter name.
        now: Current time, timezone-aware.
        scale2: Use SpO2 scale 2 (clinician-prescribed 88-92 % target); a per-patient flag.
        windows: Freshness windows overriding ``DEFAULT_WINDOWS`` per parameter.

    Returns:
        The aggregate score with breakdown, risk, monitoring frequency and response.

    Raises:
        ValueError: On an invalid value, a naive ``now``, a non-bool ``scale2`` or a bad or
            unknown window.
    """
    _require_aware(now, "now")
    if not isinstance(scale2, bool):
        raise ValueError(f"scale2 must be a bool, got {scale2!r}")
    limits = dict(DEFAULT_WINDOWS)
    for name, window in (windows or {}).items():
        if name not in DEFAULT_WINDOWS:
            raise ValueError(f"unknown parameter in windows: {name!r}")
        if not isinstance(window, timedelta) or window <= timedelta(0):
            raise ValueError(f"window for {name} must be a positive timedelta, got {window!r}")
        limits[name] = window

    fresh: dict[str, float | bool | str] = {}
    for name in PARAMETERS:
        obs = latest.get(name)
        if obs is not None and -CLOCK_SKEW <= now - obs.at <= limits[name]:
            fresh[name] = obs.value

    breakdown: list[ParameterScore] = []
    on_oxygen = fresh.get("on_oxygen")
    for name, value in fresh.items():  # insertion order is PARAMETERS order
        if name == "spo2_pct":
            if scale2 and on_oxygen is None and _measured(name, value, 0, 100) > 92:
                continue  # scale 2 above target: points depend on air/oxygen, which is not fresh
            breakdown.append(_assess_spo2(value, scale2=scale2, on_oxygen=on_oxygen))
        elif name == "on_oxygen":
            breakdown.append(_assess_oxygen(value))
        elif name == "consciousness":
            breakdown.append(_assess_consciousness(value))
        else:
            breakdown.append(_assess_numeric(name, value))

    aggregate = sum(p.points for p in breakdown)
    red = any(p.points == 3 for p in breakdown)
    risk, monitoring, response = clinical_response(aggregate, red)
    scored = {p.parameter for p in breakdown}
    missing = tuple(name for name in PARAMETERS if name not in scored)
    return News2Result(
        aggregate=aggregate,
        breakdown=tuple(breakdown),
        single_parameter_3=red,
        risk=risk,
        monitoring=monitoring,
        response=response,
        complete=not missing,
        missing=missing,
        scale=2 if scale2 else 1,
    )
