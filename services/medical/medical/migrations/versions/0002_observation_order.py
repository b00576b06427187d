"""Index of observation sets in export order: (patient, time, event id).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Keyset paging of a patient's sets (the FHIR export) reads this index in order."""
    op.create_index("ix_observations_patient_at_event", "observations",
                    ["patient_id", "at", "event_id"])


def downgrade() -> None:
    """Drop it."""
    op.drop_index("ix_observations_patient_at_event", table_name="observations")
