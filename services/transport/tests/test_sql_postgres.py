"""The transport migrations and repository on a real PostgreSQL (the compose/k8s database),
sharing the database with another service's Alembic history."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from transport.adapters.sql import Repository, TicketRow
from transport.adapters.tables import metadata
from zezhou5g.platform.db import make_engine, migrate

MIGRATIONS = Path(__file__).resolve().parents[1] / "transport" / "migrations"


def test_migrations_and_idempotent_ledger_on_postgres(postgres):
    url = postgres.create_database(f"tr_{uuid.uuid4().hex[:8]}")
    engine = make_engine(url)
    with engine.begin() as c:  # someone else's Alembic history in the same database
        c.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
        c.execute(sa.text("INSERT INTO alembic_version VALUES ('0001')"))
    migrate(url, MIGRATIONS)
    migrate(url, MIGRATIONS)  # a restart: nothing to do
    with engine.connect() as c:
        assert c.execute(sa.text("SELECT version_num FROM transport_alembic_version")).scalar() \
            == "t0002"
        assert c.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0001"
    with engine.connect() as c:  # the migrations build exactly what the code expects
        diff = [d for d in compare_metadata(MigrationContext.configure(c), metadata)
                if not (d[0] == "remove_table" and d[1].name.endswith("alembic_version"))]
    assert diff == [], diff
    repo = Repository(engine)
    now = datetime.now(UTC)
    t = TicketRow("T1", "G1", "1A", now + timedelta(hours=1), "zezhou-hsr", 900, "p-1", "h", "")
    repo.upsert_ticket(t)
    assert repo.ticket("T1") == t
    assert [repo.post_ledger("d-1", "charge", "p-1", "T1", "zezhou-hsr", 900, now)
            for _ in range(3)] == [True, False, False]
    assert repo.post_ledger("d-1", "refund", "p-1", "T1", "zezhou-hsr", 900, now)
    assert repo.totals_fen("zezhou-hsr") == (900, 900)
    repo.add_enrolment("e-1", t, b"sealed", None, now + timedelta(hours=25), "face-2025-06",
                       False, "self", now)
    assert repo.enrolment_for_ticket("T1").departure == t.departure
    assert repo.expired_tickets(now + timedelta(hours=26)) == ["T1"]
    assert repo.delete_enrolment("T1", "purged", "retention", now) == "e-1"
    assert repo.consent_actions("T1") == ["granted", "purged"]
    engine.dispose()
