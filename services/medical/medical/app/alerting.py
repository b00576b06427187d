"""What happens when a clinician acknowledges an alert, and when nobody does in time.

``AcknowledgeAlert`` (RPC) and the escalation loop (``runtime.every``, once a second). Each
transition is one outbox unit that watches the patient's open alert, so an acknowledgement and
an escalation (or a new observation set) racing on one alert are decided one after the other,
and each transition's event (id from the alert id and version) is published exactly as stored.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime

from zezhou5g.medical.v1 import medical_pb2
from zezhou5g.platform.outbox import RedisOutbox, RedisUnit

from medical.adapters.patient_store import PatientStore
from medical.domain.alerts import AlertError, EscalationPolicy, acknowledge, escalate_due
from medical.topics import ALERTS


class AlertNotFound(LookupError):
    """No such alert."""


class AlertDesk:
    """Acknowledgement and escalation, each one atomic transition with its event."""

    def __init__(self, store: PatientStore, outbox: RedisOutbox,
                 policy: EscalationPolicy) -> None:
        self.store = store
        self.outbox = outbox
        self.policy = policy

    def acknowledge(self, alert_id: str, user: str,
                    now: datetime | None = None) -> medical_pb2.Alert:
        """Acknowledge an open alert as ``user``; :class:`AlertError` when it is not open."""
        found = self.store.get_alert(alert_id)
        if found is None:
            raise AlertNotFound(alert_id)
        at = now or datetime.now(UTC)

        def work(unit: RedisUnit) -> medical_pb2.Alert:
            current = self.store.watch_open_alert(unit, found.patient_id)
            if current is None or current.alert_id != alert_id:
                latest = self.store.get_alert(alert_id, unit.r) or found
                acknowledge(latest, user, at)  # raises why (already acknowledged, resolved)
                raise AlertError("the alert is no longer open")
            acked = acknowledge(current, user, at)
            return unit.emit(ALERTS, self.store.stage_alert(unit, acked), acked.patient_id)  # type: ignore[return-value]

        return self.outbox.transact(work)

    def escalate(self, now: datetime | None = None) -> int:
        """Escalate every alert whose timeout passed unacknowledged; returns how many."""
        at = now or datetime.now(UTC)
        return sum(self.outbox.transact(functools.partial(self._escalate_one, alert_id=alert_id,
                                                          now=at))
                   for alert_id in self.store.due_alerts(at))

    def _escalate_one(self, unit: RedisUnit, alert_id: str, now: datetime) -> int:
        found = self.store.get_alert(alert_id, unit.r)
        current = None if found is None else self.store.watch_open_alert(unit, found.patient_id)
        if current is None or current.alert_id != alert_id:
            # Acknowledged, resolved, superseded or expired: no longer on the schedule.
            self.store.stage_not_due(unit, alert_id)
            return 0
        up = escalate_due(current, now, self.policy)
        if up is None:
            if current.escalate_at is None:  # nothing left to escalate to
                self.store.stage_not_due(unit, alert_id)
            return 0
        unit.emit(ALERTS, self.store.stage_alert(unit, up), up.patient_id)
        return 1
