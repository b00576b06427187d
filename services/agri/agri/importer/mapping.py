"""Declarative mapping of a real sensor log onto agri readings (pure: no I/O beyond the text).

A mapping file (TOML) says per source: the format (``csv`` or ``json``), the layout (``wide``: one
row per time, a column per value; ``long``: one row per value, with variable/value columns), the
time column, its formats and zone, how a row names its device and field, and per metric where the
value is (column by name, by name + occurrence for duplicate headers, or by position; or, in the
long layout, the variable's name), its unit (converted to the metric's unit), a linear scale and
offset, and saturation values. See ``services/agri/importer/*.toml`` and the README.

Times: ``iso8601`` (any fraction up to nanoseconds, ``Z`` or an offset), ``epoch_s``/``_ms``/
``_ns``, or ``strptime`` formats; several are tried in order. Naive times are local to ``zone``:
a repeated hour (DST end) is resolved by ``ambiguous`` (``earlier``, ``later``, or ``order``:
the later one when the log's clock went backwards), a skipped hour (DST start) is ``reject``-ed
or ``shift``-ed forward.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from agri.domain.profiles import UNITS

# Unit spellings → canonical spelling.
_ALIASES = {"deg c": "°C", "degc": "°C", "c": "°C", "°c": "°C", "celsius": "°C",
            "deg f": "°F", "°f": "°F", "f": "°F", "k": "K", "percent": "%", "%": "%",
            "m3/m3": "m³/m³", "m³/m³": "m³/m³", "lux": "lx", "lx": "lx", "klx": "klx",
            "%rh": "%RH", "rh": "%RH", "mm": "mm", "in": "in", "khz": "kHz", "hz": "Hz",
            "mhz": "MHz", "dbm": "dBm"}
# (from, to) → conversion.
_CONVERT = {
    ("%", "m³/m³"): lambda x: x / 100.0,
    ("°F", "°C"): lambda x: (x - 32.0) * 5.0 / 9.0,
    ("K", "°C"): lambda x: x - 273.15,
    ("klx", "lx"): lambda x: x * 1000.0,
    ("in", "mm"): lambda x: x * 25.4,
    ("Hz", "kHz"): lambda x: x / 1000.0,
    ("MHz", "kHz"): lambda x: x * 1000.0,
    ("%", "%RH"): lambda x: x,
}


def unit(name: str) -> str:
    """Canonical spelling of a unit name (unknown names are returned as given)."""
    return _ALIASES.get(name.strip().lower(), name.strip())


def converter(source_unit: str, metric: str) -> Any:
    """Function converting ``source_unit`` to ``metric``'s unit (ValueError if there is none)."""
    target = unit(UNITS[metric])
    src = unit(source_unit) if source_unit else target
    if src == target:
        return lambda x: x
    if (src, target) not in _CONVERT:
        raise ValueError(f"no conversion from {source_unit!r} to {UNITS[metric]!r} ({metric})")
    return _CONVERT[(src, target)]


@dataclass(frozen=True)
class MetricMap:
    """Where one metric is in a row and how its raw value becomes the metric's value."""

    metric: str
    column: str = ""
    occurrence: int = 1          # 1 = first column with that header (duplicate headers)
    index: int | None = None     # 0-based position; wins over column
    variable: str = ""           # long layout: the variable column's value
    unit: str = ""
    scale: float = 1.0
    offset: float = 0.0
    saturation: tuple[float, ...] = ()

    def value(self, raw: float) -> float:
        """The raw number in the metric's unit."""
        return float(converter(self.unit, self.metric)(raw * self.scale + self.offset))


SKIP = frozenset({"", "nan", "null", "none", "na", "n/a", "-"})   # cells read as "no value"


@dataclass(frozen=True)
class Mapping_:
    """A parsed mapping file."""

    name: str
    format: str
    layout: str
    delimiter: str
    encoding: str
    time_column: str
    time_formats: tuple[str, ...]
    zone: str
    ambiguous: str
    nonexistent: str
    add_s: float
    device_template: str
    device_ids: Mapping[str, str]
    field: str
    device_fields: Mapping[str, str]
    variable_column: str
    value_column: str
    metrics: tuple[MetricMap, ...]
    skip: frozenset[str] = dataclasses.field(default_factory=lambda: SKIP)


