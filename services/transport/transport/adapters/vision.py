"""Face models for enrolment and the gate (zezhou5g.vision on onnxruntime).

Images are decoded from JPEG/PNG bytes into HxWx3 uint8 BGR. Models load once per process
(lazily, or by :meth:`FacePipeline.warm_up` in a background thread at start).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np
from zezhou5g.platform.imageheader import ImageRejected, check_image_bytes
from zezhou5g.vision import (
    FaceDetections,
    FaceDetector,
    FaceEmbedder,
    FaceMesh,
    FaceQuality,
    LivenessChallenge,
    QualityLimits,
    assess_quality,
)
from zezhou5g.vision.face_embed import l2_normalize

from transport.domain.enrolment import PhotoCheck, PhotoFace
from transport.domain.liveness import ACTION_TIME_S, decode_actions

# Largest side an uploaded image is reduced to before detection, pixels.
MAX_SIDE = 1280


class BadImage(ValueError):
    """Bytes that are not a decodable JPEG/PNG image."""


def decode(data: bytes) -> np.ndarray:
    """JPEG/PNG bytes → BGR image, large images scaled so the longer side is MAX_SIDE."""
    try:
        # Header only, before the decoder allocates what the header declares (image bombs).
        check_image_bytes(data)
    except ImageRejected as exc:
        raise BadImage(str(exc)) from exc
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR) if data else None
    if img is None:
        raise BadImage("not a JPEG or PNG image")
    h, w = img.shape[:2]
    if max(h, w) > MAX_SIDE:
        s = MAX_SIDE / max(h, w)
        img = cv2.resize(img, (round(w * s), round(h * s)), interpolation=cv2.INTER_AREA)
    return img


@dataclass
class LivenessResult:
    """Outcome of a challenge over a sequence of frames.

    Attributes:
        passed: the actions performed in order, in time, by a face that is not flat.
        reasons: why not.
        frontal: indices of frames with a roughly frontal face (probe candidates).
        faces: detections per frame (empty where none).
    """

    passed: bool
    reasons: list[str]
    frontal: list[int] = field(default_factory=list)
    faces: list[FaceDetections] = field(default_factory=list)


def failed_checks(q: FaceQuality, lim: QualityLimits) -> tuple[PhotoCheck, ...]:
    """The quality checks a face failed, as codes, from its measures and the limits."""
    failed: list[PhotoCheck] = []
    if q.face_px < lim.min_face_px:
        failed.append("face_too_small")
    if q.sharpness < lim.min_sharpness:
        failed.append("face_blurred")
    if abs(q.yaw_deg) > lim.max_abs_yaw_deg:
        failed.append("head_turned")
    if q.detector_score < lim.min_detector_score:
        failed.append("face_uncertain")
    return tuple(failed)


class FacePipeline:
    """Detection, quality, embedding and liveness for one process.

    Args:
        device: "auto" / "cpu" / "cuda" (None = $Z5G_INFERENCE_DEVICE).
        min_face_px: smallest face width for the liveness challenge, pixels.
    """

    def __init__(self, device: str | None = None, min_face_px: float = 60.0) -> None:
        self.device = device
        self.min_face_px = min_face_px
        self._lock = threading.Lock()
        self._ready = False

    def warm_up(self) -> None:
        """Load every model (safe to call from several threads)."""
        with self._lock:
            if self._ready:
                return
            self.detector = FaceDetector(device=self.device)
            self.embedder = FaceEmbedder(self.detector, device=self.device)
            self.mesh = FaceMesh(device=self.device)
            self._ready = True

    def photo_faces(self, img: np.ndarray,
                    limits: QualityLimits | None = None) -> tuple[list[PhotoFace], np.ndarray]:
        """Quality of every face in an enrolment photo, and the largest face's embedding."""
        self.warm_up()
        faces = self.detector.detect([img])[0]
        lim = limits or QualityLimits()
        quality = assess_quality(img, faces, lim)
        out = [PhotoFace(float(b[2] - b[0]), q.ok, failed_checks(q, lim))
               for b, q in zip(faces.boxes, quality, strict=True)]
        if not out:
            return out, np.zeros(0, np.float32)
        i = int(np.argmax(faces.boxes[:, 2] - faces.boxes[:, 0]))
        one = FaceDetections(faces.boxes[i:i + 1], faces.scores[i:i + 1],
                             faces.landmarks[i:i + 1])
        return out, self.embedder.embed_faces(img, one).vectors[0]

    def liveness(self, frames: list[np.ndarray], times_s: list[float],
                 challenge: str | Sequence[str], timeout_s: float,
                 action_time_s: float = ACTION_TIME_S) -> LivenessResult:
        """Run the challenge over the frames in order (times in seconds from the first).

        ``challenge``: the actions in order, or their ","-joined form (domain.liveness).
        The turn side, the order, each action's time limit and the flat-picture checks are
        all enforced by zezhou5g.vision.LivenessChallenge.
        """
        self.warm_up()
        actions = decode_actions(challenge) if isinstance(challenge, str) else tuple(challenge)
        lc = LivenessChallenge(actions, timeout_s=timeout_s, action_time_s=action_time_s,
                               min_face_px=self.min_face_px, detector=self.detector,
                               mesh=self.mesh)
        frontal: list[int] = []
        status = None
        for i, (frame, t) in enumerate(zip(frames, times_s, strict=True)):
            status = lc.update(frame, timestamp=t)
            if status.yaw_deg is not None and abs(status.yaw_deg) <= 15.0:
                frontal.append(i)
            if status.state != "pending":
                break
        if status is None:
            return LivenessResult(False, ["no frames"])
        if status.state == "pending":
            return LivenessResult(False, [f"challenge not completed (step '{status.step}' "
                                          f"after {status.frames} frames)"], frontal)
        if status.state == "failed":
            return LivenessResult(False, list(status.reasons), frontal)
        return LivenessResult(True, [], frontal)

    def probe(self, frames: list[np.ndarray], indices: list[int],
              max_frames: int = 3) -> tuple[np.ndarray | None, float]:
        """Mean embedding of the largest face over up to ``max_frames`` of ``indices``.

        Returns:
            (unit (D,) vector or None when no face, lowest pairwise cosine between the frames
            used -- a low value means the face changed during the challenge).
        """
        self.warm_up()
        if not indices:
            return None, 0.0
        pick = [indices[round(j)] for j in np.linspace(0, len(indices) - 1,
                                                        min(max_frames, len(indices)))]
        chosen = [frames[i] for i in dict.fromkeys(pick)]
        crops = []
        for img, faces in zip(chosen, self.detector.detect(chosen), strict=True):
            if len(faces):
                k = int(np.argmax(faces.boxes[:, 2] - faces.boxes[:, 0]))
                crops.append(self.embedder.align(img, faces.landmarks[k:k + 1])[0])
        if not crops:
            return None, 0.0
        vecs = list(self.embedder.embed_crops(np.stack(crops)).vectors)  # one batch
        m = np.stack(vecs)
        sims = m @ m.T
        consistency = float(sims.min()) if len(vecs) > 1 else 1.0
        return l2_normalize(m.mean(0, keepdims=True))[0], consistency
