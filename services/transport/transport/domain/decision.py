"""Gate decision rules: open, deny or manual check, with the score and a reason (pure)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal, get_args

from transport.domain.thresholds import StationPolicy

Outcome = Literal["open", "deny", "manual"]
# Every reason a decision or a staffed-lane item can have (the README's table); the wire's
# DecisionReason codes are these names (transport.wire).
Reason = Literal[
    "match_1to1", "match_1ton", "uncertain_1to1", "uncertain_1ton", "ambiguous_1ton",
    "not_ticket_holder", "no_match", "gallery_empty", "liveness_failed", "no_frontal_face",
    "face_changed", "ticket_used", "unknown_ticket", "wrong_station", "outside_window",
    "no_face_enrolled", "staff_confirmed", "staff_refused", "qr_id_check"]
REASONS: frozenset[str] = frozenset(get_args(Reason))


@dataclass(frozen=True)
class Decision:
    """What the gate does and why.

    Attributes:
        outcome: "open", "deny" or "manual" (send to staff / the QR + ID lane).
        reason: machine-readable reason (see the table in the service README).
        mode: "1:1", "1:N" or "" when no match was attempted.
        score: cosine similarity of the best candidate (0 when none).
        threshold: accept threshold the score was held to (0 when none).
        ticket_id: ticket the passage is charged to ("" when none).
        enrolment_id: matched enrolment ("" when none).
    """

    outcome: Outcome
    reason: Reason
    mode: str = ""
    score: float = 0.0
    threshold: float = 0.0
    ticket_id: str = ""
    enrolment_id: str = ""


@dataclass(frozen=True)
class Candidate:
    """A gallery entry scored against the probe (cosine similarity)."""

    enrolment_id: str
    ticket_id: str
    score: float


def deny(reason: Reason) -> Decision:
    """A deny before any matching (no face, failed liveness, bad ticket...)."""
    return Decision("deny", reason)


def decide_1to1(score: float, ticket_id: str, enrolment_id: str,
                policy: StationPolicy) -> Decision:
    """Decision for a probe compared with the presented ticket holder's template."""
    accept, manual = policy.thresholds_1to1()
    common = {"mode": "1:1", "score": score, "threshold": accept, "ticket_id": ticket_id,
              "enrolment_id": enrolment_id}
    if score >= accept:
        return Decision("open", "match_1to1", **common)  # type: ignore[arg-type]
    if score >= manual:
        return Decision("manual", "uncertain_1to1", **common)  # type: ignore[arg-type]
    return Decision("deny", "not_ticket_holder", **common)  # type: ignore[arg-type]


def decide_1ton(candidates: list[Candidate], gallery_size: int,
                policy: StationPolicy) -> Decision:
    """Decision for a 1:N search; ``candidates`` best first (at least the top two if any).

    Open only when the best clears the accept threshold for this gallery size *and* beats
    the runner-up by ``policy.min_margin``; a close runner-up goes to manual check. With the
    calibrated FaceRes model the accept threshold exceeds 1 from about 6.5k passengers in the
    window: then nobody opens by search and every plausible candidate goes to staff.
    """
    accept, manual = policy.thresholds_1ton(gallery_size)
    if not candidates:
        return Decision("deny", "gallery_empty", mode="1:N", threshold=accept)
    best = candidates[0]
    common = {"mode": "1:N", "score": best.score, "threshold": accept,
              "ticket_id": best.ticket_id, "enrolment_id": best.enrolment_id}
    if best.score >= accept:
        runner = candidates[1].score if len(candidates) > 1 else -1.0
        if best.score - runner < policy.min_margin:
            return Decision("manual", "ambiguous_1ton", **common)  # type: ignore[arg-type]
        return Decision("open", "match_1ton", **common)  # type: ignore[arg-type]
    if best.score >= manual:
        return Decision("manual", "uncertain_1ton", **common)  # type: ignore[arg-type]
    return Decision("deny", "no_match", mode="1:N", score=best.score, threshold=accept)


def against_claim(decision: Decision, decision_id: str, claimed_by: str | None) -> Decision:
    """Anti-passback: a ticket opens a gate once.

    ``claimed_by`` is the decision that already used the ticket (None when unused). An open
    decision on a ticket another decision used becomes ``deny``/``ticket_used``; everything
    else is unchanged.
    """
    if decision.outcome != "open" or claimed_by is None or claimed_by == decision_id:
        return decision
    return replace(decision, outcome="deny", reason="ticket_used")
