"""Gate decision latency, server side, for 1:1 and 1:N (prints figures; not a test).

    uv run python bench/transport_gate.py [--runs 200] [--sizes 1000,10000,100000] [--threads 1]

What is timed is the work the transport service does in ``Gates.decide`` once the frames are
in memory, with the service's own classes (transport.adapters.vision.FacePipeline,
transport.domain.gallery.Gallery, transport.domain.decision):

* **match stage** -- decode the gate camera's JPEG frames used for the probe (3), detect, align
  and embed them, average; then 1:1 (one dot product with the ticket holder's template) or 1:N
  (search of the departure-window gallery) and the decision rules. This is the per-decision
  cost once the liveness challenge has been followed frame by frame.
* **liveness** -- the challenge over the whole head-turn sequence (33 frames at 15 fps), per
  frame and per sequence: the kiosk streams frames while the passenger moves, so this cost is
  spread over the 2-3 s the passenger takes to perform it.

Probe: real frames of short_hamilton_clip.mp4 (faces_ageitgey, ageitgey/face_recognition @
2e2dccea9dd0ce730c8d464d0f67c6eebb40c9d1, MIT), enrolled from the clip's frame 88 (the photo a
station kiosk takes; attack_samples.enrolment_photo). Gallery: that real template plus
synthetic embeddings (unit norm, drawn around the mean of real embeddings of other people;
their median cosine with the probe is printed) for 1k, 10k and 100k identities, all in the
departure window.

Decisions per second per CPU core = decisions / process CPU seconds, run single-threaded
(``Z5G_INTRA_OP_THREADS=1`` and one BLAS thread, set below unless --threads says otherwise).
"""

from __future__ import annotations

import argparse
import os
import sys
import time


def _threads() -> int:
    for i, a in enumerate(sys.argv):
        if a == "--threads" and i + 1 < len(sys.argv):
            return int(sys.argv[i + 1])
        if a.startswith("--threads="):
            return int(a.split("=", 1)[1])
    return 1


