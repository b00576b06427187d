"""A device may be attached to a hub that delivers its readings in batches.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add devices.hub_id (NULL: the device is attached to no hub)."""
    op.add_column("devices", sa.Column("hub_id", sa.String(64), nullable=True))


def downgrade() -> None:
    """Drop devices.hub_id."""
    op.drop_column("devices", "hub_id")
