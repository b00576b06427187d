"""Result types: small dataclasses of numpy arrays, one per task.

Conventions everywhere: images are ``np.ndarray`` uint8 HxWx3 **BGR** (as
OpenCV reads them); coordinates are float32 **pixels of the input image**,
x to the right, y down; boxes are ``[x1, y1, x2, y2]`` (xyxy).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def _empty(*shape: int) -> np.ndarray:
    return np.zeros(shape, dtype=np.float32)


@dataclass(frozen=True)
class PersonDetections:
    """People found in one image.

    Attributes:
        boxes: (N, 4) float32 xyxy pixels, sorted by descending score.
        scores: (N,) float32 confidences in [0, 1].
    """

    boxes: np.ndarray = field(default_factory=lambda: _empty(0, 4))
    scores: np.ndarray = field(default_factory=lambda: _empty(0))

    def __len__(self) -> int:
        """Number of people."""
        return int(self.scores.shape[0])


@dataclass(frozen=True)
class FaceDetections:
    """Faces found in one image (BlazeFace).

    Attributes:
        boxes: (N, 4) float32 xyxy pixels, sorted by descending score.
        scores: (N,) float32 confidences in [0, 1].
        landmarks: (N, 6, 2) float32 pixels, in this order: right eye, left
            eye, nose tip, mouth centre, right ear tragion, left ear tragion
            ("right" = the subject's right, i.e. image left for a frontal face).
    """

    boxes: np.ndarray = field(default_factory=lambda: _empty(0, 4))
    scores: np.ndarray = field(default_factory=lambda: _empty(0))
    landmarks: np.ndarray = field(default_factory=lambda: _empty(0, 6, 2))

    def __len__(self) -> int:
        """Number of faces."""
        return int(self.scores.shape[0])


@dataclass(frozen=True)
class FaceEmbeddings:
    """Face descriptors (zezhou5g.vision.face_embed).

    Attributes:
        vectors: (N, D) float32, each row L2-normalised (D = 128 for SFace, 1024 for
            FaceRes), so cosine similarity is a dot product.
    """

    vectors: np.ndarray = field(default_factory=lambda: _empty(0, 128))

    def __len__(self) -> int:
        """Number of descriptors."""
        return int(self.vectors.shape[0])


@dataclass(frozen=True)
class FaceQuality:
    """Outcome of face quality checks for one face.

    Attributes:
        ok: True when no check failed.
        reasons: human-readable failure reasons, e.g. ``"face too small: 24 px < 64 px"``.
        face_px: inter-ocular-based face size in pixels (2.5 x eye distance).
        sharpness: variance of the Laplacian of the aligned 112x112 grey crop.
        yaw_deg: estimated head yaw in degrees (0 = frontal, sign = direction).
        detector_score: detector confidence in [0, 1].
    """

    ok: bool
    reasons: tuple[str, ...]
    face_px: float
    sharpness: float
    yaw_deg: float
    detector_score: float


@dataclass(frozen=True)
class FaceMeshResult:
    """Dense landmarks for one face (FaceMesh).

    Attributes:
        points: (468, 3) float32; x, y in image pixels, z in crop-pixel units
            (relative depth, smaller = nearer the camera).
        presence: face-presence probability in [0, 1].
    """

    points: np.ndarray
    presence: float


@dataclass(frozen=True)
class SpoofScores:
    """Single-image presentation-attack scores (weak signals; see liveness.py).

    Attributes:
        antispoof: "real face" probability from the antispoof model, in [0, 1].
        liveness: "live" probability from the livenessnet model, in [0, 1].
    """

    antispoof: float
    liveness: float
