"""Face descriptors with HSE FaceRes and cosine-similarity matching.

FaceRes (a MobileNet trained on VGGFace2 by A. Savchenko, HSE) takes a
224x224 RGB crop with pixel values 0..255 and returns, among age/gender
heads, a 1024-d global-average-pooled feature ``global_pooling/Mean``, which
is the identity descriptor.  We L2-normalise it so cosine similarity is a
dot product.  The features come after a ReLU6, so all components are >= 0
and even unrelated faces score well above 0 (median about 0.4, same person
about 0.66 on the test photos); compare against the threshold, not zero.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from .face_align import align_faces
from .face_detect import FaceDetector
from .results import FaceDetections, FaceEmbeddings
from .runtime import OnnxModel, load_model

INPUT_SIZE = 224
DESCRIPTOR = "global_pooling/Mean"

# Cosine similarity at or above which ``is_match`` calls two descriptors "same person".  On
# faces_ageitgey alone (6 people) it separates every pair, but on the 54 people of
# faces_calibration + faces_ageitgey 6 % of different-person pairs reach it (21 % of pairs of
# two East Asian people; bench/transport_calibrate.py, "FAR@0.58").  It is a convenience for
# demos, not an access-control threshold: the transport gate derives its own from the
# calibrated impostor model (transport.domain.thresholds).
DEFAULT_MATCH_THRESHOLD = 0.58


def l2_normalize(x: np.ndarray) -> np.ndarray:
    """Rows of ``x`` scaled to unit L2 norm (zero rows stay zero)."""
    n = np.linalg.norm(x, axis=1, keepdims=True)
    return (x / np.maximum(n, 1e-12)).astype(np.float32)


def cosine_similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(len(a), len(b)) cosine similarities between two sets of descriptors (N, D)."""
    a2 = l2_normalize(np.atleast_2d(a))
    b2 = l2_normalize(np.atleast_2d(b))
    return a2 @ b2.T


class FaceEmbedder:
    """FaceRes descriptors from aligned crops or straight from images.

    Args:
        detector: FaceDetector used by ``embed_images`` (a default one if None).
        device: "auto" / "cpu" / "cuda" (None = $Z5G_INFERENCE_DEVICE).
        match_threshold: cosine similarity for ``is_match``.
        model: ONNX model name of the FaceRes family (same input, same pooled descriptor).
    """

    def __init__(self, detector: FaceDetector | None = None, *, device: str | None = None,
                 match_threshold: float = DEFAULT_MATCH_THRESHOLD,
                 model: str = "faceres") -> None:
        """Load FaceRes (shared session per process)."""
        self.model: OnnxModel = load_model(model, device)
        # Converted graphs name the pooled output with or without tf2onnx's ":0" suffix.
        names = {o.name for o in self.model.session.get_outputs()}
        self._descriptor = DESCRIPTOR if DESCRIPTOR in names else f"{DESCRIPTOR}:0"
        self.detector = detector
        self.device = device
        self.match_threshold = match_threshold

    def embed_crops(self, crops_bgr: np.ndarray | Sequence[np.ndarray]) -> FaceEmbeddings:
        """Descriptors of aligned BGR crops (N, 224, 224, 3) uint8 -> (N, 1024) unit vectors."""
        crops = [c if c.shape[:2] == (INPUT_SIZE, INPUT_SIZE)
                 else cv2.resize(c, (INPUT_SIZE, INPUT_SIZE)) for c in crops_bgr]
        if not crops:
            return FaceEmbeddings()
        rgb = np.stack([cv2.cvtColor(c, cv2.COLOR_BGR2RGB) for c in crops]).astype(np.float32)
        desc = self.model.run(rgb, [self._descriptor])[0]
        return FaceEmbeddings(vectors=l2_normalize(desc))

    def embed_faces(self, image_bgr: np.ndarray, faces: FaceDetections) -> FaceEmbeddings:
        """Descriptors for already-detected faces of one image (row i = face i)."""
        return self.embed_crops(align_faces(image_bgr, faces.landmarks, INPUT_SIZE))

    def embed_images(self, images: Sequence[np.ndarray]) -> list[tuple[FaceDetections,
                                                                       FaceEmbeddings]]:
        """Detect, align and describe every face in each BGR image."""
        if self.detector is None:
            self.detector = FaceDetector(device=self.device)
        out = []
        for img, faces in zip(images, self.detector.detect(images), strict=True):
            out.append((faces, self.embed_faces(img, faces)))
        return out

    def similarity(self, a: FaceEmbeddings, b: FaceEmbeddings) -> np.ndarray:
        """(len(a), len(b)) cosine similarities."""
        return a.vectors @ b.vectors.T

    def is_match(self, a: np.ndarray, b: np.ndarray) -> bool:
        """True when two single descriptors (D,) are the same person at match_threshold."""
        return bool(cosine_similarity(a, b)[0, 0] >= self.match_threshold)
