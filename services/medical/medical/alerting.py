"""Clinicians acknowledge alerts; unacknowledged ones escalate when their time is up."""

from __future__ import annotations

from datetime import UTC, datetime

import redis
from zezhou5g.medical.v1 import medical_pb2

from medical.adapters.outbox import OutboxRelay
from medical.adapters.state import PatientState, open_alert_key
from medical.domain.alerts import AlertError, EscalationPolicy, acknowledge, escalate_due
from medical.topics import ALERTS


class AlertNotFound(LookupError):
    """No such alert."""


class AlertDesk:
    """Acknowledgement and escalation, each one atomic transition with its event."""

    def __init__(self, state: PatientState, relay: OutboxRelay,
                 policy: EscalationPolicy) -> None:
        self.state = state
        self.relay = relay
        self.policy = policy

    def acknowledge(self, alert_id: str, user: str,
                    now: datetime | None = None) -> medical_pb2.Alert:
        """Acknowledge an open alert as ``user``; :class:`AlertError` when it is not open."""
        found = self.state.get_alert(alert_id)
        if found is None:
            raise AlertNotFound(alert_id)
        key = open_alert_key(found.patient_id)
        while True:
            with self.state.client.pipeline() as pipe:
                try:
                    pipe.watch(key)
                    current = self.state.open_alert(found.patient_id)
                    if current is None or current.alert_id != alert_id:
                        latest = self.state.get_alert(alert_id) or found
                        acknowledge(latest, user, now or datetime.now(UTC))  # raises the reason
                        raise AlertError("the alert is no longer open")
                    acked = acknowledge(current, user, now or datetime.now(UTC))
                    pipe.multi()
                    msg = PatientState.stage_alert(pipe, acked)
                    pipe.execute()
                except redis.WatchError:
                    continue
            self.relay.send(ALERTS, acked.patient_id, msg)
            return msg

    def escalate(self, now: datetime | None = None) -> int:
        """Escalate every alert whose timeout passed unacknowledged; returns how many."""
        now = now or datetime.now(UTC)
        done = 0
        for alert_id in self.state.due_alerts(now):
            found = self.state.get_alert(alert_id)
            if found is None:
                self.state.client.zrem("medical:alerts:due", alert_id)
                continue
            with self.state.client.pipeline() as pipe:
                try:
                    pipe.watch(open_alert_key(found.patient_id))
                    current = self.state.open_alert(found.patient_id)
                    if current is None or current.alert_id != alert_id:
                        pipe.unwatch()
                        self.state.client.zrem("medical:alerts:due", alert_id)
                        continue
                    up = escalate_due(current, now, self.policy)
                    if up is None:
                        continue
                    pipe.multi()
                    msg = PatientState.stage_alert(pipe, up)
                    pipe.execute()
                except redis.WatchError:
                    continue  # changed meanwhile; the next round decides again
            self.relay.send(ALERTS, up.patient_id, msg)
            done += 1
        return done
