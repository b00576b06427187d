"""Effects in one transaction: the SQL outbox and consumed ids, machines in SQL, row versions.

Dispatch (machines and work orders) becomes one SQL unit of work, so machine fixes move from
Redis into ``agri_machines``; alarm and order rows carry a version (1, 2, … per change) that
names their events and keeps a replayed older state from overwriting a newer one.

Revision ID: agri_0002
Revises: agri_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "agri_0002"
down_revision = "agri_0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Add the outbox tables, the machines table and the version columns."""
    op.create_table(
        "agri_outbox",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("payload", sa.LargeBinary, nullable=False),
        sa.Column("staged_at", TZ, nullable=False),
    )
    op.create_table(
        "agri_consumed_events",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("at", TZ, nullable=False, index=True),
    )
    op.create_table(
        "agri_machines",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("speed_kmh", sa.Float, nullable=False),
        sa.Column("seen_s", sa.Float, nullable=False),
        sa.Column("silent_after_s", sa.Float, nullable=False, index=True),
        sa.Column("silent", sa.Boolean, nullable=False),
        sa.Column("order_id", sa.String(40), nullable=False),
    )
    with op.batch_alter_table("agri_alarms") as t:
        t.add_column(sa.Column("notify_count", sa.Integer, nullable=False, server_default="1"))
        t.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="1"))
    with op.batch_alter_table("agri_work_orders") as t:
        t.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="1"))


def downgrade() -> None:
    """Drop what :func:`upgrade` added."""
    with op.batch_alter_table("agri_work_orders") as t:
        t.drop_column("version")
    with op.batch_alter_table("agri_alarms") as t:
        t.drop_column("version")
        t.drop_column("notify_count")
    for table in ("agri_machines", "agri_consumed_events", "agri_outbox"):
        op.drop_table(table)
