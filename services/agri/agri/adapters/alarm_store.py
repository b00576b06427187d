"""Alarms: the current alarm per (originator, type) in Redis, every alarm in SQL.

Redis ``agri:alarms:<originator>`` maps alarm type → the latest alarm (active or cleared) as
JSON; it is what units of work decide on. ``agri:alarm_repeats`` indexes the alarms that will be
notified again (active, unacknowledged, critical, of a type with a repeat period): member
``<originator>\t<type>``, score the wall-clock time the repeat is due; every write of an alarm
keeps it in step, so a repeat tick reads the due ones instead of every field's alarms.
``agri:alarmed`` is the set of originators that have such a hash: most devices never raise an
alarm, so a unit asks the set (one command) and reads the hashes of those in it only, instead
of one read per device; every alarm write adds its originator, and the first service start on
a Redis adds those of hashes written before the set existed (:meth:`AlarmStore.index_alarmed`).

SQL ``agri_alarms`` keeps every alarm for lists and reports; rows are written from the records
queue (:mod:`agri.adapters.records_queue`) and only move forward: a row is replaced only by a
higher ``version`` of the same alarm.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any, cast

import redis
from sqlalchemy import Connection, Engine, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from zezhou5g.agri.v1 import agri_pb2
from zezhou5g.platform.outbox import RedisUnit

from agri.adapters.tables import AlarmRow
from agri.domain import rules
from agri.domain.alarms import Alarm, Severity, Status

REPEATS = "agri:alarm_repeats"
ALARMED = "agri:alarmed"
ALARMED_COMPLETE = "agri:alarmed:complete"   # the set holds the hashes older than it too
_TIMES = ("start_time", "end_time", "ack_time", "clear_time", "notified_at")


def _key(originator: str) -> str:
    return f"agri:alarms:{originator}"


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def to_json(alarm: Alarm) -> str:
    """The alarm as JSON (ISO 8601 UTC times)."""
    d: dict[str, Any] = asdict(alarm)
    for k in _TIMES:
        d[k] = d[k].isoformat() if d[k] else None
    d["severity"], d["status"] = int(alarm.severity), int(alarm.status)
    return json.dumps(d)


def from_json(text: str) -> Alarm:
    """Inverse of :func:`to_json`."""
    d = json.loads(text)
    return Alarm(d["id"], d["originator"], d["type"], Severity(d["severity"]),
                 Status(d["status"]), _dt(d["start_time"]), _dt(d["end_time"]),  # type: ignore[arg-type]
                 d["field_id"], _dt(d["ack_time"]), _dt(d["clear_time"]), d["acked_by"],
                 d["details"], int(d.get("notify_count", 1)), _dt(d.get("notified_at")),
                 int(d.get("version", 1)))


# The rules' short names of alarm types and their wire codes.
ALARM_TYPES = {rules.FROST: agri_pb2.ALARM_TYPE_FROST, rules.HEAT: agri_pb2.ALARM_TYPE_HEAT_STRESS,
               rules.IRRIGATION: agri_pb2.ALARM_TYPE_IRRIGATION_NEED,
               rules.SENSOR_SILENT: agri_pb2.ALARM_TYPE_SENSOR_SILENT,
               rules.LOW_BATTERY: agri_pb2.ALARM_TYPE_LOW_BATTERY}


def to_proto(alarm: Alarm) -> agri_pb2.Alarm:
    """Wire form of an alarm."""
    msg = agri_pb2.Alarm(id=alarm.id, originator=alarm.originator,
                         alarm_type=ALARM_TYPES[alarm.type],
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


def _utc(t: datetime | None) -> datetime | None:
    return None if t is None else (t if t.tzinfo else t.replace(tzinfo=UTC))


def _from_row(r: AlarmRow) -> Alarm:
    return Alarm(r.id, r.originator, r.type, Severity(r.severity), Status(r.status),
                 _utc(r.start_time), _utc(r.end_time), r.field_id, _utc(r.ack_time),  # type: ignore[arg-type]
                 _utc(r.clear_time), r.acked_by, r.details, r.notify_count, None, r.version)


def _row(alarm: Alarm) -> dict[str, Any]:
    return {"id": alarm.id, "originator": alarm.originator, "type": alarm.type,
            "severity": int(alarm.severity), "status": int(alarm.status),
            "field_id": alarm.field_id, "start_time": alarm.start_time,
            "end_time": alarm.end_time, "ack_time": alarm.ack_time,
            "clear_time": alarm.clear_time, "acked_by": alarm.acked_by,
            "details": alarm.details, "notify_count": alarm.notify_count,
            "version": alarm.version}


class AlarmStore:
    """Current alarms (Redis, through units) and the alarm records (SQL)."""

    def __init__(self, engine: Engine, repeat_every_s: Callable[[str], float] = lambda _: 0.0
                 ) -> None:
        """``repeat_every_s``: alarm type → its repeat period (0: not repeated)."""
        self.engine = engine
        self.repeat_every_s = repeat_every_s
        self._insert = sqlite_insert if engine.dialect.name == "sqlite" else pg_insert

    # current alarms, Redis ----------------------------------------------------------------
    def read_current(self, unit: RedisUnit, originators: Iterable[str], watch: bool = True
                     ) -> dict[str, dict[str, Alarm]]:
        """Watch and read the current alarms of ``originators``: originator → type → alarm.

        ``watch=False`` only reads them (a scan choosing what a unit will watch).
        """
        names = sorted(set(originators))
        if not names:
            return {}
        if watch:   # a first alarm of one of the others adds it to the set: decide again
            unit.watch(ALARMED)
        flags = cast("list[int]", unit.r.smismember(ALARMED, names))
        have = [o for o, flag in zip(names, flags, strict=True) if flag]
        out: dict[str, dict[str, Alarm]] = {o: {} for o in names}
        if not have:
            return out
        if watch:
            unit.watch(*(_key(o) for o in have))
        pipe = unit.read_pipeline()
        for o in have:
            pipe.hgetall(_key(o))
        for o, raw in zip(have, pipe.execute(), strict=True):
            out[o] = {t: from_json(v) for t, v in raw.items()}
        return out

    def stage(self, unit: RedisUnit, alarm: Alarm) -> None:
        """Write ``alarm`` as the current one of its originator and type (and index it)."""
        unit.w.hset(_key(alarm.originator), alarm.type, to_json(alarm))
        unit.w.sadd(ALARMED, alarm.originator)
        self.stage_repeat(unit, alarm)

    @staticmethod
    def index_alarmed(client: redis.Redis, batch: int = 1000) -> int:
        """Add every originator with an alarm hash to the set (hashes older than the set).

        Run at start, before readings are processed; the scan is done once per Redis (a marker
        says so), since every alarm written since keeps the set in step. Returns how many
        originators it added (0 once done).
        """
        if client.exists(ALARMED_COMPLETE):
            return 0
        prefix = _key("")
        names = [str(k)[len(prefix):] for k in client.scan_iter(match=f"{prefix}*", count=batch)]
        for start in range(0, len(names), batch):
            client.sadd(ALARMED, *names[start:start + batch])
        client.set(ALARMED_COMPLETE, "1")
        return len(names)

    def repeat_at(self, alarm: Alarm) -> float | None:
        """When ``alarm`` is next notified again (epoch s), or None: it is not repeated."""
        every = self.repeat_every_s(alarm.type)
        if (every <= 0 or not alarm.active or alarm.acknowledged
                or alarm.severity != Severity.CRITICAL):
            return None
        return (alarm.notified_at or alarm.start_time).timestamp() + every

    def stage_repeat(self, unit: RedisUnit, alarm: Alarm) -> None:
        """Put ``alarm`` in the repeat index at its due time, or take it out."""
        at = self.repeat_at(alarm)
        if at is None:
            self.unindex_repeat(unit, alarm.originator, alarm.type)
        else:
            unit.w.zadd(REPEATS, {f"{alarm.originator}\t{alarm.type}": at})

    def unindex_repeat(self, unit: RedisUnit, originator: str, alarm_type: str) -> None:
        """Take (``originator``, ``alarm_type``) out of the repeat index."""
        unit.w.zrem(REPEATS, f"{originator}\t{alarm_type}")

    def repeats_due(self, unit: RedisUnit, now_s: float, limit: int) -> list[tuple[str, str]]:
        """Up to ``limit`` (originator, type) whose repeat is due by ``now_s`` (not watched)."""
        members = cast("list[str]", unit.r.zrangebyscore(REPEATS, "-inf", now_s, start=0,
                                                          num=limit))
        return [cast("tuple[str, str]", tuple(str(m).split("\t", 1))) for m in members]

    # records, SQL ---------------------------------------------------------------------------
    def save_rows(self, conn: Connection, alarms: Sequence[Alarm]) -> None:
        """Insert or advance alarm rows; a row with the same or a higher version is kept."""
        if not alarms:
            return
        t = AlarmRow.__table__
        stmt = self._insert(t)  # type: ignore[arg-type]
        stmt = stmt.on_conflict_do_update(
            index_elements=["id"],
            set_={c: stmt.excluded[c] for c in _row(alarms[0]) if c != "id"},
            where=t.c.version < stmt.excluded.version)  # type: ignore[attr-defined]
        conn.execute(stmt, [_row(a) for a in alarms])

    def get(self, alarm_id: str, conn: Connection | None = None) -> Alarm | None:
        """The stored alarm ``alarm_id`` (in ``conn``'s transaction when given)."""
        if conn is not None:
            row = conn.execute(select(AlarmRow.__table__).where(
                AlarmRow.id == alarm_id)).first()
            return None if row is None else _from_row(AlarmRow(**row._asdict()))
        with Session(self.engine) as s:
            found = s.get(AlarmRow, alarm_id)
            return None if found is None else _from_row(found)

    def list(self, active_only: bool = False, field_id: str = "", limit: int = 500,
             fields: set[str] | None = None) -> list[Alarm]:
        """Alarms from SQL, newest first (of ``fields`` only when given)."""
        q = select(AlarmRow).order_by(AlarmRow.start_time.desc()).limit(limit)
        if active_only:
            q = q.where(AlarmRow.status.in_([int(Status.ACTIVE_UNACK), int(Status.ACTIVE_ACK)]))
        if field_id:
            q = q.where(AlarmRow.field_id == field_id)
        if fields is not None:
            q = q.where(AlarmRow.field_id.in_(sorted(fields)))
        with Session(self.engine) as s:
            return [_from_row(r) for r in s.scalars(q)]
