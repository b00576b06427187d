"""Plausibility checks on device readings (pure)."""

from __future__ import annotations

from collections.abc import Mapping

Ranges = Mapping[str, tuple[float, float]]


def range_violations(values: Mapping[str, float | None], ranges: Ranges) -> list[str]:
    """One ``"name=value outside lo..hi"`` per present value outside its range (None = absent)."""
    bad = []
    for name, (lo, hi) in ranges.items():
        value = values.get(name)
        if value is not None and not lo <= value <= hi:
            bad.append(f"{name}={value:g} outside {lo:g}..{hi:g}")
    return bad


def present_fields(message: object, names: list[str] | tuple[str, ...]) -> dict[str, float | None]:
    """Values of proto3 ``optional`` / scalar fields; None for optional fields not set."""
    out: dict[str, float | None] = {}
    for name in names:
        has = getattr(message, "HasField", None)
        try:
            present = has(name) if has else True
        except ValueError:  # not an optional field: always present
            present = True
        out[name] = getattr(message, name) if present else None
    return out
