"""Tickets, face enrolments, consent log, decisions (audit), fare ledger, manual queue.

The tables are written out here as they were at this revision (not imported from
transport.adapters.tables), so later model changes need a new revision instead of silently
changing this one.

Revision ID: t0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "t0001"
down_revision = None
branch_labels = None
depends_on = None

metadata = sa.MetaData()

UTC_TS = sa.DateTime(timezone=True)

tickets = sa.Table(
    "transport_tickets", metadata,
    sa.Column("ticket_id", sa.String(64), primary_key=True),
    sa.Column("trip_id", sa.String(64), nullable=False),
    sa.Column("seat", sa.String(16), nullable=False),
    sa.Column("departure", UTC_TS, nullable=False),
    sa.Column("station_id", sa.String(64), nullable=False),
    sa.Column("fare_fen", sa.Integer, nullable=False),
    sa.Column("passenger_ref", sa.String(64), nullable=False, index=True),
    sa.Column("id_hash", sa.String(64), nullable=False),
    sa.Column("passenger_name", sa.String(64), nullable=False, server_default=""),
)

enrolments = sa.Table(
    "transport_enrolments", metadata,
    sa.Column("enrolment_id", sa.String(64), primary_key=True),
    sa.Column("ticket_id", sa.String(64), sa.ForeignKey("transport_tickets.ticket_id"),
              nullable=False, unique=True),
    sa.Column("passenger_ref", sa.String(64), nullable=False),
    sa.Column("template", sa.LargeBinary, nullable=False),
    sa.Column("photo", sa.LargeBinary, nullable=True),
    sa.Column("created", UTC_TS, nullable=False),
    sa.Column("purge_after", UTC_TS, nullable=False, index=True),
)

consent_log = sa.Table(
    "transport_consent_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("passenger_ref", sa.String(64), nullable=False, index=True),
    sa.Column("ticket_id", sa.String(64), nullable=False),
    # "granted" | "withdrawn" | "purged"
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("text_version", sa.String(32), nullable=False, server_default=""),
    sa.Column("keep_photo", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("at", UTC_TS, nullable=False),
)

decisions = sa.Table(
    "transport_decisions", metadata,
    sa.Column("decision_id", sa.String(64), primary_key=True),
    sa.Column("gate_id", sa.String(64), nullable=False),
    sa.Column("station_id", sa.String(64), nullable=False, index=True),
    sa.Column("lane", sa.String(8), nullable=False),
    sa.Column("outcome", sa.String(8), nullable=False),
    sa.Column("reason", sa.String(64), nullable=False),
    sa.Column("mode", sa.String(4), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("threshold", sa.Float, nullable=False),
    sa.Column("ticket_id", sa.String(64), nullable=False),
    sa.Column("passenger_ref", sa.String(64), nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("challenge", sa.String(16), nullable=False),
    sa.Column("details", sa.Text, nullable=False),
    sa.Column("at", UTC_TS, nullable=False),
)

ledger = sa.Table(
    "transport_ledger", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("decision_id", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(8), nullable=False),
    sa.Column("passenger_ref", sa.String(64), nullable=False, index=True),
    sa.Column("ticket_id", sa.String(64), nullable=False),
    sa.Column("station_id", sa.String(64), nullable=False),
    sa.Column("amount_fen", sa.Integer, nullable=False),
    sa.Column("at", UTC_TS, nullable=False),
    sa.UniqueConstraint("decision_id", "kind", name="uq_transport_ledger_decision_kind"),
)

manual_queue = sa.Table(
    "transport_manual_queue", metadata,
    sa.Column("item_id", sa.String(64), primary_key=True),
    sa.Column("gate_id", sa.String(64), nullable=False),
    sa.Column("station_id", sa.String(64), nullable=False, index=True),
    sa.Column("ticket_id", sa.String(64), nullable=False),
    sa.Column("reason", sa.String(64), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("id_matches", sa.Boolean, nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("created", UTC_TS, nullable=False),
    sa.Column("resolved_by", sa.String(64), nullable=False, server_default=""),
    sa.Column("decision_id", sa.String(64), nullable=False, server_default=""),
)


TABLES = ("transport_tickets", "transport_enrolments", "transport_consent_log",
          "transport_decisions", "transport_ledger", "transport_manual_queue")


def upgrade() -> None:
    """Create the revision-1 tables."""
    metadata.create_all(op.get_bind(), tables=[metadata.tables[t] for t in TABLES])


def downgrade() -> None:
    """Drop them."""
    metadata.drop_all(op.get_bind(), tables=[metadata.tables[t] for t in reversed(TABLES)])
