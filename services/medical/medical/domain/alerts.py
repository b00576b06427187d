"""Deterioration alerts: when one is raised, escalated, acknowledged and resolved.

Pure state transitions, no I/O. One patient has at most one open alert. A rise of the NEWS2
clinical risk band into an alerting band raises one (superseding a lower open alert); a fall
below the band that raised it resolves it once the band has stayed lower for a hold time; an
alert nobody acknowledged escalates one level per timeout (care team → the team's senior
clinician → the rapid response team).

Every transition gets a deterministic id derived from what caused it, so the same input
replayed after a crash produces the same alert ids and transition event ids.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

RISK_RANK = {"low": 0, "low-medium": 1, "medium": 2, "high": 3}
ALERTING_FROM = "low-medium"

RAISED = "raised"
ACKNOWLEDGED = "acknowledged"
RESOLVED = "resolved"

# Why a transition happened (zezhou5g.medical.v1.AlertReasonCode on the wire).
BAND_ROSE = "band_rose"
SUPERSEDED = "superseded"
BAND_FELL = "band_fell"
ACKNOWLEDGED_BY = "acknowledged"
ESCALATED = "escalated"

_NAMESPACE = uuid.UUID("6f0c3c3e-4d7e-4b55-9a59-0b6a3f3f2a51")


class AlertError(ValueError):
    """A transition that is not allowed (e.g. acknowledging a resolved alert)."""


@dataclass(frozen=True)
class EscalationPolicy:
    """How long an alert may stay unacknowledged at each level before it goes up one.

    ``timeouts_s[i]`` is the wait at level ``i``; the last level does not escalate further.
    """

    timeouts_s: tuple[float, ...] = (120.0, 120.0)
    # How long the band must stay below the alert's before it resolves (s): a score wavering
    # at a band edge would otherwise raise and resolve an alert on every other set.
    resolve_hold_s: float = 0.0

    @property
    def top_level(self) -> int:
        """The highest escalation level."""
        return len(self.timeouts_s)

    def routed_to(self, care_team: str, level: int) -> str:
        """Who must respond at ``level``: the team, its senior clinician, rapid response."""
        if level == 0:
            return care_team
        if level < self.top_level:
            return f"{care_team}/senior"
        return "rapid-response"

    def escalate_at(self, since: datetime, level: int) -> datetime | None:
        """When an alert that reached ``level`` at ``since`` escalates; None at the top."""
        if level >= self.top_level:
            return None
        return since + timedelta(seconds=self.timeouts_s[level])


@dataclass(frozen=True)
class Reason:
    """Why one transition happened: a code and the values its wording needs; no prose.

    Attributes:
        code: ``BAND_ROSE``, ``SUPERSEDED``, ``BAND_FELL``, ``ACKNOWLEDGED_BY`` or ``ESCALATED``.
        risk: ``SUPERSEDED``, ``BAND_FELL``: the band the score moved to; else "".
        aggregate: ``BAND_FELL``: the NEWS2 aggregate that fell below the band; else 0.
        waited_s: ``ESCALATED``: how long it stayed unacknowledged at the level below, s.
    """

    code: str
    risk: str = ""
    aggregate: int = 0
    waited_s: float = 0.0


@dataclass(frozen=True)
class AlertRecord:
    """One alert as it stands after its latest transition (times are UTC)."""

    alert_id: str
    patient_id: str
    care_team: str
    risk: str
    aggregate: int
    state: str
    level: int
    routed_to: str
    raised_at: datetime
    escalate_at: datetime | None
    reason: Reason
    # When the latest transition happened.
    changed_at: datetime
    version: int = 1
    acknowledged_by: str = ""
    acknowledged_at: datetime | None = None
    resolved_at: datetime | None = None
    band_lower_since: datetime | None = None

    @property
    def is_open(self) -> bool:
        """Raised or acknowledged, not yet resolved."""
        return self.state != RESOLVED

    @property
    def transition_id(self) -> str:
        """Deterministic event id of this transition (alert id + version)."""
        return str(uuid.uuid5(_NAMESPACE, f"{self.alert_id}/{self.version}"))


def alerting(risk: str) -> bool:
    """Whether a NEWS2 risk band calls for an alert (low-medium and above)."""
    return RISK_RANK.get(risk, 0) >= RISK_RANK[ALERTING_FROM]


@dataclass(frozen=True)
class AlertUpdate:
    """What a new score does to a patient's alerts.

    ``transitions`` are published (oldest first); ``open`` is the open alert after them, which
    may also change quietly (the start of a hold before resolving).
    """

    transitions: list[AlertRecord]
    open: AlertRecord | None


def on_score(open_alert: AlertRecord | None, *, patient_id: str, care_team: str, risk: str,
             aggregate: int, at: datetime, cause_id: str,
             policy: EscalationPolicy) -> AlertUpdate:
    """What a new NEWS2 result of the patient does to their alerts.

    ``cause_id`` is the id of the observation event that produced the score; the alert id is
    derived from it, so a replay raises the same alert.
    """
    rank = RISK_RANK.get(risk, 0)
    out: list[AlertRecord] = []
    if open_alert is not None:
        open_rank = RISK_RANK[open_alert.risk]
        if rank == open_rank:
            if open_alert.band_lower_since is None:
                return AlertUpdate([], open_alert)
            return AlertUpdate([], replace(open_alert, band_lower_since=None))
        if rank < open_rank:
            since = open_alert.band_lower_since or at
            if (at - since).total_seconds() >= policy.resolve_hold_s:
                fell = Reason(BAND_FELL, risk=risk, aggregate=aggregate)
                return AlertUpdate([_resolve(open_alert, at, fell)], None)
            return AlertUpdate([], replace(open_alert, band_lower_since=since))
        out.append(_resolve(open_alert, at, Reason(SUPERSEDED, risk=risk)))
    if not alerting(risk):
        return AlertUpdate(out, None)
    raised = AlertRecord(
        alert_id=str(uuid.uuid5(_NAMESPACE, f"raise/{cause_id}")), patient_id=patient_id,
        care_team=care_team, risk=risk, aggregate=aggregate, state=RAISED, level=0,
        routed_to=policy.routed_to(care_team, 0), raised_at=at,
        escalate_at=policy.escalate_at(at, 0), reason=Reason(BAND_ROSE), changed_at=at)
    return AlertUpdate([*out, raised], raised)


def acknowledge(alert: AlertRecord, user: str, at: datetime) -> AlertRecord:
    """A clinician takes the alert: escalation stops."""
    if alert.state == RESOLVED:
        raise AlertError("the alert is already resolved")
    if alert.state == ACKNOWLEDGED:
        raise AlertError(f"the alert was already acknowledged by {alert.acknowledged_by}")
    return replace(alert, state=ACKNOWLEDGED, acknowledged_by=user, acknowledged_at=at,
                   escalate_at=None, version=alert.version + 1, changed_at=at,
                   reason=Reason(ACKNOWLEDGED_BY))


def escalate_due(alert: AlertRecord, now: datetime,
                 policy: EscalationPolicy) -> AlertRecord | None:
    """The escalated alert when its timeout passed unacknowledged, else None."""
    if alert.state != RAISED or alert.escalate_at is None or now < alert.escalate_at:
        return None
    level = alert.level + 1
    waited = policy.timeouts_s[alert.level]
    return replace(alert, level=level, routed_to=policy.routed_to(alert.care_team, level),
                   escalate_at=policy.escalate_at(alert.escalate_at, level),
                   version=alert.version + 1, changed_at=alert.escalate_at,
                   reason=Reason(ESCALATED, waited_s=waited))


def _resolve(alert: AlertRecord, at: datetime, reason: Reason) -> AlertRecord:
    return replace(alert, state=RESOLVED, resolved_at=at, escalate_at=None,
                   version=alert.version + 1, reason=reason, changed_at=at,
                   band_lower_since=None)
