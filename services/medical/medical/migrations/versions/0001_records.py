"""Patients, care teams, observations, alerts, audit log.

Revision ID: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the medical tables."""
    op.create_table(
        "care_teams",
        sa.Column("team_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(128), nullable=False))
    op.create_table(
        "patients",
        sa.Column("patient_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("gender", sa.String(16), nullable=False),
        sa.Column("birth_date", sa.String(10), nullable=False),
        sa.Column("care_team", sa.String(64), sa.ForeignKey("care_teams.team_id"),
                  nullable=False),
        sa.Column("ward", sa.String(64), nullable=False),
        sa.Column("spo2_scale2", sa.Boolean, nullable=False))
    op.create_table(
        "observations",
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("patient_id", sa.String(64), sa.ForeignKey("patients.patient_id"),
                  nullable=False, index=True),
        sa.Column("device_id", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
        *[sa.Column(name, sa.Float, nullable=True) for name in (
            "heart_rate_bpm", "resp_rate_per_min", "spo2_pct", "systolic_mmhg",
            "diastolic_mmhg", "temperature_c")],
        sa.Column("consciousness", sa.Integer, nullable=False),
        sa.Column("on_oxygen", sa.Boolean, nullable=True),
        sa.Column("news2", sa.Integer, nullable=False),
        sa.Column("risk", sa.String(16), nullable=False))
    op.create_table(
        "alerts",
        sa.Column("alert_id", sa.String(36), primary_key=True),
        sa.Column("patient_id", sa.String(64), sa.ForeignKey("patients.patient_id"),
                  nullable=False, index=True),
        sa.Column("care_team", sa.String(64), nullable=False),
        sa.Column("risk", sa.String(16), nullable=False),
        sa.Column("news2", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("escalation_level", sa.Integer, nullable=False),
        sa.Column("routed_to", sa.String(128), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_by", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(256), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("history", sa.JSON, nullable=False))
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("user", sa.String(64), nullable=False),
        sa.Column("care_team", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("patient_id", sa.String(64), nullable=False, index=True),
        sa.Column("allowed", sa.Boolean, nullable=False),
        sa.Column("detail", sa.String(256), nullable=False))


def downgrade() -> None:
    """Drop them."""
    for table in ("audit_log", "alerts", "observations", "patients", "care_teams"):
        op.drop_table(table)
