"""Alarms after the ThingsBoard alarm model.

One alarm per (originator, type) while it is active: raising again updates it in place (the
severity may go up or down, ``end_time`` moves on) and never creates a second one. An alarm is
*active* until its condition clears, and *unacknowledged* until a person acknowledges it; the four
statuses are the combinations. Once cleared, the next occurrence is a new alarm.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime


class Severity(enum.IntEnum):
    """Alarm severity; the values match ``zezhou5g.agri.v1.Severity`` and order by gravity."""

    WARNING = 1
    MINOR = 2
    MAJOR = 3
    CRITICAL = 4


class Status(enum.IntEnum):
    """Alarm status; the values match ``zezhou5g.agri.v1.AlarmStatus``."""

    ACTIVE_UNACK = 1
    ACTIVE_ACK = 2
    CLEARED_UNACK = 3
    CLEARED_ACK = 4


class Change(enum.Enum):
    """What an operation did to the alarm (drives events and side effects such as work orders)."""

    NONE = "none"
    CREATED = "created"
    SEVERITY_UPDATED = "severity_updated"
    CLEARED = "cleared"
    ACKED = "acked"
    REPEATED = "repeated"       # notified again (unacknowledged critical alarm)


@dataclass(frozen=True)
class Alarm:
    """One alarm. Times are UTC."""

    id: str
    originator: str
    type: str
    severity: Severity
    status: Status
    start_time: datetime
    end_time: datetime
    field_id: str = ""
    ack_time: datetime | None = None
    clear_time: datetime | None = None
    acked_by: str = ""
    details: str = "{}"
    notify_count: int = 1       # notifications sent: the raise, then each repeat
    notified_at: datetime | None = None   # wall-clock time of the last repeat
    version: int = 1            # 1 when raised, +1 on each change (names its events)

    @property
    def active(self) -> bool:
        """The condition still holds."""
        return self.status in (Status.ACTIVE_UNACK, Status.ACTIVE_ACK)

    @property
    def acknowledged(self) -> bool:
        """A person has acknowledged it."""
        return self.status in (Status.ACTIVE_ACK, Status.CLEARED_ACK)


def raise_alarm(current: Alarm | None, *, new_id: str, originator: str, alarm_type: str,
                severity: Severity, now: datetime, field_id: str = "",
                details: str = "{}") -> tuple[Alarm, Change]:
    """Raise (or refresh) the alarm of ``originator``/``alarm_type`` at ``severity``.

    ``current`` is the latest alarm of that originator and type, if any (active or cleared);
    ``new_id`` is used only when a new alarm is created. ``now`` is UTC; ``details`` JSON.
    """
    if current is not None and current.active:
        if current.severity == severity:
            return replace(current, end_time=max(now, current.end_time), details=details), \
                Change.NONE
        updated = replace(current, severity=severity, end_time=max(now, current.end_time),
                          details=details, version=current.version + 1)
        return updated, Change.SEVERITY_UPDATED
    alarm = Alarm(new_id, originator, alarm_type, severity, Status.ACTIVE_UNACK, now, now,
                  field_id=field_id, details=details)
    return alarm, Change.CREATED


def clear_alarm(current: Alarm | None, now: datetime) -> tuple[Alarm | None, Change]:
    """Clear an active alarm (keeping its acknowledgement); anything else is left as is."""
    if current is None or not current.active:
        return current, Change.NONE
    status = Status.CLEARED_ACK if current.acknowledged else Status.CLEARED_UNACK
    return replace(current, status=status, clear_time=now, end_time=max(now, current.end_time),
                   version=current.version + 1), Change.CLEARED


def ack_alarm(current: Alarm, user: str, now: datetime) -> tuple[Alarm, Change]:
    """Acknowledge; acknowledging twice changes nothing."""
    if current.acknowledged:
        return current, Change.NONE
    status = Status.ACTIVE_ACK if current.active else Status.CLEARED_ACK
    return replace(current, status=status, ack_time=now, acked_by=user,
                   version=current.version + 1), Change.ACKED


def repeat_alarm(current: Alarm, now: datetime) -> tuple[Alarm, Change]:
    """Notify an active, unacknowledged critical alarm again (counted); anything else: no-op."""
    if not current.active or current.acknowledged or current.severity != Severity.CRITICAL:
        return current, Change.NONE
    return replace(current, notify_count=current.notify_count + 1, notified_at=now,
                   version=current.version + 1), Change.REPEATED


def decide(current: Alarm | None, *, new_id: str, originator: str, alarm_type: str,
           severity: Severity | None, clear: bool, now: datetime, field_id: str = "",
           details: str = "{}") -> tuple[Alarm | None, Change]:
    """Raise at ``severity`` (when given), else clear (when ``clear``), else leave as is.

    ``current`` is the latest alarm of ``originator``/``alarm_type`` (None: there is none).
    """
    if severity is not None:
        return raise_alarm(current, new_id=new_id, originator=originator,
                           alarm_type=alarm_type, severity=severity, now=now,
                           field_id=field_id, details=details)
    if clear:
        return clear_alarm(current, now)
    return current, Change.NONE


def highest(alarms: list[Alarm]) -> Severity | None:
    """Highest severity among active alarms (None when none is active)."""
    active = [a.severity for a in alarms if a.active]
    return max(active) if active else None
