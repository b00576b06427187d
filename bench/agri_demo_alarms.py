"""Alarm episodes of the agri demo as the service would see them (issue 17).

Runs the demo simulator (``simulators.agri.SoilReplay``) through the rule file, the field
aggregates and the duration gates, with event time = the wall clock of a demo ticking every
``--interval`` seconds (the simulator sends no device time, so the service stamps on arrival), and
prints per alarm type: episodes, shortest and median duration, for the first 15 min and 1 h.
Soil data: Cabral 2023, Zenodo 10.5281/zenodo.7948797 (shared/testdata/soil_quebec).

    uv run python bench/agri_demo_alarms.py [--interval 1.0] [--minutes 60]
"""

from __future__ import annotations

import argparse
import statistics
from collections import defaultdict
from pathlib import Path

from agri.domain import farm as farmlib
from agri.domain import rules as ruleslib
from agri.domain.episodes import Gate, aggregate, gate
from simulators.agri import SoilReplay
from zezhou5g.contracts.topics import AGRI_TELEMETRY

HERE = Path(__file__).resolve().parents[1] / "services" / "agri" / "agri"


def run(interval_s: float, minutes: float) -> dict[str, list[tuple[float, float]]]:
    """Alarm type → [(start s, end s)] over ``minutes`` of demo wall clock."""
    rules = ruleslib.load(HERE / "rules.yaml")
    farm = farmlib.load(HERE / "farm.yaml")
    sim = SoilReplay()
    latest: dict[str, dict[str, dict[str, tuple[float, float]]]] = defaultdict(
        lambda: defaultdict(dict))
    state: dict[tuple[str, str], Gate] = {}
    open_: dict[tuple[str, str], float] = {}
    out: dict[str, list[tuple[float, float]]] = defaultdict(list)
    t = 0.0
    while t < minutes * 60:
        for topic, msg, _ in sim.tick(None):  # type: ignore[arg-type]
            if topic != AGRI_TELEMETRY.name:
                continue
            info = farm.fields[msg.field_id]
            for metric in ("soil_moisture_vwc", "air_temp_c"):
                if msg.HasField(metric):
                    latest[info.id][metric][msg.device_id] = (t, getattr(msg, metric))
            values = {k: aggregate(v, rules.aggregate_of(k), t) for k, v in latest[info.id].items()}
            active = {a for (f, a) in open_ if f == info.id}
            for d in rules.evaluate(info.crop, info.stage, info.soil, values, active):
                key = (info.id, d.alarm_type)
                state[key], action = gate(state.get(key, Gate()), d.severity is not None,
                                          d.clear, t, rules.timing_of(d.alarm_type))
                if action == "raise" and key not in open_:
                    open_[key] = t
                elif action == "clear" and key in open_:
                    out[d.alarm_type].append((open_.pop(key), t))
        t += interval_s
    for (_, alarm_type), start in open_.items():
        out[alarm_type].append((start, t))          # still active at the end
    return out


def main() -> None:
    """Print the figures."""
    p = argparse.ArgumentParser()
    p.add_argument("--interval", type=float, default=1.0)
    p.add_argument("--minutes", type=float, default=60.0)
    a = p.parse_args()
    for horizon in (15.0, a.minutes):
        eps = run(a.interval, horizon)
        for alarm_type, spans in sorted(eps.items()):
            d = [e - s for s, e in spans]
            print(f"{horizon:>5.0f} min  {alarm_type:16s} episodes {len(d):3d}  "
                  f"shortest {min(d):7.0f} s  median {statistics.median(d):7.0f} s")


if __name__ == "__main__":
    main()
