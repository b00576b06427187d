"""Similarity-transform face alignment to a fixed landmark template.

BlazeFace gives eye centres, nose tip and mouth centre (plus ear points,
which are unreliable under yaw and unused here).  The classic 5-point
template (two eyes, nose, two mouth corners) becomes a 4-point one with the
mouth corners averaged.  A least-squares similarity transform (rotation,
uniform scale, translation; Umeyama 1991) maps the detected points onto the
template, so every crop has level eyes at the same place and size.

Templates: ``ARCFACE_TEMPLATE`` is the crop of ArcFace-style 112x112 nets (SFace).
FaceRes is used in its reference implementation on a
square crop 1.4x the detector box, centred on the box.  ``FACERES_TEMPLATE``
is the mean (left/right symmetrised) position of the landmarks in such crops,
measured on the shared test photos, so the aligned crop shows the same field
of view as the model was used with, but with rotation/scale normalised.
"""

from __future__ import annotations

import cv2
import numpy as np

# (4, 2) template points as fractions of the crop side: image-left eye,
# image-right eye, nose tip, mouth centre.
FACERES_TEMPLATE = np.array(
    [[0.355, 0.325], [0.645, 0.325], [0.500, 0.480], [0.500, 0.637]], dtype=np.float32)

# The ArcFace / InsightFace 112x112 5-point template (``arcface_dst``, the crop SFace and
# other ArcFace-style nets are trained on) reduced to these 4 points: mouth corners averaged,
# left/right symmetrised, as fractions of the side.
ARCFACE_TEMPLATE = np.array(
    [[0.3419, 0.4607], [0.6581, 0.4607], [0.5002, 0.6405], [0.5012, 0.8240]], dtype=np.float32)

# Indices into BlazeFace's 6 keypoints used for alignment (eyes, nose, mouth).
ALIGN_KEYPOINTS = (0, 1, 2, 3)


def similarity_transform(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Least-squares similarity (2, 3) matrix M with ``dst ~= M @ [src, 1]`` (Umeyama).

    Args:
        src: (K, 2) source points, K >= 2.
        dst: (K, 2) destination points.
    """
    src = np.asarray(src, dtype=np.float64)
    dst = np.asarray(dst, dtype=np.float64)
    mu_s, mu_d = src.mean(0), dst.mean(0)
    s_c, d_c = src - mu_s, dst - mu_d
    var_s = (s_c ** 2).sum() / len(src)
    cov = d_c.T @ s_c / len(src)
    u, sig, vt = np.linalg.svd(cov)
    d = np.eye(2)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:  # no reflections
        d[1, 1] = -1
    rot = u @ d @ vt
    scale = float(np.trace(np.diag(sig) @ d) / max(var_s, 1e-12))
    t = mu_d - scale * rot @ mu_s
    return np.hstack([scale * rot, t[:, None]]).astype(np.float32)


def align_face(image_bgr: np.ndarray, landmarks: np.ndarray, size: int = 224,
               template: np.ndarray = FACERES_TEMPLATE) -> np.ndarray:
    """Warp one face to a ``size`` x ``size`` BGR crop matching ``template``.

    Args:
        image_bgr: HxWx3 uint8 BGR image.
        landmarks: (6, 2) BlazeFace keypoints in image pixels (or (K, 2) points in the
            template's order: 4 in ALIGN_KEYPOINTS order, or YuNet's 5).
        size: output side in pixels.
        template: (K, 2) target positions as fractions of the side.
    """
    pts = landmarks[list(ALIGN_KEYPOINTS)] if len(landmarks) == 6 else landmarks
    m = similarity_transform(pts, template * size)
    # Shrinking a large face a lot with plain bilinear aliases; blur first.
    scale = float(np.sqrt(abs(np.linalg.det(m[:, :2]))))
    src = image_bgr
    if scale < 0.5:
        sigma = 0.5 / scale / 2.0
        src = cv2.GaussianBlur(image_bgr, (0, 0), sigmaX=sigma)
    return cv2.warpAffine(src, m, (size, size), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE)


def align_faces(image_bgr: np.ndarray, landmarks: np.ndarray, size: int = 224,
                template: np.ndarray = FACERES_TEMPLATE) -> np.ndarray:
    """Aligned crops for all faces: (N, size, size, 3) uint8 BGR from (N, 6, 2) keypoints."""
    crops = [align_face(image_bgr, lm, size, template) for lm in landmarks]
    if not crops:
        return np.zeros((0, size, size, 3), dtype=np.uint8)
    return np.stack(crops)
