"""Crowd-counting material for bench/tourism_counting.py: the split and cached model outputs.

Material: /work/shared/testdata/crowd_counting (``$Z5G_TESTDATA``), 106 real images with
head-point ground truth from guohaoyu110/Crowd-Density-Estimation @ 397d176e (80 Mall
frames, CUHK/QMUL; 20 ShanghaiTech Part B and 6 Part A images; research-use datasets).

Split (fixed, deterministic, documented in bench/README.md):

* Mall: frames in time order; the first 40 tune, the last 40 are held out (a temporal
  split: neighbouring frames of one camera are near-duplicates, so interleaving would leak).
* ShanghaiTech A and B separately: images sorted by ground-truth count (ties by file name);
  even ranks tune, odd ranks are held out, so both parts cover the whole range of counts.

Raw model outputs (density maps, detector boxes with scores ≥ 0.20) are cached per image
under ``~/.cache/zezhou5g/work-tourism-counting/`` keyed by the image's SHA-256 and the
model file's SHA-256, so re-running the bench only re-evaluates.
"""

from __future__ import annotations

import csv
import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from zezhou5g.platform import paths
from zezhou5g.vision import PersonDetector, samples
from zezhou5g.vision.density import DensityEstimator, input_size
from zezhou5g.vision.runtime import model_path

RAW_SCORE = 0.20  # detector boxes are cached down to this score; variants filter higher
DENSITY_SIDES = (640, 1024)  # density input long-side caps compared by the bench
# (name, backend, tiles) as bench/models_eval.py and the service configure them
DETECTORS = (("centernet", "centernet", None), ("nanodet", "nanodet", None),
             ("nanodet-2x2", "nanodet", (2, 2)))


@dataclass(frozen=True)
class Sample:
    """One ground-truth image: file path, count, source ('mall', 'shb', 'sha'), split part."""

    path: Path
    count: int
    source: str
    part: str  # "tune" | "held"
    frame: int | None = None  # video frame index (vtest.avi), None for photos

    @property
    def name(self) -> str:
        """Short label: file name, with the frame index for video frames."""
        return self.path.name + (f"#{self.frame}" if self.frame is not None else "")


def material() -> list[Sample]:
    """The 106 images with counts and their fixed split."""
    root = paths.testdata_dir() / "crowd_counting"
    with (root / "counts.csv").open() as f:
        rows = [(r["file"], int(r["count"])) for r in csv.DictReader(f)]
    by_src: dict[str, list[tuple[str, int]]] = {"mall": [], "shb": [], "sha": []}
    for name, n in rows:
        by_src[Path(name).name.split("_")[0]].append((name, n))
    out: list[Sample] = []
    mall = sorted(by_src["mall"])
    for i, (name, n) in enumerate(mall):
        out.append(Sample(root / name, n, "mall", "tune" if i < len(mall) // 2 else "held"))
    for src in ("shb", "sha"):
        for i, (name, n) in enumerate(sorted(by_src[src], key=lambda r: (r[1], r[0]))):
            out.append(Sample(root / name, n, src, "tune" if i % 2 == 0 else "held"))
    # The demo camera's own video (few people): the project's hand counts of vtest.avi,
    # calibration frames tune, evaluation frames are held out (zezhou5g.vision.samples).
    video = samples.vtest_path()
    for idx, n in sorted(samples.VTEST_CALIBRATION_COUNTS.items()):
        out.append(Sample(video, n, "vtest", "tune", idx))
    for idx, c in sorted(samples.VTEST_HAND_COUNTS.items()):
        out.append(Sample(video, c["count"], "vtest", "held", idx))
    return out


def load_image(sample: Sample) -> np.ndarray:
    """The sample's BGR image (a photo, or one decoded video frame)."""
    if sample.frame is not None:
        return samples.read_frames(sample.path, [sample.frame])[sample.frame]
    image = cv2.imread(str(sample.path))
    if image is None:
        raise FileNotFoundError(sample.path)
    return image


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class RawCache:
    """Per-image model outputs, computed once (CPU) and kept as .npz files."""

    def __init__(self, root: Path | None = None) -> None:
        """Use ``root`` (default ``<cache>/work-tourism-counting``)."""
        self.root = root or paths.cache_dir() / "work-tourism-counting"
        self.root.mkdir(parents=True, exist_ok=True)
        self.model_tag = hashlib.sha256("".join(
            _sha(model_path(m)) for m in ("csrnet", "centernet", "nanodet")).encode()
        ).hexdigest()[:12]
        self._density: dict[int, DensityEstimator] = {}
        self._shas: dict[Path, str] = {}
        self._detectors: dict[str, PersonDetector] = {}

    def _file_sha(self, path: Path) -> str:
        if path not in self._shas:
            self._shas[path] = _sha(path)
        return self._shas[path]

    def get(self, sample: Sample) -> dict[str, np.ndarray]:
        """Arrays for one image: ``density<side>`` maps, ``<det>.boxes``/``.scores``, ``ms.*``."""
        frame = "" if sample.frame is None else f"-f{sample.frame}"
        f = self.root / f"{self._file_sha(sample.path)[:16]}{frame}-{self.model_tag}.npz"
        if f.is_file():
            with np.load(f) as z:
                return {k: z[k] for k in z.files}
        image = load_image(sample)
        out: dict[str, np.ndarray] = {}
        done: dict[tuple[int, int], int] = {}
        for side in DENSITY_SIDES:
            size = input_size(image.shape[1], image.shape[0], side)
            if size in done:  # small image: a higher cap gives the same input
                for k in ("ms.density", "density"):
                    out[f"{k}{side}"] = out[f"{k}{done[size]}"]
                continue
            est = self._density.setdefault(side, DensityEstimator(max_side=side))
            t0 = time.perf_counter()
            m = est.estimate(image)
            out[f"ms.density{side}"] = np.array(1e3 * (time.perf_counter() - t0))
            out[f"density{side}"] = m.density
            done[size] = side
        for name, backend, tiles in DETECTORS:
            det = self._detectors.setdefault(name, PersonDetector(
                backend, score_threshold=RAW_SCORE, tiles=tiles))  # type: ignore[arg-type]
            t0 = time.perf_counter()
            r = det.detect([image])[0]
            out[f"ms.{name}"] = np.array(1e3 * (time.perf_counter() - t0))
            out[f"{name}.boxes"], out[f"{name}.scores"] = r.boxes, r.scores
        out["image_wh"] = np.array(image.shape[1::-1])
        tmp = f.with_suffix(".tmp.npz")
        np.savez_compressed(tmp, **out)  # type: ignore[arg-type]
        tmp.replace(f)
        return out


if __name__ == "__main__":
    cache = RawCache()
    for s in material():
        t = time.perf_counter()
        raw = cache.get(s)
        print(f"{s.name:34s} {s.count:5d} {s.part:5s} "
              f"d640={raw['density640'].sum():7.1f} d1024={raw['density1024'].sum():7.1f} "
              f"cn={int((raw['centernet.scores'] >= 0.4).sum()):3d} "
              f"({time.perf_counter() - t:.1f}s)", flush=True)
