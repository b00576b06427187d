"""How good is the tourism forecast? MAE on held-out days of simulated visitor history.

    uv run python bench/tourism_forecast.py [--days 35] [--seed 7]

There is no recorded multi-week history of the scenic areas in this repository, so the history
is simulated — and said so: a zone of capacity 300 with a two-peak day (late morning, mid
afternoon), weekends 1.7× busier, each day's level drawn log-normally (σ 0.25 — a sunny vs a
grey day) and a slow within-day drift (an AR(1) factor, σ 0.1 per hour), counted as Poisson
people each minute between 08:00 and 18:00 local. The first 7 days are warm-up; every later
day is held out in turn: at each whole hour 09:00–16:00 the model sees the 7 days before that
moment (what FlowStore keeps) and the count now, and forecasts the mean count of the hour
starting 1 h and 2 h later. Compared with two baselines: "persistence" (it stays as now) and
"profile" (last week's same hour alone).

Prints MAE in persons and as % of the mean hourly count, per horizon.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services" / "tourism"))

from tourism.domain.forecast import (  # noqa: E402
    Forecaster,
    build_profile,
    hour_of_week,
)

DAY_S = 86400
START = 1_764_518_400                   # Mon 2025-12-01 00:00 local (UTC+8)
CAPACITY = 300


def shape(hour: float) -> float:
    """Share of the day's peak at local ``hour``: peaks at 10:30 and 15:00, closed outside 8–18."""
    if not 8 <= hour < 18:
        return 0.0
    return 0.15 + 0.85 * max(math.exp(-((hour - 10.5) / 1.3) ** 2),
                             0.8 * math.exp(-((hour - 15.0) / 1.5) ** 2))


def simulate(days: int, rng: np.random.Generator) -> np.ndarray:
    """Counts per minute (persons), ``days`` × 1440 from :data:`START`."""
    out = np.zeros(days * 1440)
    for d in range(days):
        weekday = hour_of_week(START + d * DAY_S) // 24
        level = 0.55 * CAPACITY * (1.7 if weekday >= 5 else 1.0) * rng.lognormal(0, 0.25)
        drift = 0.0
        for m in range(1440):
            if m % 60 == 0:
                drift = 0.7 * drift + rng.normal(0, 0.1)
            lam = level * shape(m / 60) * math.exp(drift)
            out[d * 1440 + m] = rng.poisson(lam) if lam > 0 else 0
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--days", type=int, default=35)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    counts = simulate(args.days, rng)
    model = Forecaster()
    errs: dict[str, dict[int, list[float]]] = {k: {1: [], 2: []}
                                               for k in ("blend", "profile", "persistence")}
    actual_all = []
    for d in range(7, args.days):
        for hour in range(9, 17):
            now_m = d * 1440 + hour * 60
            now_s = START + now_m * 60
            hist = [(START + m * 60, float(counts[m])) for m in range(now_m - 7 * 1440, now_m)]
            prof = build_profile(hist)
            current = float(counts[now_m - 5:now_m].mean())   # the smoothed count now
            for h in (1, 2):
                a = float(counts[now_m + h * 60:now_m + (h + 1) * 60].mean())
                mid = h + 0.5
                preds = {"blend": model.forecast(prof, now_s, current, [mid])[0],
                         "profile": prof.at(now_s + mid * 3600, current),
                         "persistence": current}
                for k, p in preds.items():
                    errs[k][h].append(abs(p - a))
                if h == 1:
                    actual_all.append(a)
    mean = float(np.mean(actual_all))
    held = args.days - 7
    print(f"simulated history: {args.days} days (seed {args.seed}), {held} held-out days, "
          f"forecasts at 09:00–16:00 hourly; mean hourly count {mean:.1f} persons "
          f"(capacity {CAPACITY})")
    print(f"{'model':<12} {'MAE +1 h':>10} {'%':>6} {'MAE +2 h':>10} {'%':>6}")
    for k, by_h in errs.items():
        m1, m2 = float(np.mean(by_h[1])), float(np.mean(by_h[2]))
        print(f"{k:<12} {m1:>10.1f} {100 * m1 / mean:>5.1f}% {m2:>10.1f} {100 * m2 / mean:>5.1f}%")


if __name__ == "__main__":
    main()
