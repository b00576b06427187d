"""The transport migrations and repository on a real PostgreSQL (the compose/k8s database),
sharing the database with another service's Alembic history."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from transport.adapters.ownership import OwnershipStore
from transport.adapters.sql import Repository, TicketRow
from transport.adapters.tables import OUTBOX_TABLES, enrolments, metadata
from zezhou5g.platform.db import make_engine, migrate
from zezhou5g.platform.outbox import SqlOutbox

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
            == "t0004"
        assert c.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0001"
    with engine.connect() as c:  # the migrations build exactly what the code expects
        diff = [d for d in compare_metadata(MigrationContext.configure(c), metadata)
                if not (d[0] == "remove_table" and d[1].name.endswith("alembic_version"))]
    assert diff == [], diff
    repo = Repository(engine)
    units = SqlOutbox(engine, OUTBOX_TABLES, None, "transport", {})  # nothing staged to send
    now = datetime.now(UTC)
    t = TicketRow("T1", "G1", "1A", now + timedelta(hours=1), "zezhou-hsr", 900, "p-1", "h", "")
    units.transact(lambda u: OwnershipStore(engine).stage_ticket(u, t))
    assert repo.ticket("T1") == t

    def charge(unit, kind="charge"):
        if repo.ledger_line("d-1", kind, unit.conn) is not None:
            return False
        repo.stage_ledger(unit, "d-1", kind, "p-1", "T1", "zezhou-hsr", 900, now)
        return True

    assert [units.transact(charge) for _ in range(3)] == [True, False, False]
    assert units.transact(lambda u: charge(u, "refund"))
    assert repo.totals_fen("zezhou-hsr") == (900, 900)
    units.transact(lambda u: u.conn.execute(enrolments.insert().values(
        enrolment_id="e-1", ticket_id="T1", passenger_ref="p-1", template=b"sealed",
        created=now, purge_after=now + timedelta(hours=25))))
    assert repo.enrolment_for_ticket("T1").departure == t.departure
    assert repo.expired_tickets(now + timedelta(hours=26)) == ["T1"]
    assert units.transact(lambda u: repo.stage_enrolment_deletion(
        u, "T1", "purged", "retention", now)) == "e-1"
    assert repo.consent_actions("T1") == ["purged"]
    # A ticket opens once: the claim is the ticket's primary key.
    units.transact(lambda u: repo.stage_claim(u, "T1", "d-1", now))
    assert repo.ticket_claim("T1") == "d-1"
    units.transact(lambda u: repo.stage_release(u, "T1", "d-other"))
    assert repo.ticket_claim("T1") == "d-1", "only the claiming decision releases it"
    units.transact(lambda u: repo.stage_release(u, "T1", "d-1"))
    assert repo.ticket_claim("T1") is None
    engine.dispose()
