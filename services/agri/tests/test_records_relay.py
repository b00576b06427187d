"""The records relay on a real Redis and SQLite: what Redis units queued lands in SQL once.

A crash is injected where a SIGKILL would leave the same state: the SQL unit committed, the
queue entries not yet deleted.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from agri.adapters.alarm_store import AlarmStore
from agri.adapters.db import writer_engine
from agri.adapters.dispatch_store import DispatchStore
from agri.adapters.history_store import HistoryStore
from agri.adapters.records_queue import RecordEntry, RecordsQueue
from agri.adapters.tables import OUTBOX_TABLES
from agri.app.dispatch import Dispatch
from agri.app.records import RecordsRelay
from agri.config import HERE
from agri.domain import farm as farmlib
from agri.domain.alarms import Severity, clear_alarm, raise_alarm
from agri.domain.history import fold
from zezhou5g.platform.db import make_engine, migrate
from zezhou5g.platform.outbox import RedisOutbox, SqlOutbox

T0 = datetime(2026, 4, 1, 2, 0, tzinfo=UTC)


def _relay(url: str, client) -> tuple[RecordsRelay, AlarmStore, HistoryStore]:  # type: ignore[no-untyped-def]
    engine, writer = make_engine(url), writer_engine(url)
    # No events are staged here (no frost request): the relay's outbox needs no broker.
    sql = SqlOutbox(writer, OUTBOX_TABLES, None, "agri", {})
    alarms, history = AlarmStore(engine), HistoryStore(engine, writer)
    dispatch = Dispatch(sql, DispatchStore(engine), farmlib.load(HERE / "farm.yaml"))
    return RecordsRelay(RecordsQueue(client), sql, alarms, history, dispatch), alarms, history


def test_an_entry_applied_before_a_crash_is_not_applied_again(tmp_path, redis_client):
    url = f"sqlite:///{tmp_path}/agri.db"
    migrate(url, HERE / "migrations")
    frost, _ = raise_alarm(None, new_id="a-1", originator="field-e1", alarm_type="FROST",
                           severity=Severity.MINOR, now=T0, field_id="field-e1")
    cleared, _ = clear_alarm(frost, T0 + timedelta(hours=1))
    entries = [RecordEntry(alarms=[frost]), RecordEntry(alarms=[cleared])]
    for e, temps in zip(entries, ([1.0, 2.0], [3.0]), strict=True):
        for i, v in enumerate(temps):
            fold(e.buckets, "air-e1-1", T0.timestamp() + i * 60, {"air_temp_c": v})
    queue = RecordsQueue(redis_client)
    units = RedisOutbox(redis_client, None, "agri", {})
    for e in entries:   # as telemetry does: the entry goes in with the unit's other writes
        units.transact(lambda unit, e=e: queue.stage(unit, e))
    assert queue.size() == 2

    crashed, _, _ = _relay(url, redis_client)
    crashed.queue.drop = lambda entries: None   # type: ignore[method-assign]  # killed here
    assert crashed.catch_up() == 2
    assert queue.size() == 2

    restarted, alarms, history = _relay(url, redis_client)
    assert restarted.catch_up() == 2            # recognised as applied: only deleted
    assert queue.size() == 0
    (bucket,) = history.query("air-e1-1", "air_temp_c", T0.timestamp(), T0.timestamp() + 900)
    assert (bucket.count, bucket.total, bucket.low, bucket.high) == (3, 6.0, 1.0, 3.0)
    stored = alarms.get("a-1")
    assert stored is not None and stored.version == 2 and not stored.active


def test_an_alarm_row_never_goes_back_to_an_older_version(tmp_path):
    url = f"sqlite:///{tmp_path}/agri.db"
    migrate(url, HERE / "migrations")
    store = AlarmStore(make_engine(url))
    raised, _ = raise_alarm(None, new_id="a-2", originator="soil-e1-1", alarm_type="LOW_BATTERY",
                            severity=Severity.MINOR, now=T0, field_id="field-e1")
    cleared, _ = clear_alarm(raised, T0 + timedelta(minutes=5))
    with store.engine.begin() as conn:
        store.save_rows(conn, [cleared])
    with store.engine.begin() as conn:
        store.save_rows(conn, [raised])         # a replayed older state
    stored = store.get("a-2")
    assert stored is not None and stored.version == 2 and stored.clear_time is not None
