"""Liveness challenge: which actions to ask for, in what order, and how to say it (pure).

Each passage attempt draws TWO different actions, in order, at random (OS randomness), from
the station's list; at least one is a head turn, because the geometric check (the face must
show parallax, not move like a flat picture -- see zezhou5g.vision.liveness) needs a turn.
With the default four actions there are 10 ordered pairs: a replayed recording performs the
drawn pair in order only by luck (1 in 10), and the library fails a turn to the wrong side.

Wire format: ``StartPassageResponse.actions`` lists them; ``challenge`` (and the decision
record) joins them with "," -- e.g. ``"turn_left,move_closer"``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

TURNS = ("turn_left", "turn_right")
CHALLENGES = ("turn_left", "turn_right", "blink", "move_closer")  # actions the gate can draw
ACTIONS_PER_CHALLENGE = 2
ACTION_TIME_S = 5.0  # each action must be done within this of the previous one, seconds

INSTRUCTIONS = {
    "blink": ("眨眨眼", "blink"),
    "turn_left": ("把头转向左边再转回来", "turn your head to your left, then back"),
    "turn_right": ("把头转向右边再转回来", "turn your head to your right, then back"),
    "move_closer": ("向镜头靠近一点", "move closer to the camera"),
}


def draw_challenge(allowed: Sequence[str], rng: random.Random | None = None,
                   n: int = ACTIONS_PER_CHALLENGE) -> tuple[str, ...]:
    """``n`` different actions in order, uniformly among the orders that contain a turn.

    Raises:
        ValueError: ``allowed`` has no turn or fewer than ``n`` known actions.
    """
    kinds = list(dict.fromkeys(k for k in allowed if k in CHALLENGES))
    if len(kinds) < n or not any(k in TURNS for k in kinds):
        raise ValueError(f"need {n} of {CHALLENGES} including a turn; got {list(allowed)}")
    r = rng or random.SystemRandom()
    while True:  # rejection sampling keeps the accepted orders uniform
        pick = tuple(r.sample(kinds, n))
        if any(k in TURNS for k in pick):
            return pick


def encode_actions(actions: Sequence[str]) -> str:
    """The challenge as stored and sent in ``challenge``: actions joined by ","."""
    return ",".join(actions)


def decode_actions(challenge: str) -> tuple[str, ...]:
    """Inverse of :func:`encode_actions` (a single old-style action gives a 1-tuple).

    Raises:
        ValueError: an unknown action.
    """
    actions = tuple(a.strip() for a in challenge.split(",") if a.strip())
    bad = [a for a in actions if a not in CHALLENGES]
    if not actions or bad:
        raise ValueError(f"unknown challenge {challenge!r}")
    return actions


def instruction(actions: Sequence[str]) -> tuple[str, str]:
    """(zh-CN, en) text for the kiosk: "look at the camera, first …, then …"."""
    zh = [INSTRUCTIONS[a][0] for a in actions]
    en = [INSTRUCTIONS[a][1] for a in actions]
    if len(actions) == 1:
        return f"请看镜头，然后{zh[0]}", f"Look at the camera, then {en[0]}"
    return (f"请看镜头，先{zh[0]}，再{'，再'.join(zh[1:])}",
            f"Look at the camera, first {en[0]}, then {', then '.join(en[1:])}")
