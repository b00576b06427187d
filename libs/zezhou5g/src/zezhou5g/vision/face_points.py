"""Five face landmarks (eye centres, nose tip, mouth corners) for SFace's alignment.

SFace was trained on crops aligned by five points: both eyes, the nose tip and the two mouth
corners. BlazeFace gives eye centres, nose and one mouth *centre*, so the 4-point alignment
(``face_align.ARCFACE_TEMPLATE``) places the mouth only roughly and cannot see it tilt.
YuNet (OpenCV Zoo, MIT; ``models/manifest.json`` → ``yunet``) predicts exactly the five
points. It runs here as a refiner, not as a second detector: each BlazeFace face is first
warped upright at half the ArcFace scale into a small square (``CONTEXT_SIDE`` px, the face
in the middle half), YuNet runs on that square, its most confident face near the centre gives
the five points, mapped back to the image. Cost: ~1 ms per face on one CPU core.

Measured by ``bench/transport_calibrate.py`` (351 real photos, 54 people, cross-validated by
identity; bench/README.md): SFace's held-out FRR at FAR 1e-3 falls from 4.8 % (4 points) to
1.0 %, East Asian pairs 2.4 % → 1.9 %.

Decoding (YuNet 2023mar, from its published design): for each stride s of 8, 16, 32 the
outputs hold one anchor per cell of an (H/s) x (W/s) grid, row-major; score =
sqrt(cls · obj); landmark k = ((col, row) + kps[2k:2k+2]) · s; box centre likewise from
bbox[0:2], size exp(bbox[2:4]) · s.
"""

from __future__ import annotations

import cv2
import numpy as np

from .face_align import ALIGN_KEYPOINTS, ARCFACE_TEMPLATE, similarity_transform
from .runtime import OnnxModel, load_model

CONTEXT_SIDE = 160  # px, a multiple of 32 (YuNet's largest stride)
CONTEXT_SCALE = 0.5  # the ArcFace crop's face at half size: the face fills the middle half
MIN_SCORE = 0.5
STRIDES = (8, 16, 32)

# The ArcFace / InsightFace 112x112 5-point template (``arcface_dst``): image-left eye,
# image-right eye, nose tip, image-left mouth corner, image-right mouth corner, pixels.
ARCFACE5_TEMPLATE = np.array(
    [[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655],
     [70.7299, 92.2041]], dtype=np.float32) / 112.0


class FacePoints:
    """YuNet's five landmarks for faces already found (by BlazeFace).

    Args:
        device: "auto" / "cpu" / "cuda" (None = $Z5G_INFERENCE_DEVICE).
        min_score: YuNet confidence below which a face's points are not trusted.
    """

    def __init__(self, *, device: str | None = None, min_score: float = MIN_SCORE) -> None:
        """Load the YuNet session (shared per process)."""
        self.model: OnnxModel = load_model("yunet", device)
        self.min_score = min_score
        side = CONTEXT_SIDE
        self._to_context = ((ARCFACE_TEMPLATE - 0.5) * CONTEXT_SCALE + 0.5) * side
        # Where the face's centre lands in the context square (eyes/mouth midpoint).
        self._centre = self._to_context.mean(0)
        self._grids = {s: np.divmod(np.arange((side // s) ** 2), side // s) for s in STRIDES}

    def locate(self, image_bgr: np.ndarray, landmarks: np.ndarray) -> list[np.ndarray | None]:
        """Five points (5, 2) in image pixels per face, or None where YuNet is not sure.

        Args:
            image_bgr: HxWx3 uint8 BGR image.
            landmarks: (N, 6, 2) BlazeFace keypoints (or (N, 4, 2) in ALIGN_KEYPOINTS order).
        """
        if len(landmarks) == 0:
            return []
        side = CONTEXT_SIDE
        warps, crops = [], []
        for lm in landmarks:
            pts = lm[list(ALIGN_KEYPOINTS)] if len(lm) == 6 else lm
            m = similarity_transform(pts, self._to_context)
            warps.append(m)
            crops.append(cv2.warpAffine(image_bgr, m, (side, side), flags=cv2.INTER_LINEAR,
                                        borderMode=cv2.BORDER_CONSTANT))
        x = np.stack(crops).transpose(0, 3, 1, 2).astype(np.float32)
        outs = dict(zip(self.model.output_names, self.model.run(x), strict=True))
        return [self._best(outs, i, warps[i]) for i in range(len(crops))]

    def _best(self, outs: dict[str, np.ndarray], i: int, warp: np.ndarray) -> np.ndarray | None:
        best, best_score = None, self.min_score
        reach = 0.4 * CONTEXT_SCALE * CONTEXT_SIDE  # the face's centre must be near the middle
        for s in STRIDES:
            score = np.sqrt(np.clip(outs[f"cls_{s}"][i, :, 0], 0, 1)
                            * np.clip(outs[f"obj_{s}"][i, :, 0], 0, 1))
            row, col = self._grids[s]
            cx = (col + outs[f"bbox_{s}"][i, :, 0]) * s
            cy = (row + outs[f"bbox_{s}"][i, :, 1]) * s
            near = np.hypot(cx - self._centre[0], cy - self._centre[1]) <= reach
            cand = np.nonzero(near & (score >= best_score))[0]
            if len(cand):
                k = int(cand[np.argmax(score[cand])])
                best_score = float(score[k])
                kp = outs[f"kps_{s}"][i, k].reshape(5, 2)
                best = (np.stack([col[k] + kp[:, 0], row[k] + kp[:, 1]], axis=1) * s)
        if best is None:
            return None
        inv = cv2.invertAffineTransform(warp)
        return (best @ inv[:, :2].T + inv[:, 2]).astype(np.float32)


__all__ = ["ARCFACE5_TEMPLATE", "CONTEXT_SIDE", "FacePoints"]
