"""Translation between the domain's decision words and the codes of the wire.

The domain speaks in short names (``"open"``, ``"match_1to1"``, ``"1:N"``); the messages carry
the proto enums (``Outcome``, ``DecisionReason``, ``MatchMode``, ``Lane``) that the pages
translate (js/transport/i18n.js). SQL rows keep the short names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from zezhou5g.transport.v1 import transport_pb2

from transport.domain.decision import REASONS
from transport.domain.enrolment import REFUSALS

LANES = {"face": transport_pb2.LANE_FACE, "manual": transport_pb2.LANE_MANUAL}
OUTCOMES = {"open": transport_pb2.OUTCOME_OPEN, "deny": transport_pb2.OUTCOME_DENY,
            "manual": transport_pb2.OUTCOME_MANUAL}
MODES = {"": transport_pb2.MATCH_MODE_UNSPECIFIED, "1:1": transport_pb2.MATCH_MODE_ONE_TO_ONE,
         "1:N": transport_pb2.MATCH_MODE_ONE_TO_N}
REASON_CODES = {
    r: cast(transport_pb2.DecisionReason, transport_pb2.DecisionReason.Value(
        f"DECISION_REASON_{r.upper()}")) for r in sorted(REASONS)}
ENROL_REFUSALS = {
    r: cast(transport_pb2.EnrolRefusal, transport_pb2.EnrolRefusal.Value(
        f"ENROL_REFUSAL_{r.upper()}")) for r in sorted(REFUSALS)}
_NAMES: dict[int, str] = {v: k for k, v in REASON_CODES.items()}
_LANE_NAMES: dict[int, str] = {v: k for k, v in LANES.items()}
_OUTCOME_NAMES: dict[int, str] = {v: k for k, v in OUTCOMES.items()}
_MODE_NAMES: dict[int, str] = {v: k for k, v in MODES.items()}


def reason_code(reason: str) -> transport_pb2.DecisionReason:
    """The wire code of a domain reason (KeyError for one the domain does not declare)."""
    return REASON_CODES[reason]


def reason_name(code: int) -> str:
    """The domain's name of a wire reason ("" when unset)."""
    return _NAMES.get(code, "")


def lane_name(code: int) -> str:
    """``"face"`` / ``"manual"`` for a wire lane ("" when unset)."""
    return _LANE_NAMES.get(code, "")


def outcome_name(code: int) -> str:
    """``"open"`` / ``"deny"`` / ``"manual"`` for a wire outcome ("" when unset)."""
    return _OUTCOME_NAMES.get(code, "")


def mode_name(code: int) -> str:
    """``"1:1"`` / ``"1:N"`` / ``""`` for a wire match mode."""
    return _MODE_NAMES.get(code, "")


def set_codes(msg: transport_pb2.GateDecision, lane: str, outcome: str, reason: str,
              mode: str) -> transport_pb2.GateDecision:
    """Set the codes of ``msg`` from a decision in the domain's words; returns ``msg``."""
    msg.lane_code = LANES[lane]
    msg.gate_outcome = OUTCOMES[outcome]
    msg.why = REASON_CODES[reason]
    msg.match_mode = MODES[mode]
    return msg


def enrol_refusals(reasons: Sequence[str]) -> list[transport_pb2.EnrolRefusal]:
    """The EnrolRefusal codes of an enrolment's refusals, in order."""
    return [ENROL_REFUSALS[r] for r in reasons]


def refusal_of(reason: str) -> transport_pb2.Refusal:
    """The Refusal for an ownership check that failed inside a transaction.

    ``enrolled_other_id`` is said as it is (ticketing re-issuing an enrolled ticket); every
    failed proof (a code spent, an enrolment that raced ahead, ...) is ownership not proven,
    so the answer reveals nothing about which.
    """
    if reason == "enrolled_other_id":
        return transport_pb2.REFUSAL_ENROLLED_OTHER_ID
    return transport_pb2.REFUSAL_OWNERSHIP_NOT_PROVEN
