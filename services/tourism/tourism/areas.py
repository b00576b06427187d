"""The scenic areas as data: zones, cameras and gates from an operator-editable TOML file.

The file is validated as a whole at start; :class:`AreaConfigError` lists every problem with
where it is (``zones[2] jueshan-summit: …``) so an operator can fix them in one go.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tourism.domain.crowding import (
    AREA_PER_VISITOR_M2,
    Thresholds,
    daily_capacity,
    instantaneous_capacity,
)
from tourism.domain.geometry import Homography, is_simple, polygon_area

DEFAULT_FILE = Path(__file__).with_name("areas.toml")

XY = tuple[float, float]


class AreaConfigError(ValueError):
    """The area file is invalid; ``problems`` holds one line per problem."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"invalid area config {path}:\n  " + "\n  ".join(problems))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _AreaIn(_Strict):
    id: str = Field(min_length=1, pattern=r"^[a-z0-9-]+$")
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    open_hours: float = Field(gt=0, le=24)
    mean_visit_hours: float = Field(gt=0, le=24)
    # Local (UTC+8) hour the area opens, for "best time today".
    opens_at_hour: float = Field(default=8.0, ge=0, lt=24)


class _CameraIn(_Strict):
    id: str = Field(min_length=1, pattern=r"^[a-z0-9-]+$")
    area: str
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    # A file path, "sample:vtest", or an rtsp:// / http(s):// stream URL.
    source: str = Field(min_length=1)
    loop: bool = True
    start_s: float = Field(default=0.0, ge=0)
    sample_fps: float = Field(default=2.0, gt=0, le=30)
    image_points: tuple[XY, XY, XY, XY]
    plan_points: tuple[XY, XY, XY, XY]


class _ZoneIn(_Strict):
    id: str = Field(min_length=1, pattern=r"^[a-z0-9-]+$")
    area: str
    camera: str
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    kind: str
    area_per_visitor_m2: float = Field(gt=0)
    # Share of the outlined ground visitors can use (LB/T 034-2014 "effective area").
    effective_ratio: float = Field(default=1.0, gt=0, le=1)
    polygon: list[XY] = Field(min_length=3)
    busy_at: float | None = None
    crowded_at: float | None = None
    over_at: float | None = None
    alert_at: float | None = None
    alert_hysteresis: float | None = None
    # Where visitors queue (cable car, ticket hall): people served per minute, for the wait.
    queue_per_min: float | None = Field(default=None, gt=0)


class _GateIn(_Strict):
    id: str = Field(min_length=1, pattern=r"^[a-z0-9-]+$")
    area: str
    camera: str
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    line: tuple[XY, XY]


class _DefaultsIn(_Strict):
    busy_at: float = 0.5
    crowded_at: float = 0.8
    over_at: float = 1.0
    alert_at: float = 0.8
    alert_hysteresis: float = 0.15
    # Seconds the occupancy must hold before an alert is raised / cleared / a level changes.
    alert_hold_s: float = 0.0
    clear_hold_s: float = 0.0
    level_hold_s: float = 0.0
    smoothing_frames: int = Field(default=5, ge=1, le=60)


class _FileIn(_Strict):
    defaults: _DefaultsIn = _DefaultsIn()
    areas: list[_AreaIn] = Field(min_length=1)
    cameras: list[_CameraIn] = Field(default_factory=list)
    zones: list[_ZoneIn] = Field(default_factory=list)
    gates: list[_GateIn] = Field(default_factory=list)


@dataclass(frozen=True)
class Camera:
    """A camera and its ground-plane homography (image pixels → area-plan metres)."""

    id: str
    area: str
    name_zh: str
    name_en: str
    source: str
    loop: bool
    start_s: float
    sample_fps: float
    homography: Homography


@dataclass(frozen=True)
class Zone:
    """A counting zone: image polygon (pixels), plan polygon (metres), capacity (persons)."""

    id: str
    area: str
    camera: str
    name_zh: str
    name_en: str
    kind: str
    image_polygon: np.ndarray
    plan_polygon: np.ndarray
    area_m2: float
    area_per_visitor_m2: float
    capacity: int
    thresholds: Thresholds
    queue_per_min: float | None = None


