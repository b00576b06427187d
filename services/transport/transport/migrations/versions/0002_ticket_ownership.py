"""Proof of ticket ownership (issue 14).

Booking phone on tickets, withdrawal code on enrolments, one-time codes, the demo SMS outbox
and the enrolment audit log.

Written out as at this revision (not imported from transport.adapters.tables).

Revision ID: t0002
Revises: t0001
"""

import sqlalchemy as sa
from alembic import op

revision = "t0002"
down_revision = "t0001"
branch_labels = None
depends_on = None

UTC_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Add the columns and tables."""
    with op.batch_alter_table("transport_tickets") as b:
        b.add_column(sa.Column("phone_sealed", sa.LargeBinary, nullable=True))
    with op.batch_alter_table("transport_enrolments") as b:
        b.add_column(sa.Column("withdrawal_code_hash", sa.String(64), nullable=True))
    op.create_table(
        "transport_otp_codes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ticket_id", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("created", UTC_TS, nullable=False),
        sa.Column("expires", UTC_TS, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("used", sa.Boolean, nullable=False, server_default=sa.false()))
    op.create_index("ix_transport_otp_codes_ticket_id", "transport_otp_codes", ["ticket_id"])
    op.create_table(
        "transport_sms_outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ticket_id", sa.String(64), nullable=False),
        sa.Column("phone_masked", sa.String(32), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("sent", UTC_TS, nullable=False))
    op.create_index("ix_transport_sms_outbox_ticket_id", "transport_sms_outbox", ["ticket_id"])
    op.create_table(
        "transport_enrolment_audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", UTC_TS, nullable=False),
        sa.Column("ticket_id", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False, server_default=""),
        sa.Column("actor", sa.String(64), nullable=False))
    op.create_index("ix_transport_enrolment_audit_at", "transport_enrolment_audit", ["at"])
    op.create_index("ix_transport_enrolment_audit_ticket_id", "transport_enrolment_audit",
                    ["ticket_id"])


def downgrade() -> None:
    """Drop them again."""
    for table in ("transport_enrolment_audit", "transport_sms_outbox", "transport_otp_codes"):
        op.drop_table(table)
    with op.batch_alter_table("transport_enrolments") as b:
        b.drop_column("withdrawal_code_hash")
    with op.batch_alter_table("transport_tickets") as b:
        b.drop_column("phone_sealed")
