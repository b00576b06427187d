"""The farm register: fields, device profiles and machines, read from ``farm.yaml``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from agri.domain.profiles import DEFAULT_RANGES, GENERIC, MEDIUM_VWC, DeviceProfile


@dataclass(frozen=True)
class FieldInfo:
    """A field: crop, stage, soil, owner, outline (lat, lon pairs, degrees) and its devices."""

    id: str
    name_zh: str
    name_en: str
    crop: str
    stage: str
    soil: str
    owner: str
    outline: tuple[tuple[float, float], ...]
    devices: tuple[str, ...]

    @property
    def centre(self) -> tuple[float, float]:
        """Mean of the outline's corners (lat, lon), degrees."""
        lats = [p[0] for p in self.outline]
        lons = [p[1] for p in self.outline]
        return sum(lats) / len(lats), sum(lons) / len(lons)


@dataclass(frozen=True)
class MachineInfo:
    """A registered machine with its home yard (lat, lon) and reporting interval (s)."""

    id: str
    kind: str
    name_zh: str
    name_en: str
    capabilities: frozenset[str]
    home: tuple[float, float]
    speed_kmh: float
    interval_s: float


@dataclass(frozen=True)
class Farm:
    """Everything registered; unknown devices get the generic profile."""

    fields: Mapping[str, FieldInfo]
    profiles: Mapping[str, DeviceProfile]
    device_profile: Mapping[str, str]        # device id → profile name
    device_field: Mapping[str, str]          # device id → field id
    machines: Mapping[str, MachineInfo]

    def profile_of(self, device_id: str) -> DeviceProfile:
        """The device's profile (generic when the device is not registered)."""
        name = self.device_profile.get(device_id)
        return self.profiles[name] if name else GENERIC


def _profile(name: str, p: Mapping[str, Any]) -> DeviceProfile:
    """One profile; the medium sets the VWC range unless ``ranges`` names one."""
    medium = str(p.get("medium", "mineral"))
    if medium not in MEDIUM_VWC:
        raise ValueError(f"profile {name}: unknown medium {medium!r} (one of {sorted(MEDIUM_VWC)})")
    ranges = {**DEFAULT_RANGES, "soil_moisture_vwc": MEDIUM_VWC[medium],
              **{k: (float(v[0]), float(v[1])) for k, v in p.get("ranges", {}).items()}}
    return DeviceProfile(name, tuple(p["metrics"]), float(p["interval_s"]),
                         float(p.get("silent_after_intervals", 3.0)), ranges, medium,
                         str(p.get("model", "")),
                         {k: float(v) for k, v in p.get("saturation", {}).items()})


def parse(doc: Mapping[str, Any]) -> Farm:
    """Build a :class:`Farm` from the parsed YAML (raises ValueError on a wrong entry)."""
    try:
        profiles = {n: _profile(n, p) for n, p in doc.get("profiles", {}).items()}
        fields, dev_prof, dev_field = {}, {}, {}
        for fid, f in doc.get("fields", {}).items():
            devices = dict(f.get("devices", {}))
            for dev, prof in devices.items():
                if prof not in profiles:
                    raise ValueError(f"device {dev} has unknown profile {prof}")
                dev_prof[dev], dev_field[dev] = prof, fid
            fields[fid] = FieldInfo(fid, f["name"]["zh"], f["name"]["en"], f["crop"], f["stage"],
                                    f["soil"], f.get("owner", ""),
                                    tuple((float(a), float(b)) for a, b in f["outline"]),
                                    tuple(devices))
        machines = {mid: MachineInfo(mid, m["kind"], m["name"]["zh"], m["name"]["en"],
                                     frozenset(m["capabilities"]),
                                     (float(m["home"][0]), float(m["home"][1])),
                                     float(m["speed_kmh"]), float(m.get("interval_s", 10)))
                    for mid, m in doc.get("machines", {}).items()}
    except (KeyError, TypeError, IndexError) as exc:
        raise ValueError(f"farm file is missing or has a wrong entry: {exc}") from exc
    return Farm(fields, profiles, dev_prof, dev_field, machines)


def load(path: Path) -> Farm:
    """Read the farm file at ``path``."""
    return parse(yaml.safe_load(path.read_text(encoding="utf-8")))