@dataclass(frozen=True)
class Gate:
    """An entrance line in a camera image (pixels); entries cross it onto its left side."""

    id: str
    area: str
    camera: str
    name_zh: str
    name_en: str
    line: tuple[XY, XY]


@dataclass(frozen=True)
class Area:
    """A scenic area with LB/T 034-2014 capacities (persons at once, persons per day)."""

    id: str
    name_zh: str
    name_en: str
    open_hours: float
    mean_visit_hours: float
    instantaneous_capacity: int
    daily_capacity: int
    opens_at_hour: float = 8.0


@dataclass(frozen=True)
class AreaConfig:
    """Everything in the area file, validated and with derived areas and capacities."""

    areas: dict[str, Area]
    cameras: dict[str, Camera]
    zones: dict[str, Zone]
    gates: dict[str, Gate]
    smoothing_frames: int

    def zones_of(self, camera_id: str) -> list[Zone]:
        """Zones seen by one camera."""
        return [z for z in self.zones.values() if z.camera == camera_id]

    def gates_of(self, camera_id: str) -> list[Gate]:
        """Gates seen by one camera."""
        return [g for g in self.gates.values() if g.camera == camera_id]


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return str(v)


def dump_areas(raw: dict[str, Any]) -> str:
    """An areas file's text from its parsed form (``[defaults]`` and the arrays of tables).

    For tools and tests that write their own areas file (scalars and lists of numbers only).
    """
    lines: list[str] = []
    if raw.get("defaults"):
        lines.append("[defaults]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in raw["defaults"].items()]
    for section in ("areas", "cameras", "zones", "gates"):
        for item in raw.get(section, []):
            lines.append(f"[[{section}]]")
            lines += [f"{k} = {_toml_value(v)}" for k, v in item.items()]
    return "\n".join(lines) + "\n"


def load_areas(path: Path | str | None = None) -> AreaConfig:
    """Read and validate the area file (default: ``areas.toml`` beside this module).

    Raises:
        AreaConfigError: with every problem found.
    """
    path = Path(path) if path else DEFAULT_FILE
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise AreaConfigError(path, [f"cannot read: {exc.strerror or exc}"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise AreaConfigError(path, [f"not valid TOML: {exc}"]) from None
    return parse_areas(raw, path)


def parse_areas(raw: dict[str, Any], path: Path | str = "<memory>") -> AreaConfig:
    """Validate an already-parsed area file (see :func:`load_areas`)."""
    try:
        spec = _FileIn.model_validate(raw)
    except ValidationError as exc:
        raise AreaConfigError(path, [_where(raw, e) for e in exc.errors()]) from None
    problems: list[str] = []
    _check_unique(spec, problems)
    area_ids = {a.id for a in spec.areas}
    cameras: dict[str, Camera] = {}
    for i, c in enumerate(spec.cameras):
        where = f"cameras[{i}] {c.id}"
        if c.area not in area_ids:
            problems.append(f"{where}: unknown area {c.area!r} (known: {sorted(area_ids)})")
        try:
            h = Homography(c.image_points, c.plan_points)
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            continue
        cameras[c.id] = Camera(c.id, c.area, c.name_zh, c.name_en, c.source, c.loop, c.start_s,
                               c.sample_fps, h)
    d = spec.defaults
    zones: dict[str, Zone] = {}
    for i, z in enumerate(spec.zones):
        where = f"zones[{i}] {z.id}"
        zone = _zone(z, where, cameras, area_ids, d, problems)
        if zone is not None:
            zones[z.id] = zone
    gates: dict[str, Gate] = {}
    for i, g in enumerate(spec.gates):
        where = f"gates[{i}] {g.id}"
        cam = cameras.get(g.camera)
        if g.camera not in {c.id for c in spec.cameras}:
            problems.append(f"{where}: unknown camera {g.camera!r}")
        elif cam is not None and cam.area != g.area:
            problems.append(f"{where}: camera {g.camera} is in area {cam.area}, not {g.area}")
        if g.line[0] == g.line[1]:
            problems.append(f"{where}: the line's two points are the same")
        gates[g.id] = Gate(g.id, g.area, g.camera, g.name_zh, g.name_en, g.line)
    if problems:
        raise AreaConfigError(path, problems)
    areas = {}
    for a in spec.areas:
        inst = sum(z.capacity for z in zones.values() if z.area == a.id)
        areas[a.id] = Area(a.id, a.name_zh, a.name_en, a.open_hours, a.mean_visit_hours, inst,
                           daily_capacity(inst, a.open_hours, a.mean_visit_hours),
                           a.opens_at_hour)
    return AreaConfig(areas, cameras, zones, gates, d.smoothing_frames)


def _zone(z: _ZoneIn, where: str, cameras: dict[str, Camera], area_ids: set[str],
          d: _DefaultsIn, problems: list[str]) -> Zone | None:
    before = len(problems)
    if z.area not in area_ids:
        problems.append(f"{where}: unknown area {z.area!r}")
    cam = cameras.get(z.camera)
    if cam is None:
        problems.append(f"{where}: unknown camera {z.camera!r}")
    elif cam.area != z.area:
        problems.append(f"{where}: camera {z.camera} is in area {cam.area}, not {z.area}")
    span = AREA_PER_VISITOR_M2.get(z.kind)
    if span is None:
        problems.append(f"{where}: kind {z.kind!r} is not one of {sorted(AREA_PER_VISITOR_M2)}")
    elif not span[0] <= z.area_per_visitor_m2 <= span[1]:
        problems.append(f"{where}: area_per_visitor_m2 {z.area_per_visitor_m2} is outside "
                        f"GB/T 50298-2018's {span[0]:g}–{span[1]:g} m²/person for {z.kind}")
    if not is_simple(z.polygon):
        problems.append(f"{where}: polygon edges cross each other")
    busy, crowded, over, alert, hyst = (v if v is not None else dv for v, dv in (
        (z.busy_at, d.busy_at), (z.crowded_at, d.crowded_at), (z.over_at, d.over_at),
        (z.alert_at, d.alert_at), (z.alert_hysteresis, d.alert_hysteresis)))
    t = Thresholds(busy, crowded, over, alert, hyst, alert_hold_s=d.alert_hold_s,
                   clear_hold_s=d.clear_hold_s, level_hold_s=d.level_hold_s)
    problems += [f"{where}: {p}" for p in t.problems()]
    if len(problems) > before or cam is None:
        return None
    image = np.asarray(z.polygon, dtype=np.float64)
    if not cam.homography.on_ground(image).all():
        problems.append(f"{where}: part of the polygon is above the horizon of camera {cam.id} "
                        "(not on the ground its 4 points define)")
        return None
    plan = cam.homography.to_plan(image)
    area_m2 = polygon_area(plan) * z.effective_ratio
    if not is_simple(plan) or area_m2 <= 0:
        problems.append(f"{where}: the polygon folds over when mapped to the ground — is it "
                        f"above the horizon of camera {cam.id}?")
        return None
    capacity = instantaneous_capacity(area_m2, z.area_per_visitor_m2)
    return Zone(z.id, z.area, z.camera, z.name_zh, z.name_en, z.kind, image, plan,
                round(area_m2, 1), z.area_per_visitor_m2, capacity, t, z.queue_per_min)


def _check_unique(spec: _FileIn, problems: list[str]) -> None:
    groups: dict[str, list[str]] = {
        "areas": [a.id for a in spec.areas], "cameras": [c.id for c in spec.cameras],
        "zones": [z.id for z in spec.zones], "gates": [g.id for g in spec.gates]}
    for name, ids in groups.items():
        seen: set[str] = set()
        for i, item_id in enumerate(ids):
            if item_id in seen:
                problems.append(f"{name}[{i}]: duplicate id {item_id!r}")
            seen.add(item_id)


def _where(raw: dict[str, Any], err: Any) -> str:
    loc = list(err["loc"])
    label = ""
    if len(loc) >= 2 and isinstance(loc[1], int):
        try:
            label = f" {raw[loc[0]][loc[1]].get('id', '')}".rstrip()
        except (KeyError, IndexError, AttributeError, TypeError):
            label = ""
        head = f"{loc[0]}[{loc[1]}]{label}"
        rest = ".".join(str(p) for p in loc[2:])
    else:
        head, rest = ".".join(str(p) for p in loc), ""
    return f"{head}{': ' + rest if rest else ''}: {err['msg']}"
