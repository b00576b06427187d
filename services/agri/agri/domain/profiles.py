"""Device profiles: what a kind of device reports, in which units and ranges, and how often.

A reading is checked against its device's profile: metrics the profile does not know are refused,
values outside the profile's plausible range are refused with the reason. Ordering per device:
a reading whose event time is not after the last accepted one is *late* (kept for history, never
drives rules); a device silent for more than ``silent_after_intervals`` × its interval is *silent*.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from zezhou5g.limits import LIMITS
from zezhou5g.platform.validation import range_violations

# Metric name (SensorReading field) → unit, for display and docs.
UNITS = {
    "soil_moisture_vwc": "m³/m³",
    "soil_temp_c": "°C",
    "air_temp_c": "°C",
    "air_humidity_pct": "%RH",
    "light_lux": "lx",
    "rainfall_mm": "mm",
    "battery_pct": "%",
    "signal_dbm": "dBm",
    "soil_moisture_khz": "kHz",
    "case_temp_c": "°C",
}

# Plausible ranges of a working sensor: the platform's limits (zezhou5g.limits, which the
# gateway enforces at ingestion), narrowed here where the field's own sensors allow less; a
# profile may narrow them further.
NARROWER: dict[str, tuple[float, float]] = {
    "soil_moisture_vwc": (0.0, 0.6),   # m³/m³: saturated mineral soils stay below ~0.55
    "signal_dbm": (-140.0, -30.0),
    "soil_moisture_khz": (1000.0, 1600.0),  # Tektelic Clover: 1322 (wet) … 1402 (dry) kHz
}
DEFAULT_RANGES: dict[str, tuple[float, float]] = {
    **LIMITS["zezhou5g.agri.v1.SensorReading"], **NARROWER}

# Volumetric water content by sensor medium, m³/m³: a mineral soil saturates below ~0.55;
# soilless substrates (peat, coir, rockwool) hold far more water (real readings up to ~0.9).
MEDIUM_VWC: dict[str, tuple[float, float]] = {
    "mineral": (0.0, 0.6),
    "substrate": (0.0, 0.95),
}

HEALTH_METRICS = ("battery_pct", "signal_dbm", "case_temp_c")


@dataclass(frozen=True)
class DeviceProfile:
    """A kind of field device.

    Attributes:
        name: profile name, e.g. ``"soil-probe"``.
        metrics: measurement metrics it reports (health metrics are always allowed).
        interval_s: expected reporting interval, s.
        silent_after_intervals: missed intervals before the device counts as silent.
        ranges: plausible range per metric (units as in :data:`UNITS`).
        medium: what a soil probe sits in (``mineral`` or ``substrate``, see :data:`MEDIUM_VWC`).
        model: sensor model, e.g. ``"tektelic-clover"`` (informative).
        saturation: metric → the value the sensor reports when saturated (e.g. 65535 lx); a
            reading at or above it is flagged and not used as a value.
    """

    name: str
    metrics: tuple[str, ...]
    interval_s: float
    silent_after_intervals: float = 3.0
    ranges: Mapping[str, tuple[float, float]] = field(default_factory=lambda: DEFAULT_RANGES)
    medium: str = "mineral"
    model: str = ""
    saturation: Mapping[str, float] = field(default_factory=dict)

    @property
    def silent_after_s(self) -> float:
        """Seconds without a reading after which the device is silent."""
        return self.interval_s * self.silent_after_intervals


# Readings from devices that are not registered (e.g. a new probe) are checked against this.
GENERIC = DeviceProfile("generic", tuple(k for k in DEFAULT_RANGES if k not in HEALTH_METRICS),
                        interval_s=900.0)


def violations(values: Mapping[str, float | None], profile: DeviceProfile) -> list[str]:
    """Why a reading is invalid for ``profile`` (empty when it is valid).

    ``values`` maps metric → value (None = absent), units as in :data:`UNITS`.
    """
    allowed = set(profile.metrics) | set(HEALTH_METRICS)
    bad = [f"{name} not reported by profile {profile.name}"
           for name, value in values.items() if value is not None and name not in allowed]
    ranges = {k: profile.ranges.get(k, DEFAULT_RANGES[k]) for k in values if k in DEFAULT_RANGES}
    return bad + range_violations(values, ranges)


def saturated(values: Mapping[str, float | None], profile: DeviceProfile) -> list[str]:
    """Metrics of ``values`` at (or above) the profile's saturation value, sorted."""
    return sorted(k for k, v in values.items()
                  if v is not None and k in profile.saturation and v >= profile.saturation[k])


def is_late(event_time: datetime, last_time: datetime | None) -> bool:
    """True when a reading is not newer than the device's last accepted reading."""
    return last_time is not None and event_time <= last_time


def silent(last_seen: Mapping[str, float], profiles: Mapping[str, DeviceProfile],
           now: float) -> list[str]:
    """Devices whose last reading (epoch s) is older than their profile's silence limit."""
    return sorted(d for d, t in last_seen.items()
                  if now - t > profiles.get(d, GENERIC).silent_after_s)
