"""Agronomic rules read from a declarative file (``rules.yaml``) that the bureau edits.

Each rule turns the field's latest values into a :class:`Decision` for one alarm type:
raise/update at a severity, clear, or keep whatever is active (the hysteresis band).
Thresholds: frost and heat per crop stage (air temperature, °C); irrigation need from root-zone
depletion (FAO-56, see :mod:`agri.domain.water`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from agri.domain.alarms import Severity
from agri.domain.episodes import Aggregate, Timing
from agri.domain.water import SoilWater

FROST = "FROST"
HEAT = "HEAT_STRESS"
IRRIGATION = "IRRIGATION_NEED"
SENSOR_SILENT = "SENSOR_SILENT"
LOW_BATTERY = "LOW_BATTERY"

LEVELS = (Severity.CRITICAL, Severity.MAJOR, Severity.MINOR, Severity.WARNING)


@dataclass(frozen=True)
class Decision:
    """What a rule wants for one alarm type: ``severity`` to raise, ``clear``, or neither (keep)."""

    alarm_type: str
    severity: Severity | None = None
    clear: bool = False
    details: Mapping[str, float] | None = None


@dataclass(frozen=True)
class Thresholds:
    """Severity → threshold; ``below`` means the alarm is raised at or under the threshold."""

    levels: Mapping[Severity, float]
    below: bool
    hysteresis: float

    def decide(self, alarm_type: str, value: float, active: bool) -> Decision:
        """Highest severity whose threshold ``value`` crosses; clear only past the hysteresis."""
        details = {"value": value}
        for severity in LEVELS:
            limit = self.levels.get(severity)
            if limit is not None and (value <= limit if self.below else value >= limit):
                return Decision(alarm_type, severity, details=details)
        mildest = min(self.levels.values()) if not self.below else max(self.levels.values())
        margin = self.hysteresis if self.below else -self.hysteresis
        if active and (value <= mildest + margin if self.below else value >= mildest + margin):
            return Decision(alarm_type, details=details)  # in the band: keep as it is
        return Decision(alarm_type, clear=True, details=details)


@dataclass(frozen=True)
class CropRules:
    """Rules of one crop: water parameters and per-stage temperature thresholds."""

    root_depth_m: float
    depletion_fraction: float
    season_start: tuple[int, int]
    frost: Mapping[str, Thresholds]
    heat: Mapping[str, Thresholds]


@dataclass(frozen=True)
class RuleSet:
    """The whole rule file."""

    crops: Mapping[str, CropRules]
    soils: Mapping[str, tuple[float, float]]          # soil → (θFC, θWP), m³/m³
    irrigation_levels: Mapping[Severity, float]       # fraction of the way from RAW to TAW
    depletion_hysteresis: float
    low_battery_pct: float
    aggregates: Mapping[str, Aggregate] = field(default_factory=dict)   # metric → field value
    timing: Mapping[str, Timing] = field(default_factory=dict)          # alarm type → durations

    def timing_of(self, alarm_type: str) -> Timing:
        """Duration conditions of ``alarm_type`` (immediate when the file names none)."""
        return self.timing.get(alarm_type, Timing())

    def aggregate_of(self, metric: str) -> Aggregate:
        """How the field's value of ``metric`` is formed (mean over the last hour by default)."""
        return self.aggregates.get(metric, Aggregate(metric))

    def soil_water(self, crop: str, soil: str) -> SoilWater:
        """FAO-56 parameters of a field growing ``crop`` on ``soil``."""
        fc, wp = self.soils[soil]
        c = self.crops[crop]
        return SoilWater(fc, wp, c.root_depth_m, c.depletion_fraction)

    def evaluate(self, crop: str, stage: str, soil: str, values: Mapping[str, float | None],
                 active: set[str]) -> list[Decision]:
        """Decisions for a field growing ``crop`` at ``stage`` on ``soil``.

        ``values`` are the latest valid values (metric → value, None = unknown; units as in
        :data:`agri.domain.profiles.UNITS`); ``active`` the alarm types active on the field.
        """
        rules = self.crops[crop]
        out: list[Decision] = []
        air = values.get("air_temp_c")
        if air is not None:
            if stage in rules.frost:
                out.append(rules.frost[stage].decide(FROST, air, FROST in active))
            if stage in rules.heat:
                out.append(rules.heat[stage].decide(HEAT, air, HEAT in active))
        vwc = values.get("soil_moisture_vwc")
        if vwc is not None:
            out.append(self._irrigation(self.soil_water(crop, soil), vwc, IRRIGATION in active))
        return out

    def _irrigation(self, water: SoilWater, vwc: float, active: bool) -> Decision:
        stress = water.stress_fraction(vwc)
        details = {"vwc": vwc, "depletion_mm": round(water.depletion_mm(vwc), 1),
                   "raw_mm": round(water.raw_mm, 1), "taw_mm": round(water.taw_mm, 1)}
        for severity in LEVELS:
            level = self.irrigation_levels.get(severity)
            if level is not None and stress >= level:
                return Decision(IRRIGATION, severity, details=details)
        mildest = min(self.irrigation_levels.values())
        if active and stress >= mildest - self.depletion_hysteresis:
            return Decision(IRRIGATION, details=details)
        return Decision(IRRIGATION, clear=True, details=details)


def _thresholds(raw: Mapping[str, Any], below: bool, hysteresis: float) -> Thresholds:
    levels = {Severity[name.upper()]: float(v) for name, v in raw.items()}
    return Thresholds(levels, below, hysteresis)


def parse(doc: Mapping[str, Any]) -> RuleSet:
    """Build a :class:`RuleSet` from the parsed YAML document (raises ValueError when wrong)."""
    try:
        hyst = doc.get("hysteresis", {})
        crops = {}
        for name, c in doc["crops"].items():
            month, day = (int(x) for x in str(c.get("season_start", "01-01")).split("-"))
            stages = c["stages"]
            crops[name] = CropRules(
                float(c["root_depth_m"]), float(c["depletion_fraction"]), (month, day),
                {s: _thresholds(v["frost_c"], True, float(hyst.get("frost_c", 1.0)))
                 for s, v in stages.items() if "frost_c" in v},
                {s: _thresholds(v["heat_c"], False, float(hyst.get("heat_c", 1.0)))
                 for s, v in stages.items() if "heat_c" in v})
        soils = {n: (float(s["field_capacity"]), float(s["wilting_point"]))
                 for n, s in doc["soils"].items()}
        levels = {Severity[k.upper()]: float(v) for k, v in doc["irrigation_levels"].items()}
        aggregates = {m: Aggregate(m, str(a.get("fn", "mean")), float(a.get("window_s", 3600)))
                      for m, a in doc.get("field_aggregates", {}).items()}
        known = {"raise_after_s", "clear_after_s", "min_active_s", "repeat_every_s"}
        timing = {}
        for alarm_type, t in doc.get("alarm_timing", {}).items():
            if set(t) - known:
                raise ValueError(f"alarm_timing.{alarm_type}: unknown {sorted(set(t) - known)}")
            timing[alarm_type] = Timing(**{k: float(v) for k, v in t.items()})
        return RuleSet(crops, soils, levels, float(hyst.get("depletion_fraction", 0.05)),
                       float(doc.get("low_battery_pct", 15.0)), aggregates, timing)
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"rule file is missing or has a wrong entry: {exc}") from exc


def load(path: Path) -> RuleSet:
    """Read and check the rule file at ``path``."""
    return parse(yaml.safe_load(path.read_text(encoding="utf-8")))
