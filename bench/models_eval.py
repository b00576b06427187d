"""Accuracy and latency of the vision models on real pixels (prints figures; not a test).

    uv run python bench/models_eval.py [--runs 20] [--json out.json]

1. People counting: mean absolute error of the count vs hand counts on
   OpenCV's vtest.avi (Debian opencv-doc; frames and counts in
   zezhou5g.vision.samples.VTEST_HAND_COUNTS -- thresholds were chosen on the
   disjoint VTEST_CALIBRATION_COUNTS frames) and on shared/testdata photos
   (PHOTO_HAND_COUNTS).
2. Face verification on faces_ageitgey (ageitgey/face_recognition @
   2e2dccea9dd0ce730c8d464d0f67c6eebb40c9d1, MIT): all pairs of face images,
   ROC AUC, the threshold at FAR <= 1%, FRR there, and every pair on the
   wrong side of it.  Byte-identical files count once; pairs of the same
   source photo (obama.jpg and its 240p..1080p/small re-encodes) are left
   out of the genuine pairs because they are not independent photos.
3. Latency: per model, batch 1, median of --runs runs after 3 warm-ups, on
   CPU and -- when onnxruntime offers it -- CUDA.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import onnxruntime as ort
from zezhou5g.platform import paths
from zezhou5g.vision import (
    DEFAULT_MATCH_THRESHOLD,
    FaceDetections,
    FaceDetector,
    FaceEmbedder,
    OnnxModel,
    PersonDetector,
    samples,
)

ROOT = Path(__file__).resolve().parents[1]
SAME_SOURCE = {  # re-encodes/crops of one photo: not independent genuine pairs
    "examples/knn_examples/train/obama/obama.jpg", "examples/obama-240p.jpg",
    "examples/obama-480p.jpg", "examples/obama-720p.jpg", "examples/obama-1080p.jpg",
    "examples/obama_small.jpg"}
# Two-person photos: identities left to right, from looking at the photos.
MULTI_FACE = {
    "examples/knn_examples/test/kit_with_rose.jpg": ["rose_leslie", "kit_harington"],
    "examples/knn_examples/test/obama_and_biden.jpg": ["biden", "obama"],
}


def people_counts() -> dict:
    frames = samples.read_frames(samples.vtest_path(), list(samples.VTEST_HAND_COUNTS))
    td = paths.testdata_dir(ROOT)
    photos = {p: samples.imread(td / p) for p in samples.PHOTO_HAND_COUNTS}
    print("\n== People counting: |count - hand count| ==")
    print(f"vtest.avi frames {sorted(frames)}, hand counts "
          f"{[samples.VTEST_HAND_COUNTS[i]['count'] for i in sorted(frames)]}")
    out = {}
    configs = [("centernet", None), ("nanodet", None), ("centernet", (2, 2)), ("nanodet", (2, 2))]
    for backend, tiles in configs:
        det = PersonDetector(backend, tiles=tiles)
        name = backend + (" tiled 2x2" if tiles else "")
        vc = {i: len(det.detect([f])[0]) for i, f in frames.items()}
        verr = [abs(vc[i] - samples.VTEST_HAND_COUNTS[i]["count"]) for i in sorted(vc)]
        line = f"{name:20s} thr {det.score_threshold:.2f}  vtest MAE {np.mean(verr):.2f} " \
               f"counts {[vc[i] for i in sorted(vc)]}"
        entry = {"threshold": det.score_threshold, "vtest_mae": float(np.mean(verr)),
                 "vtest_counts": vc}
        if not tiles:  # tiling is for wide shots; close-up photos are not its use
            pc = {p: len(det.detect([im])[0]) for p, im in photos.items()}
            perr = [abs(pc[p] - samples.PHOTO_HAND_COUNTS[p]) for p in pc]
            wrong = {Path(p).name: (pc[p], samples.PHOTO_HAND_COUNTS[p])
                     for p in pc if pc[p] != samples.PHOTO_HAND_COUNTS[p]}
            line += f"  | photos MAE {np.mean(perr):.2f} ({len(pc)} photos; wrong: {wrong or 0})"
            entry.update(photo_mae=float(np.mean(perr)), photo_wrong=wrong)
        print(line)
        out[name] = entry
    return out


def face_items(detector: FaceDetector) -> list[tuple[str, str, np.ndarray, FaceDetections, int]]:
    """(label, identity, image, faces, face index) for every labelled face."""
    base = paths.testdata_dir(ROOT) / "faces_ageitgey"
    seen: set[str] = set()
    items = []
    singles = samples.single_identity_faces(paths.testdata_dir(ROOT))
    for rel, ident in [*singles.items(), *((r, "") for r in MULTI_FACE)]:
        digest = hashlib.sha256((base / rel).read_bytes()).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        img = samples.imread(base / rel)
        faces = detector.detect([img])[0]
        if rel in MULTI_FACE:
            big = np.argsort(-(faces.boxes[:, 2] - faces.boxes[:, 0]))[:2]
            for k, idx in enumerate(sorted(big, key=lambda j: faces.boxes[j, 0])):
                items.append((f"{Path(rel).name}#{k}", MULTI_FACE[rel][k], img, faces, int(idx)))
        elif len(faces) == 0:
            print(f"  no face found in {rel}")
        else:
            idx = int(np.argmax(faces.boxes[:, 2] - faces.boxes[:, 0]))
            items.append((rel, ident, img, faces, idx))
    return items


def roc_auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """Probability a genuine pair scores above an impostor pair (ties count half)."""
    greater = (pos[:, None] > neg[None, :]).mean()
    ties = (pos[:, None] == neg[None, :]).mean()
    return float(greater + 0.5 * ties)


def face_verification() -> dict:
    detector = FaceDetector()
    embedder = FaceEmbedder(detector)
    items = face_items(detector)
    vecs = {}
    for label, _, img, faces, idx in items:
        one = FaceDetections(boxes=faces.boxes[idx:idx + 1], scores=faces.scores[idx:idx + 1],
                             landmarks=faces.landmarks[idx:idx + 1])
        vecs[label] = embedder.embed_faces(img, one).vectors[0]
    pos, neg = [], []
    for (la, ia, *_), (lb, ib, *_) in itertools.combinations(items, 2):
        if la in SAME_SOURCE and lb in SAME_SOURCE:
            continue
        s = float(vecs[la] @ vecs[lb])
        (pos if ia == ib else neg).append((s, la, lb))
    ps = np.array([p[0] for p in pos])
    ns = np.array([n[0] for n in neg])
    allowed = int(np.floor(0.01 * len(ns)))  # false accepts permitted at FAR <= 1%
    ranked = np.sort(ns)[::-1]
    thr = float(ranked[allowed]) + 1e-6  # the (allowed+1)-th highest impostor is rejected
    far = float((ns >= thr).mean())
    frr = float((ps < thr).mean())
    print(f"\n== Face verification (BlazeFace -> aligned crop -> {embedder.model.name}, cosine) ==")
    print(f"{len(items)} faces of {len({i[1] for i in items})} people; "
          f"{len(ps)} same-identity pairs, {len(ns)} different-identity pairs")
    print(f"ROC AUC {roc_auc(ps, ns):.4f}")
    print(f"same-identity similarity min/median {ps.min():.3f}/{np.median(ps):.3f}; "
          f"different max/median {ns.max():.3f}/{np.median(ns):.3f}")
    print(f"threshold at FAR <= 1%: {thr:.3f} (FAR {far:.2%}, FRR {frr:.2%})")
    for s, a, b in sorted(p for p in pos if p[0] < thr):
        print(f"  same person BELOW threshold: {s:.3f} {a} ~ {b}")
    for s, a, b in sorted((n for n in neg if n[0] >= thr), reverse=True):
        print(f"  different people ABOVE threshold: {s:.3f} {a} ~ {b}")
    lib_far, lib_frr = float((ns >= DEFAULT_MATCH_THRESHOLD).mean()), float(
        (ps < DEFAULT_MATCH_THRESHOLD).mean())
    print(f"library DEFAULT_MATCH_THRESHOLD {DEFAULT_MATCH_THRESHOLD:.3f}: FAR {lib_far:.2%}, "
          f"FRR {lib_frr:.2%}")
    return {"faces": len(items), "pos": len(ps), "neg": len(ns), "auc": roc_auc(ps, ns),
            "threshold_far1": thr, "far": far, "frr": frr,
            "default_threshold": DEFAULT_MATCH_THRESHOLD, "default_far": lib_far,
            "default_frr": lib_frr}


def median_ms(fn: Callable[[], object], runs: int) -> float:
    for _ in range(3):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


MODEL_INPUTS = {"centernet": (512, 512, 3, 255.0), "nanodet": (3, 416, 416, 1.0),
                "blazeface": (256, 256, 3, 1.0), "faceres": (224, 224, 3, 255.0),
                "sface": (3, 112, 112, 255.0),
                "facemesh": (192, 192, 3, 1.0), "antispoof": (128, 128, 3, 1.0),
                "liveness": (32, 32, 3, 1.0)}


def latency(runs: int, device: str) -> dict:
    rng = np.random.default_rng(0)
    out = {}
    print(f"\n== Latency on {device.upper()} (batch 1, median of {runs} runs) ==")
    for name, (*shape, hi) in MODEL_INPUTS.items():
        model = OnnxModel(name, device=device)
        x = rng.uniform(0, hi, size=(1, *shape)).astype(np.float32)
        out[name] = median_ms(lambda m=model, x=x: m.run(x), runs)
        print(f"{name:10s} {out[name]:8.1f} ms   ({model.providers[0]})")
    frame = samples.read_frames(samples.vtest_path(), [100])[100]
    faces = paths.testdata_dir(ROOT) / "faces_ageitgey"
    photo = samples.imread(faces / "tests/test_images/obama.jpg")
    pipelines: dict[str, Callable[[], object]] = {}
    for backend in ("centernet", "nanodet"):
        det = PersonDetector(backend, device=device)
        pipelines[f"people {backend} 768x576"] = lambda d=det: d.detect([frame])
    tiled = PersonDetector("centernet", tiles=(2, 2), device=device)
    pipelines["people centernet tiled 2x2"] = lambda: tiled.detect([frame])
    emb = FaceEmbedder(FaceDetector(device=device), device=device)
    pipelines["face detect+align+embed"] = lambda: emb.embed_images([photo])
    for name, fn in pipelines.items():
        out[name] = median_ms(fn, runs)
        print(f"{name:28s} {out[name]:8.1f} ms")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    print(f"onnxruntime {ort.__version__}, providers {ort.get_available_providers()}, "
          f"{platform.processor() or platform.machine()}")
    result = {"people": people_counts(), "faces": face_verification(),
              "latency_cpu_ms": latency(args.runs, "cpu")}
    if "CUDAExecutionProvider" in ort.get_available_providers():
        result["latency_cuda_ms"] = latency(args.runs, "cuda")
    else:
        print("\n(CUDAExecutionProvider not available: no CUDA latency)")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=str) + "\n")


if __name__ == "__main__":
    main()
