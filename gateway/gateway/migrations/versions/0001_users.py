"""Console users.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the users table."""
    op.create_table(
        "users",
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("display_name", sa.String(128), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("care_team", sa.String(64), nullable=True),
        sa.Column("password_hash", sa.String(256), nullable=False),
    )


def downgrade() -> None:
    """Drop the users table."""
    op.drop_table("users")
