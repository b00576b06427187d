"""Face quality checks before enrolment or matching: size, sharpness, yaw, confidence.

Default limits were set by looking at the shared test photos (sharp photos
give a sharpness of 190-2400 on the aligned 112x112 crop; the same photos
blurred with a Gaussian of sigma = face width / 40 give 11-35) and at what
FaceRes still matches reliably (frontal to about 40 degrees of yaw).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .face_align import align_face
from .results import FaceDetections, FaceQuality


@dataclass(frozen=True)
class QualityLimits:
    """Thresholds for assess_quality.

    Attributes:
        min_face_px: minimum face box width in pixels.
        min_sharpness: minimum Laplacian variance of the aligned 112x112 grey crop.
        max_abs_yaw_deg: maximum absolute yaw estimate in degrees.
        min_detector_score: minimum BlazeFace confidence.
    """

    min_face_px: float = 64.0
    min_sharpness: float = 60.0
    max_abs_yaw_deg: float = 40.0
    min_detector_score: float = 0.7


def estimate_yaw_deg(landmarks: np.ndarray) -> float:
    """Yaw in degrees from BlazeFace's 6 keypoints (0 = frontal, sign = direction).

    Models the head as a cylinder through both ear tragions with the nose tip
    on its surface: the nose's horizontal offset from the ears' midpoint,
    divided by half the ear distance, is tan(yaw).  Falls back to the eyes
    (offset / eye distance, which is about 0.6 x tan(yaw)) if the ears collapse.
    """
    nose = landmarks[2]
    ears = landmarks[4:6]
    half = abs(float(ears[1, 0] - ears[0, 0])) / 2
    if half > 1e-3:
        return float(np.degrees(np.arctan((nose[0] - ears[:, 0].mean()) / half)))
    eyes = landmarks[0:2]
    d = max(float(np.linalg.norm(eyes[1] - eyes[0])), 1e-3)
    return float(np.degrees(np.arctan((nose[0] - eyes[:, 0].mean()) / d / 0.6)))


def sharpness(image_bgr: np.ndarray, landmarks: np.ndarray) -> float:
    """Variance of the Laplacian of the aligned 112x112 grey face crop (higher = sharper).

    Aligning first makes the number independent of the face's size in the frame.
    """
    crop = align_face(image_bgr, landmarks, 112)
    grey = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


def assess_quality(image_bgr: np.ndarray, faces: FaceDetections,
                   limits: QualityLimits | None = None) -> list[FaceQuality]:
    """One FaceQuality per detected face (same order), with failure reasons."""
    lim = limits or QualityLimits()
    out = []
    for box, score, lm in zip(faces.boxes, faces.scores, faces.landmarks, strict=True):
        width = float(box[2] - box[0])
        sharp = sharpness(image_bgr, lm)
        yaw = estimate_yaw_deg(lm)
        reasons = []
        if width < lim.min_face_px:
            reasons.append(f"face too small: {width:.0f} px < {lim.min_face_px:.0f} px")
        if sharp < lim.min_sharpness:
            reasons.append(f"face blurred: sharpness {sharp:.0f} < {lim.min_sharpness:.0f}")
        if abs(yaw) > lim.max_abs_yaw_deg:
            reasons.append(f"head turned: yaw {yaw:.0f} deg, limit {lim.max_abs_yaw_deg:.0f}")
        if score < lim.min_detector_score:
            reasons.append(f"uncertain face: detector score {score:.2f} < "
                           f"{lim.min_detector_score:.2f}")
        out.append(FaceQuality(ok=not reasons, reasons=tuple(reasons), face_px=width,
                               sharpness=sharp, yaw_deg=yaw, detector_score=float(score)))
    return out
