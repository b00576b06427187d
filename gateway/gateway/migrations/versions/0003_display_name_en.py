"""Users carry their display name in English too (the pages show one language at a time).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add users.display_name_en (empty: the pages fall back to display_name)."""
    op.add_column("users", sa.Column("display_name_en", sa.String(128), nullable=False,
                                     server_default=""))


def downgrade() -> None:
    """Drop users.display_name_en."""
    op.drop_column("users", "display_name_en")
