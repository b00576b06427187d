"""Alert transitions (pure): raise on a band rise, resolve on a fall, escalate, acknowledge."""

from datetime import UTC, datetime, timedelta

import pytest
from medical.domain.alerts import (
    ACKNOWLEDGED,
    ACKNOWLEDGED_BY,
    BAND_FELL,
    BAND_ROSE,
    ESCALATED,
    RAISED,
    RESOLVED,
    SUPERSEDED,
    AlertError,
    EscalationPolicy,
    Reason,
    acknowledge,
    escalate_due,
    on_score,
)

T0 = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
POLICY = EscalationPolicy((120.0, 60.0))


def _score(open_alert, risk, aggregate=0, at=T0, cause="ev-1", policy=POLICY):
    return on_score(open_alert, patient_id="p", care_team="team-a", risk=risk,
                    aggregate=aggregate, at=at, cause_id=cause, policy=policy).transitions


@pytest.mark.parametrize("risk,raises", [("low", False), ("low-medium", True),
                                         ("medium", True), ("high", True)])
def test_alerting_bands_from_no_open_alert(risk, raises):
    out = _score(None, risk, 5)
    assert [a.state for a in out] == ([RAISED] if raises else [])


def test_raised_alert_is_routed_to_the_team_with_an_escalation_time():
    (alert,) = _score(None, "medium", 5)
    assert (alert.routed_to, alert.level, alert.version) == ("team-a", 0, 1)
    assert alert.escalate_at == T0 + timedelta(seconds=120)
    # The raise's values are the alert's own: its band and aggregate.
    assert alert.reason == Reason(BAND_ROSE) and (alert.risk, alert.aggregate) == ("medium", 5)


def test_same_band_again_changes_nothing_and_ids_are_deterministic():
    (a,) = _score(None, "medium", 5, cause="ev-7")
    (b,) = _score(None, "medium", 5, cause="ev-7")
    assert a.alert_id == b.alert_id and a.transition_id == b.transition_id
    assert _score(a, "medium", 6, at=T0 + timedelta(seconds=5), cause="ev-8") == []


def test_rise_supersedes_and_raises_higher_fall_resolves_once():
    (medium,) = _score(None, "medium", 5, cause="ev-1")
    closed, high = _score(medium, "high", 8, at=T0 + timedelta(seconds=10), cause="ev-2")
    assert closed.alert_id == medium.alert_id and closed.state == RESOLVED
    assert closed.reason == Reason(SUPERSEDED, risk="high")
    assert high.state == RAISED and high.risk == "high" and high.alert_id != medium.alert_id
    (resolved,) = _score(high, "medium", 6, at=T0 + timedelta(seconds=20), cause="ev-3")
    assert resolved.state == RESOLVED and resolved.version == 2
    assert resolved.reason == Reason(BAND_FELL, risk="medium", aggregate=6)
    # No alert is open any more, and medium is not a rise: nothing new.
    assert _score(None, "medium", 6, cause="ev-4")[0].state == RAISED  # a fresh rise from none
    assert resolved.transition_id != high.transition_id


def test_escalation_goes_up_one_level_per_timeout_and_stops_at_rapid_response():
    (alert,) = _score(None, "high", 9)
    assert escalate_due(alert, T0 + timedelta(seconds=119), POLICY) is None
    up1 = escalate_due(alert, T0 + timedelta(seconds=120), POLICY)
    assert (up1.level, up1.routed_to, up1.version) == (1, "team-a/senior", 2)
    assert up1.escalate_at == T0 + timedelta(seconds=180)
    assert up1.reason == Reason(ESCALATED, waited_s=120.0)
    up2 = escalate_due(up1, T0 + timedelta(seconds=181), POLICY)
    assert (up2.level, up2.routed_to, up2.escalate_at) == (2, "rapid-response", None)
    assert up2.reason == Reason(ESCALATED, waited_s=60.0)
    assert escalate_due(up2, T0 + timedelta(hours=1), POLICY) is None


def test_acknowledged_alert_does_not_escalate_and_cannot_be_acknowledged_twice():
    (alert,) = _score(None, "high", 9)
    acked = acknowledge(alert, "dr-wang", T0 + timedelta(seconds=30))
    assert (acked.state, acked.acknowledged_by, acked.escalate_at) == (ACKNOWLEDGED, "dr-wang",
                                                                       None)
    assert acked.reason == Reason(ACKNOWLEDGED_BY)
    assert escalate_due(acked, T0 + timedelta(hours=1), POLICY) is None
    with pytest.raises(AlertError, match="already acknowledged by dr-wang"):
        acknowledge(acked, "dr-li", T0 + timedelta(seconds=40))
    (resolved,) = _score(acked, "low", 2, at=T0 + timedelta(seconds=50))
    with pytest.raises(AlertError, match="already resolved"):
        acknowledge(resolved, "dr-wang", T0 + timedelta(seconds=60))


def test_a_band_wavering_at_its_edge_does_not_resolve_until_it_stays_lower():
    held = EscalationPolicy((120.0, 60.0), resolve_hold_s=30.0)

    def score(alert, risk, seconds):
        return on_score(alert, patient_id="p", care_team="team-a", risk=risk, aggregate=0,
                        at=T0 + timedelta(seconds=seconds), cause_id=f"ev-{seconds}",
                        policy=held)

    raised = score(None, "medium", 0).open
    dipped = score(raised, "low", 5)
    assert dipped.transitions == [] and dipped.open.band_lower_since == T0 + timedelta(seconds=5)
    back = score(dipped.open, "medium", 10)
    assert back.transitions == [] and back.open.band_lower_since is None  # hold restarts
    low = score(back.open, "low", 20).open
    assert score(low, "low", 49).transitions == []
    (resolved,) = score(score(low, "low", 49).open, "low", 50).transitions
    assert resolved.state == RESOLVED and resolved.version == 2
