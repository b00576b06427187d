"""Transport domain rules, table-driven: thresholds from FAR, decisions, gallery, ledger."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from transport.domain.decision import Candidate, Decision, against_claim, decide_1to1, decide_1ton
from transport.domain.enrolment import (
    PhotoFace,
    consent_problems,
    in_window,
    photo_problems,
    purge_after,
)
from transport.domain.gallery import Gallery, GalleryEntry
from transport.domain.ledger import Ledger, LedgerError
from transport.domain.liveness import decode_actions, draw_challenge, encode_actions, instruction
from transport.domain.thresholds import (
    FLOOR_FAR,
    ImpostorModel,
    StationPolicy,
    fit_impostor_model,
    open_set_false_admission,
    per_comparison_far,
)

# ------------------------------------------------------------------ thresholds


EXP = ImpostorModel(body=((0.4, 0.5), (0.5, 0.1)), sigma=0.05, xi=0.0)


@pytest.mark.parametrize(("far", "expected"), [
    # body knots, log-linear between them, then u - sigma * ln(far / zeta) past u = 0.5.
    (0.5, 0.4), (0.1, 0.5), (math.sqrt(0.05), 0.45), (0.01, 0.5 + 0.05 * math.log(10)),
    (1e-7, 0.5 + 0.05 * math.log(1e6)),
])
def test_tail_threshold_and_far_are_inverse(far, expected):
    assert EXP.threshold(far) == pytest.approx(expected, abs=1e-9)
    assert EXP.far(expected) == pytest.approx(far, rel=1e-9)


def test_gpd_fit_recovers_an_exponential_tail():
    rng = np.random.default_rng(3)
    scores = 0.4 + rng.exponential(0.05, 200_000)  # P(S >= t) = exp(-(t - 0.4) / 0.05)
    model, xi = fit_impostor_model(scores, tail_fraction=0.02)
    assert abs(xi) < 0.05
    for far in (1e-3, 1e-5):
        assert model.threshold(far) == pytest.approx(0.4 - 0.05 * math.log(far), abs=0.01)


def test_bounded_tail_is_extrapolated_conservatively():
    rng = np.random.default_rng(4)
    scores = rng.beta(8, 12, 100_000)  # bounded, like cosine: the fitted shape is < 0
    clamped, xi = fit_impostor_model(scores)
    loose, _ = fit_impostor_model(scores, clamp_shape=False)
    assert xi < 0
    assert clamped.threshold(1e-7) > loose.threshold(1e-7)


def test_open_set_false_admission_grows_with_gallery():
    p = per_comparison_far(1e-3, 10_000)
    assert open_set_false_admission(p, 10_000) == pytest.approx(1e-3, rel=1e-6)
    assert open_set_false_admission(p, 100_000) > 5e-3


@pytest.mark.parametrize("far", [0.0, 1.0, -0.1, 2.0])
def test_far_outside_0_1_is_refused(far):
    with pytest.raises(ValueError):
        ImpostorModel().threshold(far)


@pytest.mark.parametrize(("system", "n", "expected"), [
    (1e-3, 1, 1e-3), (1e-3, 0, 1e-3), (1e-3, 10, 1.0005e-4), (1e-2, 1000, 1.00503e-5),
])
def test_per_comparison_far(system, n, expected):
    assert per_comparison_far(system, n) == pytest.approx(expected, rel=1e-3)
    if n > 1:  # n comparisons at that rate give the system rate back
        assert 1 - (1 - per_comparison_far(system, n)) ** n == pytest.approx(system, rel=1e-9)


def test_1ton_threshold_rises_with_gallery_size_and_never_below_floor():
    policy = StationPolicy()
    sizes = [1, 10, 1_000, 100_000]
    accepts = [policy.thresholds_1ton(n)[0] for n in sizes]
    assert accepts == sorted(accepts) and accepts[-1] > accepts[0]
    floor = ImpostorModel().threshold(FLOOR_FAR)
    assert policy.accept_floor == floor
    assert all(a >= floor for a in accepts)
    loose = StationPolicy(far_1to1=0.4)
    assert loose.thresholds_1to1()[0] == floor
    # The floor follows the impostor model (another embedding, another floor) unless set.
    assert StationPolicy(impostors=EXP, far_1to1=0.4).thresholds_1to1()[0] == \
        pytest.approx(EXP.threshold(FLOOR_FAR))
    assert StationPolicy(floor=0.9, far_1to1=0.4).thresholds_1to1()[0] == 0.9


def test_stricter_station_far_gives_higher_threshold():
    assert StationPolicy(far_1to1=1e-6).thresholds_1to1()[0] > \
        StationPolicy(far_1to1=1e-3).thresholds_1to1()[0]


def test_manual_band_sits_below_accept():
    accept, manual = StationPolicy().thresholds_1to1()
    assert manual < accept


# ------------------------------------------------------------------ decisions

POLICY = StationPolicy()
ACCEPT, MANUAL = POLICY.thresholds_1to1()


@pytest.mark.parametrize(("score", "outcome", "reason"), [
    (0.95, "open", "match_1to1"),
    (ACCEPT, "open", "match_1to1"),
    (ACCEPT - 1e-4, "manual", "uncertain_1to1"),
    (MANUAL, "manual", "uncertain_1to1"),
    (MANUAL - 1e-4, "deny", "not_ticket_holder"),
    (0.0, "deny", "not_ticket_holder"),
])
def test_1to1_rules(score, outcome, reason):
    d = decide_1to1(score, "T1", "E1", POLICY)
    assert (d.outcome, d.reason, d.mode) == (outcome, reason, "1:1")
    assert d.score == score and d.threshold == ACCEPT and d.ticket_id == "T1"


A2, M2 = POLICY.thresholds_1ton(2)


@pytest.mark.parametrize(("scores", "outcome", "reason", "ticket"), [
    ([], "deny", "gallery_empty", ""),
    ([0.9], "open", "match_1ton", "T0"),
    ([0.9, 0.5], "open", "match_1ton", "T0"),
    ([0.9, 0.88], "manual", "ambiguous_1ton", "T0"),  # two passengers look alike
    ([A2 - 1e-4, 0.3], "manual", "uncertain_1ton", "T0"),
    ([M2 - 1e-4, 0.3], "deny", "no_match", ""),
])
def test_1ton_rules(scores, outcome, reason, ticket):
    cands = [Candidate(f"E{i}", f"T{i}", s) for i, s in enumerate(scores)]
    d = decide_1ton(cands, 2, POLICY)
    assert (d.outcome, d.reason, d.ticket_id) == (outcome, reason, ticket)
    assert d.mode == "1:N"


# ------------------------------------------------------------------ gallery

T0 = datetime(2026, 11, 22, 8, 0, tzinfo=UTC).timestamp()


def _unit(rng: np.random.Generator, n: int, d: int = 128) -> np.ndarray:
    v = rng.random((n, d), dtype=np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


OPEN = Decision("open", "match_1to1", "1:1", 0.9, 0.8, "T1", "e1")


@pytest.mark.parametrize(("decision", "claimed_by", "outcome", "reason"), [
    (OPEN, None, "open", "match_1to1"),               # unused ticket
    (OPEN, "d-this", "open", "match_1to1"),           # this decision's own claim (a retry)
    (OPEN, "d-earlier", "deny", "ticket_used"),       # anti-passback
    (Decision("deny", "not_ticket_holder", ticket_id="T1"), "d-earlier", "deny",
     "not_ticket_holder"),
    (Decision("manual", "uncertain_1to1", ticket_id="T1"), "d-earlier", "manual",
     "uncertain_1to1"),
])
def test_a_ticket_opens_once(decision, claimed_by, outcome, reason):
    got = against_claim(decision, "d-this", claimed_by)
    assert (got.outcome, got.reason) == (outcome, reason)
    assert (got.score, got.ticket_id, got.mode) == (decision.score, decision.ticket_id,
                                                    decision.mode)


def test_gallery_finds_the_probe_within_station_and_window():
    rng = np.random.default_rng(1)
    vecs = _unit(rng, 50)
    g = Gallery(capacity=4)  # forces growth
    for i, v in enumerate(vecs):
        g.add(GalleryEntry(f"E{i}", f"T{i}", "hsr" if i % 2 == 0 else "bus", T0 + 60 * i), v)
    probe = vecs[10] + 0.05 * _unit(rng, 1)[0]
    cands, n = g.search(probe, "hsr", T0, T0 + 60 * 49)
    assert n == 25 and cands[0].enrolment_id == "E10" and cands[0].score > cands[1].score
    cands, n = g.search(probe, "bus", T0, T0 + 60 * 49)
    assert n == 25 and cands[0].enrolment_id != "E10"
    cands, n = g.search(probe, "hsr", T0 + 60 * 11, T0 + 60 * 49)  # E10 left the window
    assert cands[0].enrolment_id != "E10"
    assert g.search(probe, "nowhere", 0, 1e12) == ([], 0)


def test_gallery_remove_leaves_no_trace_and_keeps_others_searchable():
    rng = np.random.default_rng(2)
    vecs = _unit(rng, 5)
    g = Gallery(capacity=8)
    for i, v in enumerate(vecs):
        g.add(GalleryEntry(f"E{i}", f"T{i}", "hsr", T0), v)
    assert g.remove("E1") and not g.remove("E1")
    assert "E1" not in g and len(g) == 4 and g.vector("E1") is None
    assert not np.any(np.all(np.isclose(g._m, vecs[1]), axis=1)), "row wiped"
    for i in (0, 2, 3, 4):
        cands, _ = g.search(vecs[i], "hsr", 0, 1e12, k=1)
        assert cands[0].enrolment_id == f"E{i}" and cands[0].score == pytest.approx(1.0)


def test_gallery_refuses_wrong_dimension():
    with pytest.raises(ValueError):
        Gallery().add(GalleryEntry("E", "T", "s", 0), np.ones(1024))  # a FaceRes-era template


# ------------------------------------------------------------------ ledger


def test_charge_is_idempotent_on_decision_id_and_refund_once():
    led = Ledger()
    assert led.charge("d1", "p1", "T1", 1250) is not None
    assert [led.charge("d1", "p1", "T1", 1250) for _ in range(3)] == [None] * 3
    assert led.balance_fen("p1") == 1250
    assert led.charge("d2", "p1", "T2", 300) is not None
    assert led.balance_fen("p1") == 1550
    assert led.refund("d1") is not None and led.refund("d1") is None
    assert led.balance_fen("p1") == 300
    assert [(e.decision_id, e.kind) for e in led.entries()] == [
        ("d1", "charge"), ("d2", "charge"), ("d1", "refund")]


@pytest.mark.parametrize(("args", "match"), [
    (("d", "p", "T", 0), "positive"), (("d", "p", "T", -5), "positive"),
    (("", "p", "T", 100), "decision id"),
])
def test_bad_charges_are_refused(args, match):
    with pytest.raises(LedgerError, match=match):
        Ledger().charge(*args)


def test_refund_without_charge_is_refused():
    with pytest.raises(LedgerError):
        Ledger().refund("nope")


# ------------------------------------------------------------------ enrolment rules


@pytest.mark.parametrize(("accepted", "version", "n"), [
    (True, "face-2025-06", 0), (False, "face-2025-06", 1), (True, "v0", 1), (False, "", 2)])
def test_consent(accepted, version, n):
    assert len(consent_problems(accepted, version)) == n


@pytest.mark.parametrize(("faces", "problems"), [
    ([], ["no_face"]),
    ([PhotoFace(200, True), PhotoFace(180, True)], ["several_faces"]),
    ([PhotoFace(50, False, ("face_too_small",))], ["face_too_small"]),
    ([PhotoFace(200, False, ("face_blurred", "head_turned"))], ["face_blurred", "head_turned"]),
    ([PhotoFace(200, False)], ["face_uncertain"]),  # failed, no check named: still refused
])
def test_photo_refusals(faces, problems):
    assert photo_problems(faces) == problems


def test_photo_with_small_background_face_is_accepted():
    assert photo_problems([PhotoFace(300, True), PhotoFace(40, False, ("face_too_small",))]) == []


def test_retention_and_window():
    dep = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    assert purge_after(dep, timedelta(hours=24)) == dep + timedelta(hours=24)
    assert in_window(dep, dep - timedelta(minutes=119), 30, 120)
    assert not in_window(dep, dep - timedelta(minutes=121), 30, 120)
    assert in_window(dep, dep + timedelta(minutes=29), 30, 120)
    assert not in_window(dep, dep + timedelta(minutes=31), 30, 120)


# ------------------------------------------------------------------ liveness choice


def test_challenge_draws_two_actions_with_a_turn_uniformly():
    rng = random.Random(7)
    allowed = ["turn_left", "turn_right", "blink", "move_closer"]
    draws = [draw_challenge(allowed, rng) for _ in range(5000)]
    assert all(len(d) == 2 and d[0] != d[1] and {"turn_left", "turn_right"} & set(d)
               for d in draws)
    orders = {d: draws.count(d) for d in set(draws)}
    assert len(orders) == 10  # 12 ordered pairs, less (blink, closer) both ways
    assert all(400 < n < 600 for n in orders.values()), orders
    with pytest.raises(ValueError):
        draw_challenge(["blink", "move_closer"])  # no turn: nothing for the parallax check
    with pytest.raises(ValueError):
        draw_challenge(["smile", "turn_left"])


def test_challenge_wire_form_and_instruction():
    actions = ("turn_left", "move_closer")
    assert decode_actions(encode_actions(actions)) == actions
    assert decode_actions("turn_right") == ("turn_right",)
    with pytest.raises(ValueError):
        decode_actions("turn_left,smile")
    zh, en = instruction(actions)
    assert zh.index("左") < zh.index("靠近")
    assert en == "Look at the camera, first turn your head to your left, then back, then " \
                 "move closer to the camera"
