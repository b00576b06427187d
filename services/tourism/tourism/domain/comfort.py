"""Visitor comfort from environment readings — pure functions, no I/O.

THI (temperature–humidity index) in the Celsius form of Thom's discomfort index used in China's
tourism-climate comfort studies: ``THI = T − 0.55 × (1 − RH) × (T − 14.5)`` with RH as a fraction;
17–25 is felt as comfortable by most visitors.
PM2.5 penalties follow the individual-AQI concentration breakpoints of HJ 633-2012 (24-h
PM2.5: 35 / 75 / 115 / 150 / 250 µg/m³). Noise is judged against the 55 dB(A) daytime limit of
GB 3096-2008 class 1 areas (cultural and scenic).
"""

from __future__ import annotations

from dataclasses import dataclass

from zezhou5g.limits import LIMITS

THI_COMFORT = (17.0, 25.0)
PM25_BREAKPOINTS = ((35.0, 0.0), (75.0, 5.0), (115.0, 15.0), (150.0, 30.0), (250.0, 50.0))
PM25_WORST_PENALTY = 70.0
NOISE_LIMIT_DB = 55.0

# Plausible ranges of a working sensor; outside them the reading is rejected, not averaged.
# Declared once per proto field in zezhou5g.limits (the gateway refuses them at ingestion too).
VALID_RANGES = LIMITS["zezhou5g.tourism.v1.EnvironmentReading"]


@dataclass(frozen=True, slots=True)
class Comfort:
    """Comfort assessment of one area.

    Attributes:
        thi: temperature–humidity index (°C scale).
        index: 0–100, higher is more comfortable.
        level: ``"comfortable"`` (≥ 75), ``"fair"`` (≥ 50) or ``"uncomfortable"``.
    """

    thi: float
    index: float
    level: str


def thi(temperature_c: float, humidity_pct: float) -> float:
    """Temperature–humidity index for air temperature (°C) and relative humidity (%)."""
    return temperature_c - 0.55 * (1 - humidity_pct / 100.0) * (temperature_c - 14.5)


def pm25_penalty(pm25_ug_m3: float) -> float:
    """Points taken off for PM2.5 (µg/m³), by HJ 633-2012 concentration band."""
    for upper, penalty in PM25_BREAKPOINTS:
        if pm25_ug_m3 <= upper:
            return penalty
    return PM25_WORST_PENALTY


def noise_penalty(noise_db: float) -> float:
    """Two points per dB(A) above the 55 dB(A) limit, at most 30."""
    return min(30.0, max(0.0, (noise_db - NOISE_LIMIT_DB) * 2.0))


def comfort(temperature_c: float, humidity_pct: float, pm25_ug_m3: float,
            noise_db: float) -> Comfort:
    """Combine THI, PM2.5 and noise into a 0–100 comfort index and its level."""
    value = thi(temperature_c, humidity_pct)
    lo, hi = THI_COMFORT
    distance = max(lo - value, 0.0, value - hi)
    score = max(0.0, 100.0 - 10.0 * distance)
    index = max(0.0, score - pm25_penalty(pm25_ug_m3) - noise_penalty(noise_db))
    level = "comfortable" if index >= 75 else "fair" if index >= 50 else "uncomfortable"
    return Comfort(thi=round(value, 2), index=round(index, 1), level=level)
