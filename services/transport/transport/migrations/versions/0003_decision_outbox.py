"""Decisions as one SQL unit (issue 12): payload, passage, ticket claims, outbox tables.

The stored payload of each decision, one decision per passage, ticket claims in SQL, and the
effects primitive's outbox and consumed-event tables.

Before this revision a gate decision was kept for retries in Redis and published from memory,
and the ticket's anti-passback claim lived in Redis. Now the decision row (with the message as
published), the ticket claim, the staffed-lane item and the staged event commit together.
Open decisions already in the audit trail become claims here (unless refunded), so a ticket
used before the upgrade stays used.

Written out as at this revision (not imported from transport.adapters.tables).

Revision ID: t0003
Revises: t0002
"""

import sqlalchemy as sa
from alembic import op

revision = "t0003"
down_revision = "t0002"
branch_labels = None
depends_on = None

UTC_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Add the columns and tables; claim the tickets earlier open decisions used."""
    with op.batch_alter_table("transport_decisions") as b:
        b.add_column(sa.Column("payload", sa.LargeBinary, nullable=True))
        b.add_column(sa.Column("passage_id", sa.String(64), nullable=True))
        b.create_unique_constraint("uq_transport_decisions_passage_id", ["passage_id"])
    claims = op.create_table(
        "transport_ticket_claims",
        sa.Column("ticket_id", sa.String(64), primary_key=True),
        sa.Column("decision_id", sa.String(64), nullable=False),
        sa.Column("at", UTC_TS, nullable=False))
    op.create_table(
        "transport_outbox",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("payload", sa.LargeBinary, nullable=False),
        sa.Column("staged_at", UTC_TS, nullable=False))
    op.create_table(
        "transport_consumed_events",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("at", UTC_TS, nullable=False))
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT d.ticket_id, d.decision_id, d.at FROM transport_decisions d "
        "WHERE d.outcome = 'open' AND d.ticket_id <> '' AND NOT EXISTS ("
        "SELECT 1 FROM transport_ledger l WHERE l.decision_id = d.decision_id "
        "AND l.kind = 'refund') ORDER BY d.at")).all()
    first: dict[str, dict[str, object]] = {}
    for ticket_id, decision_id, at in rows:
        first.setdefault(ticket_id, {"ticket_id": ticket_id, "decision_id": decision_id,
                                     "at": at})
    if first:
        op.bulk_insert(claims, list(first.values()))


def downgrade() -> None:
    """Drop them again."""
    for table in ("transport_consumed_events", "transport_outbox", "transport_ticket_claims"):
        op.drop_table(table)
    with op.batch_alter_table("transport_decisions") as b:
        b.drop_constraint("uq_transport_decisions_passage_id", type_="unique")
        b.drop_column("passage_id")
        b.drop_column("payload")
