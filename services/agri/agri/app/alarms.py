"""Alarm changes outside telemetry: acknowledgements, repeats, silent devices on the wall clock.

Current alarms live in Redis, so these are Redis units of work
(:class:`~zezhou5g.platform.outbox.RedisOutbox`): the alarm, its ``agri.alarms`` event and its
SQL record (through the records queue) are committed together. :class:`AlarmChanges` is the
step every alarm-changing unit shares, telemetry's included.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from prometheus_client import Counter
from zezhou5g.platform.logging import log_fields
from zezhou5g.platform.outbox import RedisOutbox, RedisUnit, SqlOutbox, SqlUnit, derived_id

from agri.adapters.alarm_store import AlarmStore, to_proto
from agri.adapters.field_state import FieldState
from agri.adapters.records_queue import RecordEntry, RecordsQueue
from agri.app.errors import Forbidden, NotFound
from agri.app.records import RecordsRelay
from agri.domain.alarms import Alarm, Change, Severity, ack_alarm, decide, repeat_alarm
from agri.domain.dispatch import wants_frost_protection
from agri.domain.farm import Farm
from agri.domain.rules import SENSOR_SILENT, RuleSet
from agri.topics import ALARMS

log = logging.getLogger(__name__)
# Originators decided per unit of work in the ticks (silence, repeats): a unit watches every
# key it reads, and Redis 7.0's WATCH is quadratic in its keys.
CHUNK = 250
PROCESS = f"{socket.gethostname()}:{os.getpid()}"
ALARM_CHANGES = Counter("agri_alarm_changes_total", "Alarm changes", ["type", "change"])


def alarm_event_id(alarm: Alarm) -> str:
    """The id of the event announcing ``alarm`` at its current version."""
    return derived_id("agri.alarm", alarm.id, str(alarm.version))


@dataclass
class AlarmChanges:
    """Alarm decisions inside one Redis unit, staged together at its end.

    Attributes:
        current: originator → alarm type → latest alarm, as the unit read them (kept up to
            date as changes are made).
        made: the changes in the order they were made.
    """

    current: dict[str, dict[str, Alarm]]
    made: list[tuple[Alarm, Change]] = field(default_factory=list)

    def apply(self, originator: str, alarm_type: str, severity: Severity | None, clear: bool,
              when: datetime, field_id: str, details: Mapping[str, Any] | None = None, *,
              cause: str) -> Alarm | None:
        """Raise at ``severity`` or clear; a new alarm's id is derived from ``cause``.

        Returns the alarm as it stands (None: there is none).
        """
        mine = self.current.setdefault(originator, {})
        cur = mine.get(alarm_type)
        creates = severity is not None and not (cur is not None and cur.active)
        alarm, change = decide(cur, new_id=derived_id("agri.alarm-id", originator, alarm_type,
                                                      cause) if creates else "",
                               originator=originator, alarm_type=alarm_type, severity=severity,
                               clear=clear, now=when, field_id=field_id,
                               details=json.dumps(dict(details or {}), sort_keys=True))
        if change is Change.NONE:
            return mine.get(alarm_type)
        self.put(alarm, change)  # type: ignore[arg-type]
        return alarm

    def put(self, alarm: Alarm, change: Change) -> None:
        """Record a change decided elsewhere (acknowledgement, repeat)."""
        if change is Change.NONE:
            return
        self.current.setdefault(alarm.originator, {})[alarm.type] = alarm
        self.made.append((alarm, change))

    def stage(self, unit: RedisUnit, store: AlarmStore, entry: RecordEntry) -> None:
        """Write the changed alarms, stage one event per change, and their SQL records."""
        latest: dict[str, Alarm] = {}
        for alarm, change in self.made:
            store.stage(unit, alarm)
            unit.emit(ALARMS, to_proto(alarm), alarm.originator, alarm_event_id(alarm))
            latest[alarm.id] = alarm
            if wants_frost_protection(alarm, change):
                entry.frost.append(alarm)
        entry.alarms.extend(latest.values())

    def count(self) -> None:
        """Count the changes (once the unit committed)."""
        for alarm, change in self.made:
            ALARM_CHANGES.labels(alarm.type, change.value).inc()


class Alarms:
    """Acknowledge, repeat and raise silence: each one Redis unit of work."""

    def __init__(self, outbox: RedisOutbox, sql: SqlOutbox, store: AlarmStore,
                 state: FieldState, queue: RecordsQueue, records: RecordsRelay, farm: Farm,
                 rules: RuleSet) -> None:
        self.outbox = outbox
        self.sql = sql
        self.store = store
        self.state = state
        self.queue = queue
        self.records = records
        self.farm = farm
        self.rules = rules

    def _stage(self, unit: RedisUnit, changes: AlarmChanges) -> None:
        entry = RecordEntry()
        changes.stage(unit, self.store, entry)
        self.queue.stage(unit, entry)

    # requests -----------------------------------------------------------------------------
    def ack(self, alarm_id: str, user: str, now: datetime,
            own_fields: set[str] | None = None) -> Alarm:
        """Acknowledge ``alarm_id`` as ``user``; a farmer (``own_fields``) only on their fields.

        Acknowledging again changes nothing and returns the stored alarm. Raises
        :class:`NotFound`, or :class:`Forbidden` for an alarm outside ``own_fields`` (also when
        it does not exist: a farmer learns nothing of other farms).
        """
        self.records.catch_up()             # every alarm decided so far has its SQL row
        stored = self.store.get(alarm_id)
        if own_fields is not None and (stored is None or stored.field_id not in own_fields):
            raise Forbidden("scope", "not an alarm of your fields")
        if stored is None:
            raise NotFound(f"no alarm {alarm_id}")

        def in_redis(unit: RedisUnit) -> tuple[Alarm | None, AlarmChanges]:
            current = self.store.read_current(unit, [stored.originator])
            live = current[stored.originator].get(stored.type)
            changes = AlarmChanges(current)
            if live is None or live.id != alarm_id:
                return None, changes
            alarm, change = ack_alarm(live, user, now)
            changes.put(alarm, change)
            self._stage(unit, changes)
            return alarm, changes

        alarm, changes = self.outbox.transact(in_redis)
        if alarm is not None:
            changes.count()
            return alarm
        # No longer the current alarm of its originator: it changes in SQL only now. Its last
        # change in Redis is queued already (it was replaced after it), so catch up first.
        self.records.catch_up()

        def in_sql(unit: SqlUnit) -> tuple[Alarm, Change]:  # type: ignore[type-arg]
            row = self.store.get(alarm_id, unit.conn)
            assert row is not None   # rows are never deleted
            acked, change = ack_alarm(row, user, now)
            if change is not Change.NONE:
                self.store.save_rows(unit.conn, [acked])
                unit.emit(ALARMS, to_proto(acked), acked.originator, alarm_event_id(acked))
            return acked, change

        acked, change = self.sql.transact(in_sql)
        if change is not Change.NONE:
            ALARM_CHANGES.labels(acked.type, change.value).inc()
        return acked

    # ticks ------------------------------------------------------------------------------------
    def repeat_critical(self, now_s: float) -> int:
        """Notify each active unacknowledged critical alarm again when its period is due.

        Wall clock: a repeat reminds people, so it runs on their time, not the device's. The
        due alarms come from the store's repeat index, :data:`CHUNK` originators a unit.
        """
        now = datetime.fromtimestamp(now_s, UTC)

        def work(unit: RedisUnit) -> tuple[AlarmChanges, int]:
            due = self.store.repeats_due(unit, now_s, CHUNK)
            changes = AlarmChanges(self.store.read_current(unit, {o for o, _ in due}))
            for originator, alarm_type in due:
                alarm = changes.current.get(originator, {}).get(alarm_type)
                if alarm is None:           # an index entry without its alarm: drop it
                    self.store.unindex_repeat(unit, originator, alarm_type)
                    continue
                at = self.store.repeat_at(alarm)
                if at is None or at > now_s:
                    self.store.stage_repeat(unit, alarm)   # the index was behind: mend it
                    continue
                repeated, change = repeat_alarm(alarm, now)
                changes.put(repeated, change)
            if changes.made:
                self._stage(unit, changes)
            return changes, len(due)

        return len(self._in_chunks(work))

    def _in_chunks(self, work: Callable[[RedisUnit], tuple[AlarmChanges, int]]
                   ) -> list[tuple[Alarm, Change]]:
        """Run ``work`` (one :data:`CHUNK` of due originators a unit) until a chunk is short.

        ``work`` returns its changes and how many originators it looked at; returns every
        change made (each unit's counted once it committed).
        """
        made: list[tuple[Alarm, Change]] = []
        while True:
            changes, looked = self.outbox.transact(work)
            changes.count()
            made += changes.made
            if looked < CHUNK:
                return made

    def index_repeats(self) -> int:
        """Put the farm's current alarms in the repeat index (alarms older than the index).

        Run once at start; returns how many are to be repeated.
        """
        fields = sorted(self.farm.fields)
        indexed = 0
        for start in range(0, len(fields), CHUNK):
            def work(unit: RedisUnit, chunk: list[str] = fields[start:start + CHUNK]) -> int:
                current = self.store.read_current(unit, chunk)
                alarms = [a for mine in current.values() for a in mine.values()]
                for alarm in alarms:
                    self.store.stage_repeat(unit, alarm)
                return sum(self.store.repeat_at(a) is not None for a in alarms)
            indexed += self.outbox.transact(work)
        return indexed

    def silent_devices(self, now_s: float, behind_s: float = 0.0) -> list[str]:
        """Devices past their wall-clock deadline (3 × interval since the last reading).

        One ``SENSOR_SILENT`` each, raised in the unit that takes them off the watch list.
        ``behind_s``: how far this process's readings consumer is behind (reported for it);
        deadlines are judged at ``now_s`` less the most any process is behind, so a backlog
        of the service is not taken for silent devices.
        The due devices are decided :data:`CHUNK` at a time, one unit each: a unit
        watches every key it reads, and Redis 7.0's WATCH is quadratic in its keys (10,000
        devices falling silent at once, a field gateway's outage on a large farm, took one
        WATCH of 1.4 s and stalled every other client of the server).
        """
        now = datetime.fromtimestamp(now_s, UTC)
        clock = now_s - self.state.readers_behind(PROCESS, behind_s, now_s)

        def work(unit: RedisUnit) -> tuple[AlarmChanges, int]:
            due = self.state.due(unit, clock, CHUNK)
            if not due:
                return AlarmChanges({}), 0
            still = self.state.watch_due(unit, due)
            changes = AlarmChanges(self.store.read_current(unit, still))
            for device, info in sorted(still.items()):
                silent_s = round(now_s - info.seen_s, 1) if info.seen_s else 0.0
                changes.apply(device, SENSOR_SILENT, Severity.MAJOR, False, now, info.field_id,
                              {"silent_s": silent_s,
                               "interval_s": self.farm.profile_of(device).interval_s},
                              cause=f"silent-at:{due[device]!r}")
            self.state.stage_unwatched(unit, sorted(still))
            self._stage(unit, changes)
            return changes, len(due)

        made = self._in_chunks(work)
        for alarm, _ in made:
            log.warning("device silent", extra=log_fields(device=alarm.originator))
        return [a.originator for a, _ in made]
