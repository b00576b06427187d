"""Face detection with MediaPipe BlazeFace (back-camera model, 256x256, 896 anchors).

Pre/post-processing (re-implemented from the model's published design):
the image is letterboxed to 256x256 RGB scaled to [-1, 1]; for every anchor
(16x16 grid x 2 at stride 16, then 8x8 x 6 at stride 32, centres at cell
middles) the model gives a logit and 16 regressors: box centre offset (2),
box size (2) and 6 keypoints (12), all in input pixels relative to the anchor
centre.  Overlapping candidates are merged with MediaPipe-style weighted NMS
(score-weighted average of the overlapping boxes and keypoints), which gives
steadier landmarks than plain NMS.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .imageops import Letterbox, check_image, letterbox_rgb, pairwise_overlap
from .results import FaceDetections
from .runtime import OnnxModel, load_model

INPUT_SIZE = 256
N_KEYPOINTS = 6


def _anchors(size: int = INPUT_SIZE) -> np.ndarray:
    """(896, 2) anchor centres in input pixels, in the order of the model outputs."""
    out = []
    for stride, per_cell in ((16, 2), (32, 6)):
        n = size // stride
        ys, xs = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
        centres = np.stack([(xs + 0.5) * stride, (ys + 0.5) * stride], -1).reshape(-1, 2)
        out.append(np.repeat(centres, per_cell, axis=0))
    return np.concatenate(out).astype(np.float32)


class FaceDetector:
    """BlazeFace face detector.

    Args:
        score_threshold: minimum face confidence in [0, 1].
        iou_threshold: candidates overlapping more than this are merged.
        max_faces: keep at most this many faces per image (highest scores).
        device: "auto" / "cpu" / "cuda" (None = $Z5G_INFERENCE_DEVICE).
    """

    def __init__(self, *, score_threshold: float = 0.6, iou_threshold: float = 0.3,
                 max_faces: int = 20, device: str | None = None) -> None:
        """Load the model (shared session per process)."""
        self.score_threshold = score_threshold
        self.iou_threshold = iou_threshold
        self.max_faces = max_faces
        self.model: OnnxModel = load_model("blazeface", device)
        self.anchors = _anchors()
        # Output names differ only by suffix; pick them by shape.
        outs = {o.name: o.shape for o in self.model.session.get_outputs()}
        self._score_names = sorted((n for n, s in outs.items() if s[-1] == 1),
                                   key=lambda n: -int(outs[n][1]))
        self._reg_names = sorted((n for n, s in outs.items() if s[-1] == 16),
                                 key=lambda n: -int(outs[n][1]))

    def detect(self, images: Sequence[np.ndarray]) -> list[FaceDetections]:
        """Detect faces in each HxWx3 uint8 BGR image; one FaceDetections per image."""
        inputs, maps = [], []
        for img in images:
            rgb, lb = letterbox_rgb(check_image(img), INPUT_SIZE)
            assert isinstance(lb, Letterbox)
            inputs.append(rgb.astype(np.float32) / 127.5 - 1.0)
            maps.append(lb)
        if not inputs:
            return []
        names = self._score_names + self._reg_names
        outs = dict(zip(names, self.model.run(np.stack(inputs), names), strict=True))
        results = []
        for i, lb in enumerate(maps):
            logits = np.concatenate([outs[n][i, :, 0] for n in self._score_names])
            regs = np.concatenate([outs[n][i] for n in self._reg_names])
            results.append(self._decode(logits, regs, lb))
        return results

    def _decode(self, logits: np.ndarray, regs: np.ndarray, lb: Letterbox) -> FaceDetections:
        scores = 1.0 / (1.0 + np.exp(-np.clip(logits, -80.0, 80.0)))
        idx = np.nonzero(scores >= self.score_threshold)[0]
        if idx.size == 0:
            return FaceDetections()
        a = self.anchors[idx]
        r = regs[idx]
        centre = a + r[:, 0:2]
        half = r[:, 2:4] / 2.0
        boxes = np.concatenate([centre - half, centre + half], axis=1)
        kps = r[:, 4:16].reshape(-1, N_KEYPOINTS, 2) + a[:, None, :]
        boxes, kps, s = self._weighted_nms(boxes, kps, scores[idx])
        boxes = lb.to_image(boxes.reshape(-1, 2, 2)).reshape(-1, 4)
        kps = lb.to_image(kps)
        return FaceDetections(boxes=boxes.astype(np.float32), scores=s.astype(np.float32),
                              landmarks=kps.astype(np.float32))

    def _weighted_nms(self, boxes: np.ndarray, kps: np.ndarray,
                      scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        order = np.argsort(-scores, kind="stable")
        iou, _ = pairwise_overlap(boxes, boxes)
        used = np.zeros(len(scores), dtype=bool)
        out_b, out_k, out_s = [], [], []
        for i in order:
            if used[i]:
                continue
            group = np.nonzero((iou[i] > self.iou_threshold) & ~used)[0]
            used[group] = True
            w = scores[group][:, None]
            out_b.append((boxes[group] * w).sum(0) / w.sum())
            out_k.append((kps[group] * w[:, :, None]).sum(0) / w.sum())
            out_s.append(scores[i])
            if len(out_s) >= self.max_faces:
                break
        return np.array(out_b), np.array(out_k), np.array(out_s)
