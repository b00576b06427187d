"""Liveness challenge choice and the turn-direction rule (pure).

The challenge is drawn at random per passage attempt from a station's list, so a replayed
video of someone blinking passes only when "blink" happens to be drawn; asking for a turn to
a *given side* halves a replayed turn's chances again.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

CHALLENGES = ("blink", "turn_left", "turn_right")

INSTRUCTIONS = {
    "blink": ("请看镜头，然后眨眼", "Look at the camera, then blink"),
    "turn_left": ("请看镜头，然后把头转向左边再转回来",
                  "Look at the camera, turn your head to your left, then back"),
    "turn_right": ("请看镜头，然后把头转向右边再转回来",
                   "Look at the camera, turn your head to your right, then back"),
}


def draw_challenge(allowed: Sequence[str], rng: random.Random | None = None) -> str:
    """A challenge drawn uniformly from ``allowed`` (OS randomness by default)."""
    kinds = [k for k in allowed if k in CHALLENGES]
    if not kinds:
        raise ValueError(f"no known challenge in {list(allowed)}; use {CHALLENGES}")
    return (rng or random.SystemRandom()).choice(kinds)


def library_kind(challenge: str) -> str:
    """The zezhou5g.vision LivenessChallenge kind behind a challenge ("blink" or "turn")."""
    return "blink" if challenge == "blink" else "turn"


def turn_side(yaws_deg: Sequence[float], baseline_frames: int = 3) -> str | None:
    """Side the subject turned to: "left", "right" or None, from per-frame mesh yaw (degrees).

    The baseline is the median of the first frames; the side is the sign of the largest
    excursion from it. ``mesh_yaw_deg`` grows when the subject turns to their own left
    (checked on short_hamilton_clip.mp4 frames 95-160, see tests).
    """
    if len(yaws_deg) <= baseline_frames:
        return None
    base = sorted(yaws_deg[:baseline_frames])[baseline_frames // 2]
    peak = max(yaws_deg[baseline_frames:], key=lambda y: abs(y - base))
    if abs(peak - base) < 1e-6:
        return None
    return "left" if peak > base else "right"


def direction_ok(challenge: str, yaws_deg: Sequence[float]) -> bool:
    """Whether a passed turn went to the requested side (always True for "blink")."""
    if challenge == "blink":
        return True
    return turn_side(yaws_deg) == challenge.removeprefix("turn_")
