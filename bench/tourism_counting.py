"""Tourism crowd counting: detector, density model and the fused count per density band.

    uv run --frozen python bench/tourism_counting.py [--part held|tune|both]

Prints (not a test), per density band (< 20, 20-100, > 100 people per frame): images, mean
count, MAE, MAE as % of the band's mean, and bias (% of the mean), for each method:

* ``centernet`` (one pass, score 0.40: what the tourism service runs), ``nanodet`` (0.35),
  ``nanodet-2x2`` (2x2 tiles, 0.40): detector counts;
* ``density640`` / ``density1024``: CSRNet density integral, input long side 640 / 1024 px;
* ``fused``: tourism/domain/counting.py: detector unless the density map exceeds it by more
  than the background floor (640-px map), density640 recomputed at 1024 px when it reaches
  ``dense_count``.

The fusion parameter ``background_per_cell`` is chosen here on the TUNE part only (the value
with the lowest worst-band MAE %); the held-out part is reported with that choice.  Then the
CPU time per frame of each model (mean over the material, this machine, as cached).

Material and split: bench/tourism_counting_data.py (106 crowd_counting images + 17
hand-counted vtest.avi frames).  Raw model outputs are cached under
``~/.cache/zezhou5g/work-tourism-counting/``; the first run computes them (~10 min on 2 cores).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from functools import partial

import numpy as np
from tourism.domain.counting import FusionRule, fuse_count
from tourism_counting_data import RawCache, Sample, material

BANDS = (("<20", 0, 20), ("20-100", 20, 101), (">100", 101, 10**9))
DETECTOR_SCORES = {"centernet": 0.40, "nanodet": 0.35, "nanodet-2x2": 0.40}
SERVICE_DETECTOR = "centernet"
BASE_SIDE, DENSE_SIDE = 640, 1024
CANDIDATES = (0.0025, 0.0029, 0.0033, 0.0037, 0.0042)  # background people per 8x8-px cell

Raw = dict[str, np.ndarray]


def detector_count(raw: Raw, name: str) -> int:
    """People the detector variant finds (cached boxes filtered at its score threshold)."""
    return int((raw[f"{name}.scores"] >= DETECTOR_SCORES[name]).sum())


def fused(raw: Raw, rule: FusionRule) -> float:
    """Whole-frame fused count, as the service computes it for a zone covering the frame."""
    base = raw[f"density{BASE_SIDE}"]
    density = float(base.sum())
    if density >= rule.dense_count:
        density = float(raw[f"density{DENSE_SIDE}"].sum())
    return fuse_count(detector_count(raw, SERVICE_DETECTOR), density, base.size, rule).count


def methods(rule: FusionRule) -> dict[str, Callable[[Raw], float]]:
    """Method name → whole-frame count function."""
    out: dict[str, Callable[[Raw], float]] = {
        name: partial(_det, name=name) for name in DETECTOR_SCORES}
    for side in (BASE_SIDE, DENSE_SIDE):
        out[f"density{side}"] = partial(_density, side=side)
    out["fused"] = partial(fused, rule=rule)
    return out


def _det(raw: Raw, name: str) -> float:
    return float(detector_count(raw, name))


def _density(raw: Raw, side: int) -> float:
    return float(raw[f"density{side}"].sum())


def band_stats(pairs: list[tuple[float, int]]) -> dict[str, dict[str, float]]:
    """Per band: n, mean, mae, mae_pct, bias_pct from (estimate, truth) pairs."""
    out = {}
    for name, lo, hi in BANDS:
        sel = np.array([(e, t) for e, t in pairs if lo <= t < hi], dtype=float).reshape(-1, 2)
        if not len(sel):
            continue
        err = sel[:, 0] - sel[:, 1]
        mean = sel[:, 1].mean()
        mae = float(np.abs(err).mean())
        out[name] = {"n": len(sel), "mean": mean, "mae": mae, "mae_pct": 100 * mae / mean,
                     "bias_pct": 100 * float(err.mean()) / mean}
    return out


def evaluate(data: list[tuple[Sample, Raw]], part: str,
             fn: Callable[[Raw], float]) -> dict[str, dict[str, float]]:
    """Band statistics of one method on one split part."""
    return band_stats([(fn(raw), s.count) for s, raw in data if s.part == part])


def choose_rule(data: list[tuple[Sample, Raw]]) -> tuple[FusionRule, list[tuple[float, float]]]:
    """background_per_cell with the lowest worst-band MAE % on the tune part."""
    scores = []
    for b in CANDIDATES:
        rule = FusionRule(background_per_cell=b)
        stats = evaluate(data, "tune", partial(fused, rule=rule))
        scores.append((max(v["mae_pct"] for v in stats.values()), b))
    best = min(scores)[1]
    return FusionRule(background_per_cell=best), [(b, w) for w, b in scores]


def print_table(data: list[tuple[Sample, Raw]], part: str, rule: FusionRule) -> None:
    """The per-band table of every method on one part."""
    n = sum(1 for s, _ in data if s.part == part)
    print(f"\n{part.upper()} part ({n} images): band  n  mean  |  MAE  MAE%  bias%")
    print(f"{'method':12s}" + "".join(f"{b:>28s}" for b, _, _ in BANDS))
    for name, fn in methods(rule).items():
        stats = evaluate(data, part, fn)
        cells = []
        for band, _, _ in BANDS:
            v = stats.get(band)
            cells.append(f"{v['n']:3d} {v['mean']:6.0f} |{v['mae']:6.1f} {v['mae_pct']:5.1f}"
                         f" {v['bias_pct']:+6.1f}" if v else f"{'-':>28s}")
        print(f"{name:12s}" + "".join(f"{c:>28s}" for c in cells))


def main() -> int:
    """Run the bench."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--part", choices=("held", "tune", "both"), default="both")
    args = ap.parse_args()
    cache = RawCache()
    data = [(s, cache.get(s)) for s in material()]
    rule, scores = choose_rule(data)
    print("fusion background_per_cell chosen on TUNE (worst-band MAE %): " + ", ".join(
        f"{b:.4f}→{w:.1f}%" for b, w in scores) + f"  ⇒ {rule.background_per_cell:.4f}")
    for part in (("tune", "held") if args.part == "both" else (args.part,)):
        print_table(data, part, rule)
    print("\nCPU ms per frame (mean over the material, as measured when cached; 2 cores):")
    for key in ("centernet", "nanodet", "nanodet-2x2", f"density{BASE_SIDE}",
                f"density{DENSE_SIDE}"):
        ms = [float(raw[f"ms.{key}"]) for _, raw in data]
        print(f"  {key:12s} {np.mean(ms):7.0f} ms  (median {np.median(ms):.0f})")
    dense = sum(1 for _, r in data if r[f"density{BASE_SIDE}"].sum() >= rule.dense_count)
    print(f"  fused = centernet + density{BASE_SIDE}, + density{DENSE_SIDE} on the {dense} "
          f"of {len(data)} frames whose density count reaches {rule.dense_count:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
