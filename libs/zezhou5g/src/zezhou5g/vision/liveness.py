"""Liveness: a sequence of requested actions across frames, plus a check that the face is 3-D.

    challenge = LivenessChallenge(("turn_left", "blink"))
    for frame in camera:                     # BGR frames, ~5-30 fps
        status = challenge.update(frame)     # LivenessStatus
        show(status.instruction, status.progress)
        if status.state != "pending":
            break                            # "passed" or "failed", see status.reasons

Actions, measured on the FaceMesh landmarks: ``turn_left`` / ``turn_right`` (mesh yaw moves
``turn_deg`` to the subject's side and comes back; a turn the other way fails), ``blink``
(eye aspect ratio drops and recovers), ``move_closer`` (face width grows by ``closer_ratio``),
and ``turn`` (either side, for callers that do not ask for a side).  Each action must be done
within ``action_time_s`` of the previous one.

When the sequence has a turn, the face must also show parallax: a printed photo or a screen
moved in front of the camera moves all its landmarks by one homography, a turning head does
not (see :mod:`.face_geometry`).  A carrier outline (print edge, tablet bezel) around the face
in enough of the frames fails too, held still or not: a live passenger's face is not framed
by a closed outline (0 of 323 live photos, ``bench/transport_liveness.py``), while a tablet
on a stand replaying a recorded head turn keeps that turn's parallax.

Why no single-image veto: the ``antispoof`` and ``liveness`` models shipped with the package
rank printed photos *above* live faces on real crops (ROC AUC 0.43 / 0.47 on 236 crops, and
see ``bench/transport_liveness.py``), so :class:`SpoofScorer` is kept only for measurement.

What this does not stop: a screen with its outline hidden (out of frame, masked), replaying
a recording of the person that performs the drawn actions in order and in time.  Randomise
the actions per attempt (the gate draws two of them) and do not use this as the only factor
for high-value actions.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

from .face_detect import FaceDetector
from .face_geometry import carrier_motion, carrier_quad, planar_residual
from .face_mesh import FaceMesh, crop_faces, mean_ear, mesh_yaw_deg
from .results import FaceDetections, SpoofScores
from .runtime import load_model

Action = Literal["turn_left", "turn_right", "turn", "blink", "move_closer"]
ACTIONS: tuple[str, ...] = ("turn_left", "turn_right", "turn", "blink", "move_closer")
ChallengeKind = Literal["blink", "turn"]  # the single-action kinds of earlier versions


class SpoofScorer:
    """Single-image presentation-attack scores from the antispoof and livenessnet models.

    Both take the square 1.4x-box face crop as RGB in 0..1 (antispoof at 128x128,
    livenessnet at 32x32).  Kept for measurement only: see the module docstring.
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
        step: current step: find_face, move_closer, hold_still, an action's step
            (blink, open_eyes, turn_left, turn_right, turn_head, face_camera, come_closer)
            or done.
        progress: 0..1 through the challenge.
        instruction: short text to show the user (English; front ends translate ``step``).
        reasons: why it failed (empty unless state == "failed").
        frames: frames seen so far.
        action: index of the action being performed (== number of actions done).
        ear: mean eye aspect ratio in this frame (None without a face).
        yaw_deg: head yaw in this frame in degrees (None without a face).
        parallax: largest homography residual so far, face widths (see face_geometry).
    """

    state: Literal["pending", "passed", "failed"]
    step: str
    progress: float
    instruction: str
    reasons: tuple[str, ...] = ()
    frames: int = 0
    action: int = 0
    ear: float | None = None
    yaw_deg: float | None = None
    parallax: float = 0.0


_INSTRUCTIONS = {
    "find_face": "Look at the camera",
    "move_closer": "Move closer to the camera",
    "hold_still": "Hold still and look at the camera",
    "blink": "Blink your eyes",
    "open_eyes": "Open your eyes",
    "turn_head": "Turn your head to one side",
    "turn_left": "Turn your head to your left",
    "turn_right": "Turn your head to your right",
    "face_camera": "Look back at the camera",
    "come_closer": "Come closer to the camera",
    "done": "Done",
}
_FIRST_STEP = {"blink": "blink", "turn": "turn_head", "turn_left": "turn_left",
               "turn_right": "turn_right", "move_closer": "come_closer"}


class LivenessChallenge:
    """Feed frames; decides whether a live person performed the requested actions in order.

    Args:
        actions: the actions in order (see module doc), or one of the older single kinds
            "blink" / "turn".
        timeout_s: fail when not completed within this many seconds of the first frame
            (timestamps from ``update`` or time.monotonic()).
        action_time_s: each action must be completed within this many seconds of the end of
            the previous one (or of the baseline).
        baseline_frames: frames of a steady, roughly frontal face for the baseline.
        blink_ratio / reopen_ratio: eyes closed below / reopened above these fractions of the
            baseline EAR.
        turn_deg: yaw change in degrees that counts as a turn.
        closer_ratio: face width growth that counts as moving closer.
        min_face_px: minimum face box width in pixels.
        max_static_frames: fail after this many consecutive bit-identical frames.
        min_parallax: with a turn among the actions, the largest homography residual of the
            landmarks (face widths) must reach this; ``None`` disables the check.  0.065 is
            chosen by bench/transport_liveness.py (photos moved as planes: <= 0.045, real
            turns of >= 20 degrees: >= 0.083).
        carrier_seen: fail when a carrier outline is found around the face in at least this
            fraction of frames (chosen by bench/transport_liveness.py).
    """

    def __init__(self, actions: Sequence[str] | str = ("turn",), *, timeout_s: float = 10.0,
                 action_time_s: float = 5.0, baseline_frames: int = 3,
                 blink_ratio: float = 0.6, reopen_ratio: float = 0.85, turn_deg: float = 20.0,
                 closer_ratio: float = 1.25, min_face_px: float = 80.0,
                 max_static_frames: int = 15, min_parallax: float | None = 0.065,
                 carrier_seen: float = 0.5,
                 detector: FaceDetector | None = None, mesh: FaceMesh | None = None,
                 device: str | None = None) -> None:
        """Create a challenge; models are shared per process."""
        seq = (actions,) if isinstance(actions, str) else tuple(actions)
        bad = [a for a in seq if a not in ACTIONS]
        if not seq or bad:
            raise ValueError(f"unknown actions {bad or list(seq)}: use {ACTIONS}")
        self.actions: tuple[str, ...] = seq
        self.timeout_s = timeout_s
        self.action_time_s = action_time_s
        self.baseline_frames = baseline_frames
        self.blink_ratio = blink_ratio
        self.reopen_ratio = reopen_ratio
        self.turn_deg = turn_deg
        self.closer_ratio = closer_ratio
        self.min_face_px = min_face_px
        self.max_static_frames = max_static_frames
        self.min_parallax = min_parallax if any(a.startswith("turn") for a in seq) else None
        self.carrier_seen = carrier_seen
        self.detector = detector or FaceDetector(device=device)
        self.mesh = mesh or FaceMesh(device=device)
        self.reset()

    def reset(self) -> None:
        """Start over (e.g. a new person at the gate)."""
        self._t0: float | None = None
        self._frames = 0
        self._prev: np.ndarray | None = None
        self._static = 0
        self._missing = 0
        self._samples: list[tuple[float, float, float]] = []  # (ear, yaw, width)
        self._base: tuple[float, float, float] | None = None
        self._ref: np.ndarray | None = None  # baseline landmarks
        self._parallax = 0.0
        self._quads: list[np.ndarray | None] = []
        self._action = 0
        self._action_t0 = 0.0
        self._width0 = 0.0
        self._step = "find_face"
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
        if self._base is not None and now - self._action_t0 > self.action_time_s:
            return self._fail(f"'{self.actions[self._action]}' not done within "
                              f"{self.action_time_s:.0f} s")

        faces = self.detector.detect([frame_bgr])[0]
        if len(faces) == 0:
            return self._lost_face()
        i = int(np.argmax(faces.boxes[:, 2] - faces.boxes[:, 0]))
        face = FaceDetections(boxes=faces.boxes[i:i + 1], scores=faces.scores[i:i + 1],
                              landmarks=faces.landmarks[i:i + 1])
        width = float(face.boxes[0, 2] - face.boxes[0, 0])
        if width < self.min_face_px and self._base is None:
            return self._status("move_closer")
        mesh = self.mesh.landmarks(frame_bgr, face)[0]
        if mesh.presence < 0.5:
            return self._lost_face()
        self._missing = 0
        points = mesh.points
        ear, yaw = mean_ear(points), mesh_yaw_deg(points)
        if self._ref is not None:
            self._parallax = max(self._parallax, planar_residual(self._ref, points))
            gray = cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2GRAY)
            self._quads.append(carrier_quad(gray, face.boxes[0]))
        failure = self._advance(ear, yaw, width, points, now)
        if failure:
            return self._fail(failure, ear, yaw)
        if self._step == "done":
            failure = self._geometry_failure()
            if failure:
                return self._fail(failure, ear, yaw)
            self._final = self._status("done", "passed", ear=ear, yaw=yaw)
            return self._final
        return self._status(self._step, ear=ear, yaw=yaw)

    def evidence(self) -> tuple[float, float, float]:
        """(largest landmark parallax, carrier outline seen fraction, carrier moved) so far.

        The figures the geometric checks decide on (see ``min_parallax``, ``carrier_seen``;
        how far the outline moved is reported, not decided on), for benchmarks that choose
        those thresholds.
        """
        seen, moved = carrier_motion(self._quads)
        return self._parallax, seen, moved

    # ------------------------------------------------------------ internals

    def _advance(self, ear: float, yaw: float, width: float, points: np.ndarray,
                 now: float) -> str | None:
        """Move through the steps; returns a failure reason or None."""
        if self._base is None:
            if abs(yaw) > 25.0:  # baseline needs a roughly frontal face
                self._samples.clear()
                self._step = "hold_still"
                return None
            self._samples.append((ear, yaw, width))
            self._step = "hold_still"
            if len(self._samples) >= self.baseline_frames:
                s = np.asarray(self._samples)
                self._base = (float(np.median(s[:, 0])), float(np.median(s[:, 1])),
                              float(np.median(s[:, 2])))
                self._ref = points.copy()
                self._begin_action(now, width)
            return None
        base_ear, base_yaw, _ = self._base
        action, step, d = self.actions[self._action], self._step, yaw - base_yaw
        finished = False
        if step == "blink" and ear < self.blink_ratio * base_ear:
            self._step = "open_eyes"
        elif step == "open_eyes" and ear > self.reopen_ratio * base_ear:
            finished = True
        elif step in ("turn_head", "turn_left", "turn_right"):
            # Mesh yaw grows when the subject turns to their own left.
            side = 1.0 if action == "turn_left" else -1.0
            if action != "turn" and side * d <= -self.turn_deg:
                return f"head turned the wrong way for '{action}'"
            if abs(d) >= self.turn_deg and (action == "turn" or side * d > 0):
                self._step = "face_camera"
        elif step == "face_camera" and abs(d) <= self.turn_deg / 2:
            finished = True
        elif step == "come_closer" and width >= self.closer_ratio * self._width0:
            finished = True
        if finished:
            self._action += 1
            if self._action == len(self.actions):
                self._step = "done"
            else:
                self._begin_action(now, width)
        return None

    def _begin_action(self, now: float, width: float) -> None:
        self._action_t0 = now
        self._width0 = width
        self._step = _FIRST_STEP[self.actions[self._action]]

    def _geometry_failure(self) -> str | None:
        if self.min_parallax is not None and self._parallax < self.min_parallax:
            return (f"face moved as a flat picture (landmark parallax {self._parallax:.3f} "
                    f"< {self.min_parallax:.3f} face widths)")
        seen, moved = carrier_motion(self._quads)
        if seen >= self.carrier_seen:
            return (f"a frame around the face (print edge or screen bezel in {seen:.0%} of "
                    f"frames, moved {moved:.3f} of its diagonal)")
        return None

    def _lost_face(self) -> LivenessStatus:
        self._missing += 1
        if self._missing > 3 and self._base is not None:
            # Face gone mid-challenge: start over so nobody swaps faces halfway.
            self._samples.clear()
            self._base = self._ref = None
            self._parallax = 0.0
            self._quads.clear()
            self._action = 0
            self._step = "find_face"
        return self._status(self._step)

    def _progress(self, step: str) -> float:
        if step == "done":
            return 1.0
        if self._base is None:
            return round(0.2 * len(self._samples) / max(1, self.baseline_frames), 3)
        half = 0.5 if step in ("open_eyes", "face_camera") else 0.0
        return round(0.2 + 0.8 * (self._action + half) / len(self.actions), 3)

    def _status(self, step: str, state: Literal["pending", "passed", "failed"] = "pending",
                reasons: tuple[str, ...] = (), ear: float | None = None,
                yaw: float | None = None) -> LivenessStatus:
        return LivenessStatus(state=state, step=step, progress=self._progress(step),
                              instruction=_INSTRUCTIONS[step], reasons=reasons,
                              frames=self._frames, action=self._action, ear=ear, yaw_deg=yaw,
                              parallax=round(self._parallax, 4))

    def _fail(self, reason: str, ear: float | None = None,
              yaw: float | None = None) -> LivenessStatus:
        self._final = self._status(self._step, "failed", (reason,), ear, yaw)
        return self._final
