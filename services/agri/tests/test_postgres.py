"""The agri records on a real PostgreSQL shared with another service (as in compose/Kubernetes):
own Alembic version table, bucket upserts (GREATEST/LEAST), trace chain verification."""

import uuid

from agri.adapters.history_store import HistoryStore
from agri.adapters.trace_store import DEMO_CODE, TraceStore, seed_demo
from agri.config import HERE
from agri.domain.history import fold
from sqlalchemy import inspect, text
from zezhou5g.platform.db import make_engine, migrate


def test_migrations_buckets_and_trace_on_postgres(postgres):
    url = postgres.create_database(f"agri_{uuid.uuid4().hex[:8]}")
    engine = make_engine(url)
    with engine.begin() as conn:   # another service's migrations already live here
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
        conn.execute(text("INSERT INTO alembic_version VALUES ('0001')"))
    migrate(url, HERE / "migrations")
    migrate(url, HERE / "migrations")   # idempotent
    tables = set(inspect(engine).get_table_names())
    assert {"agri_alarms", "agri_work_orders", "agri_reading_buckets", "agri_trace_events",
            "agri_alembic_version", "alembic_version", "agri_outbox", "agri_consumed_events",
            "agri_machines"} <= tables
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0001"

    history = HistoryStore(engine)
    t0 = 20_000 * 900
    for readings in ([(t0, 4.0)], [(t0 + 60, -2.0), (t0 + 120, 9.0)]):   # two merges
        pending: dict = {}
        for t, v in readings:
            fold(pending, "soil-1", t, {"air_temp_c": v})
        with engine.begin() as conn:
            history.add(conn, pending)
    (b,) = history.query("soil-1", "air_temp_c", t0, t0 + 900)
    assert (b.count, b.low, b.high, b.total) == (3, -2.0, 9.0, 11.0)

    trace = TraceStore(engine)
    seed_demo(trace)
    seed_demo(trace)   # once
    batch = trace.get(DEMO_CODE)
    assert batch is not None and batch.verification.ok and len(batch.links) == 7
    with engine.begin() as conn:
        conn.execute(text("UPDATE agri_trace_events SET event_json = "
                          "replace(event_json, '2026-06-08', '2026-06-01') "
                          "WHERE code = :c AND seq = 3"), {"c": DEMO_CODE})
    tampered = trace.get(DEMO_CODE)
    assert tampered is not None and tampered.verification.first_invalid == 3
    engine.dispose()
