"""Alarms: current alarm per (originator, type) in Redis, every alarm in SQL, changes on Kafka.

Redis ``agri:alarms:<originator>`` maps alarm type → the latest alarm (active or cleared) as
JSON; SQL ``agri_alarms`` keeps every alarm for lists and reports; each change is published to
``agri.alarms`` keyed by originator. One lock serialises changes from the Kafka consumer, the
silence checker and acknowledgements from the API.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import redis
from prometheus_client import Counter
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from zezhou5g.agri.v1 import agri_pb2
from zezhou5g.platform.events import new_event_id
from zezhou5g.platform.kafka import EventProducer

from agri.adapters.tables import AlarmRow
from agri.domain.alarms import (
    Alarm,
    Change,
    Severity,
    Status,
    ack_alarm,
    clear_alarm,
    raise_alarm,
    repeat_alarm,
)
from agri.topics import ALARMS

ALARM_CHANGES = Counter("agri_alarm_changes_total", "Alarm changes", ["type", "change"])

Listener = Callable[[Alarm, Change], None]


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def to_json(alarm: Alarm) -> str:
    """The alarm as JSON (ISO 8601 UTC times)."""
    d: dict[str, Any] = asdict(alarm)
    for k in ("start_time", "end_time", "ack_time", "clear_time", "notified_at"):
        d[k] = d[k].isoformat() if d[k] else None
    d["severity"], d["status"] = int(alarm.severity), int(alarm.status)
    return json.dumps(d)


def from_json(text: str) -> Alarm:
    """Inverse of :func:`to_json`."""
    d = json.loads(text)
    return Alarm(d["id"], d["originator"], d["type"], Severity(d["severity"]),
                 Status(d["status"]), _dt(d["start_time"]), _dt(d["end_time"]),  # type: ignore[arg-type]
                 d["field_id"], _dt(d["ack_time"]), _dt(d["clear_time"]), d["acked_by"],
                 d["details"], int(d.get("notify_count", 1)),
                 _dt(d.get("notified_at")))


def to_proto(alarm: Alarm) -> agri_pb2.Alarm:
    """Wire form of an alarm."""
    msg = agri_pb2.Alarm(id=alarm.id, originator=alarm.originator, type=alarm.type,
                         severity=int(alarm.severity), status=int(alarm.status),  # type: ignore[arg-type]
                         field_id=alarm.field_id, details_json=alarm.details,
                         acked_by=alarm.acked_by, notify_count=alarm.notify_count)
    msg.start_time.FromDatetime(alarm.start_time)
    msg.end_time.FromDatetime(alarm.end_time)
    if alarm.ack_time:
        msg.ack_time.FromDatetime(alarm.ack_time)
    if alarm.clear_time:
        msg.clear_time.FromDatetime(alarm.clear_time)
    return msg


def _from_row(r: AlarmRow) -> Alarm:
    def utc(t: datetime | None) -> datetime | None:
        return None if t is None else (t if t.tzinfo else t.replace(tzinfo=UTC))
    return Alarm(r.id, r.originator, r.type, Severity(r.severity), Status(r.status),
                 utc(r.start_time), utc(r.end_time), r.field_id, utc(r.ack_time),  # type: ignore[arg-type]
                 utc(r.clear_time), r.acked_by, r.details)


class AlarmStore:
    """Raises, clears and acknowledges alarms, keeping Redis, SQL and Kafka in step."""

    def __init__(self, client: redis.Redis, engine: Engine, producer: EventProducer) -> None:
        self.client = client
        self.engine = engine
        self.producer = producer
        self.lock = threading.RLock()
        self.listeners: list[Listener] = []

    def current(self, originator: str) -> dict[str, Alarm]:
        """Alarm type → latest alarm of ``originator``."""
        raw: dict[str, str] = self.client.hgetall(f"agri:alarms:{originator}")  # type: ignore[assignment]
        return {t: from_json(v) for t, v in raw.items()}

    def apply(self, originator: str, alarm_type: str, severity: Severity | None, clear: bool,
              now: datetime, field_id: str, details: dict[str, Any] | None = None,
              current: Alarm | None = None, known: bool = False) -> tuple[Alarm | None, Change]:
        """Raise at ``severity``, or clear.

        ``known=True`` says ``current`` is the latest alarm of that type as read by the caller
        (None: there is none), which saves a Redis read per reading.
        """
        if known and current is None and severity is None:
            return None, Change.NONE
        if known:
            _, change = self._decide(current, originator, alarm_type, severity, clear, now,
                                     field_id, details)
            if change is Change.NONE:
                return current, Change.NONE
        with self.lock:
            # Re-read under the lock: an acknowledgement may have landed since the caller read.
            raw = self.client.hget(f"agri:alarms:{originator}", alarm_type)
            current = from_json(str(raw)) if raw else None
            alarm, change = self._decide(current, originator, alarm_type, severity, clear, now,
                                         field_id, details)
            if change is not Change.NONE and alarm is not None:
                self._save(alarm, change)
            return alarm, change

    @staticmethod
    def _decide(current: Alarm | None, originator: str, alarm_type: str,
                severity: Severity | None, clear: bool, now: datetime, field_id: str,
                details: dict[str, Any] | None) -> tuple[Alarm | None, Change]:
        if severity is not None:
            return raise_alarm(current, new_id=new_event_id(), originator=originator,
                               alarm_type=alarm_type, severity=severity, now=now,
                               field_id=field_id,
                               details=json.dumps(details or {}, sort_keys=True))
        if clear:
            return clear_alarm(current, now)
        return current, Change.NONE

    def ack(self, alarm_id: str, user: str, now: datetime) -> Alarm | None:
        """Acknowledge the alarm ``alarm_id``; None when there is no such alarm."""
        with self.lock:
            with Session(self.engine) as s:
                row = s.get(AlarmRow, alarm_id)
                if row is None:
                    return None
                stored = _from_row(row)
            live = self.current(stored.originator).get(stored.type)
            base = live if live is not None and live.id == alarm_id else stored
            alarm, change = ack_alarm(base, user, now)
            if change is not Change.NONE:
                self._save(alarm, change)
            return alarm

    def repeat(self, originator: str, alarm_type: str, now: datetime) -> Alarm | None:
        """Notify the active unacknowledged critical alarm again; returns it when notified."""
        with self.lock:
            raw = self.client.hget(f"agri:alarms:{originator}", alarm_type)
            if not raw:
                return None
            alarm, change = repeat_alarm(from_json(str(raw)), now)
            if change is Change.NONE:
                return None
            self._save(alarm, change)
            return alarm

    def _save(self, alarm: Alarm, change: Change) -> None:
        self.client.hset(f"agri:alarms:{alarm.originator}", alarm.type, to_json(alarm))
        with Session(self.engine) as s, s.begin():
            s.merge(AlarmRow(id=alarm.id, originator=alarm.originator, type=alarm.type,
                             severity=int(alarm.severity), status=int(alarm.status),
                             field_id=alarm.field_id, start_time=alarm.start_time,
                             end_time=alarm.end_time, ack_time=alarm.ack_time,
                             clear_time=alarm.clear_time, acked_by=alarm.acked_by,
                             details=alarm.details))
        self.producer.publish(ALARMS, to_proto(alarm), key=alarm.originator)
        ALARM_CHANGES.labels(alarm.type, change.value).inc()
        for listener in self.listeners:
            listener(alarm, change)

    def list(self, active_only: bool = False, field_id: str = "", limit: int = 500) -> list[Alarm]:
        """Alarms from SQL, newest first."""
        q = select(AlarmRow).order_by(AlarmRow.start_time.desc()).limit(limit)
        if active_only:
            q = q.where(AlarmRow.status.in_([int(Status.ACTIVE_UNACK), int(Status.ACTIVE_ACK)]))
        if field_id:
            q = q.where(AlarmRow.field_id == field_id)
        with Session(self.engine) as s:
            return [_from_row(r) for r in s.scalars(q)]