_T = str(_threads())
for _v in ("Z5G_INTRA_OP_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, _T)
os.environ.setdefault("Z5G_INFERENCE_DEVICE", "cpu")

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from transport.adapters.vision import FacePipeline, decode  # noqa: E402
from transport.domain.decision import decide_1to1, decide_1ton  # noqa: E402
from transport.domain.gallery import Gallery, GalleryEntry  # noqa: E402
from transport.domain.thresholds import StationPolicy  # noqa: E402
from zezhou5g.platform.paths import testdata_dir  # noqa: E402
from zezhou5g.vision.attack_samples import enrolment_photo  # noqa: E402

STATION = "zezhou-hsr"
DEP = 1_800_000_000.0  # departure of every gallery entry, epoch s (inside the search window)


def clip_jpegs() -> tuple[list[bytes], list[float]]:
    """Frames 95..160 step 2 of the clip as JPEG (quality 90) and their times in seconds."""
    cap = cv2.VideoCapture(str(testdata_dir() / "faces_ageitgey/examples/short_hamilton_clip.mp4"))
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    out, times, i = [], [], 0
    while i <= 160:
        ok, frame = cap.read()
        if not ok:
            break
        if i >= 95 and (i - 95) % 2 == 0:
            out.append(cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes())
            times.append((i - 95) / fps)
        i += 1
    cap.release()
    return out, times


def synthetic(n: int, mean: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``n`` unit vectors scattered around ``mean`` (impostor-like; the table prints their
    median cosine with the probe, to compare with the real impostor median, ~0.08 for SFace)."""
    x = mean[None, :] + rng.normal(0, 1.0, (n, mean.size)).astype(np.float32) * mean.std() * 1.6
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def pct(xs: list[float], q: float) -> float:
    """q-th percentile (0..100) of ``xs``."""
    return float(np.percentile(np.asarray(xs), q))


def main() -> None:
    """Run the benchmark and print a table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--liveness-runs", type=int, default=5)
    args = ap.parse_args()
    td = testdata_dir()
    pipe = FacePipeline(device="cpu")
    pipe.warm_up()
    jpegs, times = clip_jpegs()
    frames = [decode(b) for b in jpegs]
    live = pipe.liveness(frames, times, "turn_right", 30.0)
    assert live.passed, live.reasons
    pick = [live.frontal[round(j)] for j in np.linspace(0, len(live.frontal) - 1, 3)]
    enrol_img = decode(enrolment_photo(td))  # as a station kiosk took it
    _, template = pipe.photo_faces(enrol_img)
    real = [pipe.photo_faces(decode(p.read_bytes()))[1] for p in sorted(
        (td / "faces_ageitgey/examples/knn_examples/train").rglob("*.jp*g"))]
    mean = np.mean([v for v in real if v.size], axis=0).astype(np.float32)
    policy = StationPolicy()
    rng = np.random.default_rng(0)

    def match_stage() -> np.ndarray:
        imgs = {i: decode(jpegs[i]) for i in pick}
        probe, _ = pipe.probe([imgs.get(i, frames[0]) for i in range(len(jpegs))], pick)
        assert probe is not None
        return probe

    print(f"threads={args.threads}  runs={args.runs}  cpu={os.cpu_count()} cores visible")
    print(f"{'mode':<12}{'gallery':>9}{'p50 ms':>9}{'p99 ms':>9}{'search p50':>12}"
          f"{'dec/s/core':>12}  outcome")
    rows: list[tuple[str, int]] = [("1:1", 1)] + [("1:N", int(s)) for s in args.sizes.split(",")]
    for mode, size in rows:
        gallery = Gallery(capacity=max(1024, size + 1))
        if mode == "1:N":
            vecs = synthetic(size - 1, mean, rng)
            entries = [GalleryEntry(f"s{i}", f"T{i}", STATION, DEP) for i in range(size - 1)]
            gallery.add_many(entries, vecs)
        gallery.add(GalleryEntry("lin", "T-lin", STATION, DEP), template)
        for _ in range(3):
            match_stage()
        lat, search, outcomes = [], [], set()
        cpu0 = time.process_time()
        for _ in range(args.runs):
            t0 = time.perf_counter()
            probe = match_stage()
            t1 = time.perf_counter()
            if mode == "1:1":
                tv = gallery.vector("lin")
                assert tv is not None
                d = decide_1to1(float(probe @ tv), "T-lin", "lin", policy)
            else:
                cands, n = gallery.search(probe, STATION, DEP - 60, DEP + 60)
                d = decide_1ton(cands, n, policy)
            t2 = time.perf_counter()
            lat.append((t2 - t0) * 1000)
            search.append((t2 - t1) * 1000)
            outcomes.add(f"{d.outcome}/{d.enrolment_id or '-'} {d.score:.3f}>={d.threshold:.3f}")
        cpu = time.process_time() - cpu0
        others = f"  synthetic~probe median {np.median(vecs @ probe):.3f}" if mode == "1:N" else ""
        print(f"{mode:<12}{size:>9,}{pct(lat, 50):>9.1f}{pct(lat, 99):>9.1f}"
              f"{pct(search, 50):>12.2f}{args.runs / cpu:>12.1f}  {', '.join(sorted(outcomes))}"
              f"{others}")

    per_seq = []
    cpu0 = time.process_time()
    for _ in range(args.liveness_runs):
        t0 = time.perf_counter()
        assert pipe.liveness([decode(b) for b in jpegs], times, "turn_right", 30.0).passed
        per_seq.append((time.perf_counter() - t0) * 1000)
    cpu = time.process_time() - cpu0
    n = len(jpegs)
    print(f"liveness     {n} frames: p50 {pct(per_seq, 50):.0f} ms per sequence, "
          f"{pct(per_seq, 50) / n:.1f} ms per frame, "
          f"{args.liveness_runs / cpu:.2f} sequences/s/core")


if __name__ == "__main__":
    main()
