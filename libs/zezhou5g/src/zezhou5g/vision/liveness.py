"""Liveness: an active challenge across frames (blink or head turn), measured with FaceMesh.

    challenge = LivenessChallenge("blink")
    for frame in camera:                     # BGR frames, ~5-30 fps
        status = challenge.update(frame)     # LivenessStatus
        show(status.instruction, status.progress)
        if status.state != "pending":
            break                            # "passed" or "failed", see status.reasons

Why a challenge: the single-image models shipped with the package
(``antispoof``, ``liveness``) barely separate live faces from printed or
on-screen ones (on the shared samples the printed photo scores *higher* than
the live one).  A printed photo or a still on a screen cannot blink or turn
on request, so the decision rests on the challenge; the single-image scores
only veto when both are confidently low.  A replayed *video* of the person
blinking can still pass: pair this with a random challenge choice and a
short timeout, and do not use it as the only factor for high-value actions.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

from .face_detect import FaceDetector
from .face_mesh import FaceMesh, crop_faces, mean_ear, mesh_yaw_deg
from .results import FaceDetections, SpoofScores
from .runtime import load_model

ChallengeKind = Literal["blink", "turn"]


class SpoofScorer:
    """Single-image presentation-attack scores from the antispoof and livenessnet models.

    Both take the square 1.4x-box face crop as RGB in 0..1 (antispoof at
    128x128, livenessnet at 32x32).  Weak signals: see module docstring.
    """

    def __init__(self, *, device: str | None = None) -> None:
        """Load both models (shared sessions per process)."""
        self.antispoof = load_model("antispoof", device)
        self.liveness = load_model("liveness", device)

    def score(self, image_bgr: np.ndarray, faces: FaceDetections) -> list[SpoofScores]:
        """Scores per detected face (same order as ``faces``)."""
        if len(faces) == 0:
            return []
        crops, _ = crop_faces(image_bgr, faces, 128)
        x = crops.astype(np.float32) / 255.0
        a = self.antispoof.run(x)[0][:, 0]
        small = np.stack([cv2.resize(c, (32, 32), interpolation=cv2.INTER_AREA) for c in x])
        # Index 0 of livenessnet's softmax is what the reference pipeline reports as "live".
        v = self.liveness.run(small)[0][:, 0]
        return [SpoofScores(antispoof=float(s), liveness=float(t))
                for s, t in zip(a, v, strict=True)]


@dataclass(frozen=True)
class LivenessStatus:
    """Progress of a LivenessChallenge after a frame.

    Attributes:
        state: "pending" until decided, then "passed" or "failed" (final).
        step: current step: find_face, move_closer, hold_still, blink,
            open_eyes, turn_head, face_camera or done.
        progress: 0..1 through the challenge.
        instruction: short text to show the user.
        reasons: why it failed (empty unless state == "failed").
        frames: frames seen so far.
        ear: mean eye aspect ratio in this frame (None without a face).
        yaw_deg: head yaw in this frame in degrees (None without a face).
        spoof: running mean of single-image scores (None before the first face).
    """

    state: Literal["pending", "passed", "failed"]
    step: str
    progress: float
    instruction: str
    reasons: tuple[str, ...] = ()
    frames: int = 0
    ear: float | None = None
    yaw_deg: float | None = None
    spoof: SpoofScores | None = None


_INSTRUCTIONS = {
    "find_face": "Look at the camera",
    "move_closer": "Move closer to the camera",
    "hold_still": "Hold still and look at the camera",
    "blink": "Blink your eyes",
    "open_eyes": "Open your eyes",
    "turn_head": "Turn your head to one side",
    "face_camera": "Look back at the camera",
    "done": "Done",
}


class LivenessChallenge:
    """Feed frames; decides whether a live person performed the challenge.

    Args:
        kind: "blink" (eye aspect ratio drops and recovers) or "turn" (yaw
            moves away from the baseline by ``turn_deg`` and comes back).
        timeout_s: fail when not completed within this many seconds of the
            first frame (timestamps from ``update`` or time.monotonic()).
        baseline_frames: frames of a steady, roughly frontal face averaged
            for the baseline EAR / yaw.
        blink_ratio: eyes count as closed below this fraction of baseline EAR.
        reopen_ratio: and as reopened above this fraction.
        turn_deg: yaw change in degrees required for "turn".
        min_face_px: minimum face box width in pixels.
        max_static_frames: fail after this many consecutive bit-identical
            frames (a live camera's sensor noise never repeats a frame; a
            replayed still image does).
        spoof_veto: fail when the running means of both single-image scores
            are below this value.
    """

    def __init__(self, kind: ChallengeKind = "blink", *, timeout_s: float = 10.0,
                 baseline_frames: int = 3, blink_ratio: float = 0.6, reopen_ratio: float = 0.85,
                 turn_deg: float = 20.0, min_face_px: float = 80.0, max_static_frames: int = 15,
                 spoof_veto: float = 0.2, detector: FaceDetector | None = None,
                 mesh: FaceMesh | None = None, scorer: SpoofScorer | None = None,
                 device: str | None = None) -> None:
        """Create a challenge; models are shared per process."""
        if kind not in ("blink", "turn"):
            raise ValueError(f"unknown challenge {kind!r}: use 'blink' or 'turn'")
        self.kind: ChallengeKind = kind
        self.timeout_s = timeout_s
        self.baseline_frames = baseline_frames
        self.blink_ratio = blink_ratio
        self.reopen_ratio = reopen_ratio
        self.turn_deg = turn_deg
        self.min_face_px = min_face_px
        self.max_static_frames = max_static_frames
        self.spoof_veto = spoof_veto
        self.detector = detector or FaceDetector(device=device)
        self.mesh = mesh or FaceMesh(device=device)
        self.scorer = scorer or SpoofScorer(device=device)
        self.reset()

    def reset(self) -> None:
        """Start over (e.g. a new person at the gate)."""
        self._t0: float | None = None
        self._frames = 0
        self._prev: np.ndarray | None = None
        self._static = 0
        self._missing = 0
        self._samples: list[float] = []
        self._baseline: float | None = None
        self._step = "find_face"
        self._spoof: list[SpoofScores] = []
        self._final: LivenessStatus | None = None

    def update(self, frame_bgr: np.ndarray, timestamp: float | None = None) -> LivenessStatus:
        """Process one BGR frame and return the status (final once decided)."""
        if self._final is not None:
            return self._final
        now = time.monotonic() if timestamp is None else timestamp
        if self._t0 is None:
            self._t0 = now
        self._frames += 1
        identical = self._prev is not None and np.array_equal(frame_bgr, self._prev)
        self._static = self._static + 1 if identical else 0
        self._prev = frame_bgr.copy()
        if self._static >= self.max_static_frames:
            return self._fail(f"{self._static + 1} identical frames in a row: a still image, "
                              "not a live camera")
        if now - self._t0 > self.timeout_s:
            return self._fail(f"timeout after {self.timeout_s:.0f} s at step '{self._step}'")

        faces = self.detector.detect([frame_bgr])[0]
        if len(faces) == 0:
            return self._lost_face()
        i = int(np.argmax(faces.boxes[:, 2] - faces.boxes[:, 0]))
        face = FaceDetections(boxes=faces.boxes[i:i + 1], scores=faces.scores[i:i + 1],
                              landmarks=faces.landmarks[i:i + 1])
        if face.boxes[0, 2] - face.boxes[0, 0] < self.min_face_px:
            return self._status("move_closer")
        mesh = self.mesh.landmarks(frame_bgr, face)[0]
        if mesh.presence < 0.5:
            return self._lost_face()
        self._missing = 0
        self._spoof.append(self.scorer.score(frame_bgr, face)[0])
        ear, yaw = mean_ear(mesh.points), mesh_yaw_deg(mesh.points)
        value = ear if self.kind == "blink" else yaw
        self._advance(value, yaw)
        if self._step == "done":
            spoof = self._mean_spoof()
            if spoof is not None and max(spoof.antispoof, spoof.liveness) < self.spoof_veto:
                return self._fail(f"single-image spoof scores low (antispoof "
                                  f"{spoof.antispoof:.2f}, liveness {spoof.liveness:.2f})",
                                  ear, yaw)
            self._final = self._status("done", "passed", ear=ear, yaw=yaw)
            return self._final
        return self._status(self._step, ear=ear, yaw=yaw)

    # ------------------------------------------------------------ internals

    def _advance(self, value: float, yaw: float) -> None:
        if self._step in ("find_face", "move_closer", "hold_still"):
            if abs(yaw) > 25.0:  # baseline needs a roughly frontal face
                self._samples.clear()
                self._step = "hold_still"
                return
            self._samples.append(value)
            self._step = "hold_still"
            if len(self._samples) >= self.baseline_frames:
                self._baseline = float(np.median(self._samples))
                self._step = "blink" if self.kind == "blink" else "turn_head"
            return
        assert self._baseline is not None
        base = self._baseline
        if self._step == "blink" and value < self.blink_ratio * base:
            self._step = "open_eyes"
        elif self._step == "open_eyes" and value > self.reopen_ratio * base:
            self._step = "done"
        elif self._step == "turn_head" and abs(value - base) >= self.turn_deg:
            self._step = "face_camera"
        elif self._step == "face_camera" and abs(value - base) <= self.turn_deg / 2:
            self._step = "done"

    def _lost_face(self) -> LivenessStatus:
        self._missing += 1
        if self._missing > 3 and self._step not in ("find_face", "hold_still"):
            # Face gone mid-challenge: start over so nobody swaps faces halfway.
            self._samples.clear()
            self._baseline = None
            self._step = "find_face"
        return self._status("find_face" if self._step == "find_face" else self._step)

    def _mean_spoof(self) -> SpoofScores | None:
        if not self._spoof:
            return None
        return SpoofScores(antispoof=float(np.mean([s.antispoof for s in self._spoof])),
                           liveness=float(np.mean([s.liveness for s in self._spoof])))

    def _progress(self, step: str) -> float:
        order = {"find_face": 0.0, "move_closer": 0.0, "hold_still": 0.1, "blink": 0.3,
                 "turn_head": 0.3, "open_eyes": 0.7, "face_camera": 0.7, "done": 1.0}
        p = order[step]
        if step == "hold_still":
            p += 0.2 * len(self._samples) / max(1, self.baseline_frames)
        return round(p, 3)

    def _status(self, step: str, state: Literal["pending", "passed", "failed"] = "pending",
                reasons: tuple[str, ...] = (), ear: float | None = None,
                yaw: float | None = None) -> LivenessStatus:
        return LivenessStatus(state=state, step=step, progress=self._progress(step),
                              instruction=_INSTRUCTIONS[step], reasons=reasons,
                              frames=self._frames, ear=ear, yaw_deg=yaw, spoof=self._mean_spoof())

    def _fail(self, reason: str, ear: float | None = None,
              yaw: float | None = None) -> LivenessStatus:
        self._final = self._status(self._step, "failed", (reason,), ear, yaw)
        return self._final
