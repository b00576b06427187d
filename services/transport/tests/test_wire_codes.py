"""The domain's decision and enrolment words ↔ the codes of the wire, both ways, in full."""

from __future__ import annotations

import pytest
from transport.adapters.vision import failed_checks
from transport.domain.decision import REASONS
from transport.domain.enrolment import REFUSALS
from transport.wire import (
    ENROL_REFUSALS,
    LANES,
    MODES,
    OUTCOMES,
    enrol_refusals,
    lane_name,
    mode_name,
    outcome_name,
    reason_code,
    reason_name,
    refusal_of,
    set_codes,
)
from zezhou5g.transport.v1 import transport_pb2
from zezhou5g.vision import FaceQuality, QualityLimits


def _declared(enum) -> set[int]:
    return {v.number for v in enum.DESCRIPTOR.values if v.number}


def test_every_reason_has_a_code_and_every_code_a_reason():
    assert {reason_code(r) for r in REASONS} == _declared(transport_pb2.DecisionReason)
    assert {reason_name(reason_code(r)) for r in REASONS} == REASONS
    assert reason_name(0) == ""


def test_every_enrol_refusal_has_a_code_and_every_code_a_refusal():
    assert set(ENROL_REFUSALS.values()) == _declared(transport_pb2.EnrolRefusal)
    assert enrol_refusals(["consent_missing", "face_blurred"]) == [
        transport_pb2.ENROL_REFUSAL_CONSENT_MISSING, transport_pb2.ENROL_REFUSAL_FACE_BLURRED]
    with pytest.raises(KeyError):
        enrol_refusals(["consent_missing: a sentence"])
    assert set(ENROL_REFUSALS) == REFUSALS


@pytest.mark.parametrize(("table", "enum", "back"), [
    (LANES, transport_pb2.Lane, lane_name), (OUTCOMES, transport_pb2.Outcome, outcome_name),
    (MODES, transport_pb2.MatchMode, mode_name)])
def test_lanes_outcomes_and_modes_both_ways(table, enum, back):
    assert {v for v in table.values() if v} == _declared(enum)
    assert all(back(code) == word for word, code in table.items())


def test_a_decision_message_carries_codes():
    msg = set_codes(transport_pb2.GateDecision(gate_id="g"), "face", "manual", "ambiguous_1ton",
                    "1:N")
    assert (msg.lane_code, msg.gate_outcome, msg.why, msg.match_mode) == (
        transport_pb2.LANE_FACE, transport_pb2.OUTCOME_MANUAL,
        transport_pb2.DECISION_REASON_AMBIGUOUS_1TON, transport_pb2.MATCH_MODE_ONE_TO_N)
    with pytest.raises(KeyError):
        set_codes(msg, "face", "open", "matched", "1:1")


def test_ownership_failures_are_said_alike_but_a_rebind():
    assert refusal_of("enrolled_other_id") == transport_pb2.REFUSAL_ENROLLED_OTHER_ID
    for reason in ("code_used", "ownership_not_proven", "already_enrolled"):
        assert refusal_of(reason) == transport_pb2.REFUSAL_OWNERSHIP_NOT_PROVEN


LIM = QualityLimits()


@pytest.mark.parametrize(("q", "failed"), [
    (FaceQuality(True, (), LIM.min_face_px, LIM.min_sharpness, 0.0, 1.0), ()),
    (FaceQuality(False, ("x",), LIM.min_face_px - 1, LIM.min_sharpness - 1,
                 LIM.max_abs_yaw_deg + 1, LIM.min_detector_score - 0.01),
     ("face_too_small", "face_blurred", "head_turned", "face_uncertain")),
    (FaceQuality(False, ("x",), 200.0, 500.0, -(LIM.max_abs_yaw_deg + 5), 0.99), ("head_turned",)),
])
def test_photo_quality_checks_as_codes(q, failed):
    assert failed_checks(q, LIM) == failed
