"""MediaPipe FaceMesh (468 landmarks) on BlazeFace detections, plus eye/head geometry.

The face is cut out as a square 1.4x the detector box (the framing used by
the model's reference pipeline), rotated so the eyes are level, resized to
192x192 RGB in 0..1.  The model returns 468 (x, y, z) points in crop pixels
and a face-presence probability; points are mapped back to image pixels.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from .imageops import check_image
from .results import FaceDetections, FaceMeshResult
from .runtime import OnnxModel, load_model

INPUT_SIZE = 192
CROP_SCALE = 1.4

# Eye-aspect-ratio landmarks (p1..p6 of Soukupova & Cech 2016) on the mesh.
# "Right" = subject's right eye (image left for a frontal face).
RIGHT_EYE = (33, 160, 158, 133, 153, 144)
LEFT_EYE = (362, 385, 387, 263, 373, 380)
# Face-contour points at the cheeks (image left / image right) and nose tip.
CHEEK_IMAGE_LEFT, CHEEK_IMAGE_RIGHT, NOSE_TIP = 234, 454, 1


def face_crop_transform(box: np.ndarray, landmarks: np.ndarray, size: int,
                        scale: float = CROP_SCALE) -> np.ndarray:
    """(2, 3) affine image->crop: square ``scale`` x box, centred, eyes level.

    Args:
        box: (4,) xyxy detector box in pixels.
        landmarks: (6, 2) BlazeFace keypoints (0 = image-left eye, 1 = image-right eye).
        size: crop side in pixels.
        scale: crop side relative to the larger box side.
    """
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    side = scale * max(box[2] - box[0], box[3] - box[1])
    dx, dy = landmarks[1] - landmarks[0]
    angle = float(np.degrees(np.arctan2(dy, dx)))
    m = cv2.getRotationMatrix2D((float(cx), float(cy)), angle, size / side)
    m[:, 2] += (size / 2 - cx, size / 2 - cy)
    return m.astype(np.float32)


def crop_faces(image_bgr: np.ndarray, faces: FaceDetections, size: int,
               scale: float = CROP_SCALE) -> tuple[np.ndarray, np.ndarray]:
    """Rotation-corrected square face crops.

    Returns:
        (N, size, size, 3) uint8 RGB crops and their (N, 2, 3) image->crop transforms.
    """
    crops, mats = [], []
    rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
    for box, lm in zip(faces.boxes, faces.landmarks, strict=True):
        m = face_crop_transform(box, lm, size, scale)
        crops.append(cv2.warpAffine(rgb, m, (size, size), flags=cv2.INTER_LINEAR,
                                    borderMode=cv2.BORDER_CONSTANT))
        mats.append(m)
    if not crops:
        return np.zeros((0, size, size, 3), np.uint8), np.zeros((0, 2, 3), np.float32)
    return np.stack(crops), np.stack(mats)


class FaceMesh:
    """468-point face landmarks for faces found by FaceDetector."""

    def __init__(self, *, device: str | None = None) -> None:
        """Load the model (shared session per process)."""
        self.model: OnnxModel = load_model("facemesh", device)
        outs = {o.name: o.shape[-1] for o in self.model.session.get_outputs()}
        self._mesh = next(n for n, d in outs.items() if d == 1404)
        self._flag = next(n for n, d in outs.items() if d == 1)

    def landmarks(self, image_bgr: np.ndarray, faces: FaceDetections) -> list[FaceMeshResult]:
        """One FaceMeshResult per detected face (same order)."""
        if len(faces) == 0:
            return []
        crops, mats = crop_faces(check_image(image_bgr), faces, INPUT_SIZE)
        mesh, flag = self.model.run(crops.astype(np.float32) / 255.0, [self._mesh, self._flag])
        out = []
        for pts, f, m in zip(mesh.reshape(-1, 468, 3), flag[:, 0], mats, strict=True):
            inv = cv2.invertAffineTransform(m)
            xy = pts[:, :2] @ inv[:, :2].T + inv[:, 2]
            z = pts[:, 2] * float(np.sqrt(abs(np.linalg.det(inv[:, :2]))))
            out.append(FaceMeshResult(points=np.column_stack([xy, z]).astype(np.float32),
                                      presence=float(f)))
        return out


def eye_aspect_ratio(points: np.ndarray, eye: Sequence[int]) -> float:
    """EAR = (|p2-p6| + |p3-p5|) / (2 |p1-p4|) from (468, 2+) mesh points; ~0.3 open, <0.15 shut."""
    p = points[list(eye), :2]
    horizontal = np.linalg.norm(p[0] - p[3])
    vertical = np.linalg.norm(p[1] - p[5]) + np.linalg.norm(p[2] - p[4])
    return float(vertical / (2.0 * horizontal)) if horizontal > 0 else 0.0


def mean_ear(points: np.ndarray) -> float:
    """Mean eye aspect ratio of both eyes."""
    return 0.5 * (eye_aspect_ratio(points, RIGHT_EYE) + eye_aspect_ratio(points, LEFT_EYE))


def mesh_yaw_deg(points: np.ndarray) -> float:
    """Head yaw in degrees from the 3-D cheek points (0 = frontal; sign = turn direction).

    Uses the depth difference between the two face-contour points at the
    cheeks: turning the head moves one cheek towards the camera.
    """
    a, b = points[CHEEK_IMAGE_LEFT], points[CHEEK_IMAGE_RIGHT]
    return float(np.degrees(np.arctan2(b[2] - a[2], b[0] - a[0])))