def parse(doc: Mapping[str, Any], name: str = "") -> Mapping_:
    """Build a mapping from the parsed TOML document (ValueError when an entry is wrong)."""
    try:
        src, tm, dev = doc.get("source", {}), doc["time"], doc["device"]
        long = doc.get("long", {})
        metrics = []
        for m in doc["metrics"]:
            if m["metric"] not in UNITS:
                raise ValueError(f"unknown metric {m['metric']!r} (one of {sorted(UNITS)})")
            mm = MetricMap(m["metric"], str(m.get("column", "")), int(m.get("occurrence", 1)),
                           m.get("index"), str(m.get("variable", "")), str(m.get("unit", "")),
                           float(m.get("scale", 1.0)), float(m.get("offset", 0.0)),
                           tuple(float(v) for v in m.get("saturation", ())))
            converter(mm.unit, mm.metric)           # fail at load, not at row 10 000
            metrics.append(mm)
        layout = str(src.get("layout", "wide"))
        if layout not in ("wide", "long"):
            raise ValueError(f"layout must be wide or long, not {layout!r}")
        formats = tm.get("formats", tm.get("format", ["iso8601"]))
        out = Mapping_(
            name or str(doc.get("name", "")), str(src.get("format", "csv")), layout,
            str(src.get("delimiter", ",")), str(src.get("encoding", "utf-8-sig")),
            str(tm["column"]), tuple([formats] if isinstance(formats, str) else formats),
            str(tm.get("zone", "UTC")), str(tm.get("ambiguous", "order")),
            str(tm.get("nonexistent", "reject")), float(tm.get("add_s", 0.0)),
            str(dev["id"]), dict(dev.get("ids", {})), str(dev.get("field", "")),
            dict(dev.get("fields", {})), str(long.get("variable_column", "")),
            str(long.get("value_column", "")), tuple(metrics))
        ZoneInfo(out.zone)
        if out.ambiguous not in ("earlier", "later", "order"):
            raise ValueError("time.ambiguous must be earlier, later or order")
        if out.nonexistent not in ("reject", "shift"):
            raise ValueError("time.nonexistent must be reject or shift")
        return out
    except (KeyError, TypeError) as exc:
        raise ValueError(f"mapping {name}: missing or wrong entry {exc}") from exc


_ISO = re.compile(r"^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?)"
                  r"(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$")


def parse_naive_or_aware(text: str, formats: Sequence[str]) -> tuple[datetime, int] | None:
    """(datetime, extra nanoseconds below the microsecond) of ``text``, or None if no format fits.

    The datetime is naive when the text carries no zone.
    """
    text = text.strip()
    for fmt in formats:
        try:
            if fmt == "iso8601":
                m = _ISO.match(text)
                if not m:
                    continue
                frac = (m.group(2) or "").ljust(9, "0")[:9]
                zone = m.group(3) or ""
                base = datetime.fromisoformat(m.group(1).replace(" ", "T")
                                              + ("+00:00" if zone == "Z" else zone))
                return base.replace(microsecond=int(frac[:6])), int(frac[6:])
            if fmt.startswith("epoch_"):
                div = {"epoch_s": 1, "epoch_ms": 1_000, "epoch_ns": 1_000_000_000}[fmt]
                ns = int(float(text) * 1_000_000_000 / div)
                return datetime.fromtimestamp(ns // 1000 / 1e6, UTC), ns % 1000
            return datetime.strptime(text, fmt), 0
        except (ValueError, OverflowError, KeyError):
            continue
    return None


class Clock:
    """Turns a log's time texts into UTC, resolving DST repeats and gaps (one per source)."""

    def __init__(self, m: Mapping_) -> None:
        self.m = m
        self.zone = ZoneInfo(m.zone)
        self.last_local: datetime | None = None
        self.folded = False

    def utc(self, text: str) -> tuple[datetime | None, str]:
        """(UTC time, "") or (None, reason)."""
        parsed = parse_naive_or_aware(text, self.m.time_formats)
        if parsed is None:
            return None, "time: no format fits"
        t, _ns = parsed
        if t.tzinfo is None:
            t = t.replace(tzinfo=self.zone)
            earlier, later = t.replace(fold=0), t.replace(fold=1)
            if earlier.utcoffset() != later.utcoffset():
                if earlier.astimezone(UTC).astimezone(self.zone).replace(tzinfo=None) \
                        != t.replace(tzinfo=None):      # a local time that never existed
                    if self.m.nonexistent == "reject":
                        return None, "time: local time skipped by DST"
                    t = earlier.astimezone(UTC).astimezone(self.zone)  # moved forward by the gap
                else:                                   # a repeated local time
                    t = later if self._later(t) else earlier
            else:
                self.folded = False                     # out of the repeated hour
            self.last_local = t.replace(tzinfo=None, fold=0)
        return t.astimezone(UTC) + timedelta(seconds=self.m.add_s), ""

    def _later(self, t: datetime) -> bool:
        if self.m.ambiguous != "order":
            return self.m.ambiguous == "later"
        naive = t.replace(tzinfo=None)
        if self.last_local is not None and naive < self.last_local:
            self.folded = True                          # the clock went back: second pass
        return self.folded


def number(text: object, skip: frozenset[str]) -> tuple[float | None, str]:
    """(value, "") or (None, reason) for a raw cell: empty/NaN are skipped, text is refused."""
    if text is None or isinstance(text, bool):
        return None, "empty"
    if isinstance(text, int | float):
        value = float(text)
    else:
        s = str(text).strip()
        if s.lower() in skip:
            return None, "empty"
        try:
            value = float(s.replace(",", ".")) if s.count(",") == 1 and "." not in s \
                else float(s)
        except ValueError:
            return None, "not a number"
    if not math.isfinite(value):
        return None, "empty"
    return value, ""
