"""Agri records: alarms, work orders, telemetry buckets, traceability.

Revision ID: agri_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "agri_0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the agri tables."""
    op.create_table(
        "agri_alarms",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("originator", sa.String(64), nullable=False, index=True),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("severity", sa.Integer, nullable=False),
        sa.Column("status", sa.Integer, nullable=False, index=True),
        sa.Column("field_id", sa.String(64), nullable=False, index=True),
        sa.Column("start_time", TZ, nullable=False),
        sa.Column("end_time", TZ, nullable=False),
        sa.Column("ack_time", TZ, nullable=True),
        sa.Column("clear_time", TZ, nullable=True),
        sa.Column("acked_by", sa.String(64), nullable=False),
        sa.Column("details", sa.Text, nullable=False),
    )
    op.create_index("ix_agri_alarm_origin_type", "agri_alarms", ["originator", "type"])
    op.create_table(
        "agri_work_orders",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("task", sa.String(40), nullable=False),
        sa.Column("field_id", sa.String(64), nullable=False, index=True),
        sa.Column("state", sa.Integer, nullable=False, index=True),
        sa.Column("machine_id", sa.String(64), nullable=False),
        sa.Column("distance_km", sa.Float, nullable=False),
        sa.Column("eta_min", sa.Float, nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("created_time", TZ, nullable=False),
        sa.Column("updated_time", TZ, nullable=False),
    )
    op.create_table(
        "agri_reading_buckets",
        sa.Column("device_id", sa.String(64), primary_key=True),
        sa.Column("metric", sa.String(32), primary_key=True),
        sa.Column("width", sa.Integer, primary_key=True),
        sa.Column("start", sa.Integer, primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("total", sa.Float, nullable=False),
        sa.Column("low", sa.Float, nullable=False),
        sa.Column("high", sa.Float, nullable=False),
    )
    op.create_table(
        "agri_trace_batches",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("product", sa.String(120), nullable=False),
        sa.Column("field_id", sa.String(64), nullable=False),
        sa.Column("created_time", TZ, nullable=False),
    )
    op.create_table(
        "agri_trace_events",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("event_type", sa.String(40), nullable=False),
        sa.Column("event_json", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    """Drop the agri tables."""
    for table in ("agri_trace_events", "agri_trace_batches", "agri_reading_buckets",
                  "agri_work_orders", "agri_alarms"):
        op.drop_table(table)
