"""The SMS outbox keeps each message's language (issue 18: one language at a time).

Codes are texted in the language the passenger used on the enrolment page; before this
revision every message carried both languages: those are marked "mul" (BCP 47: several
languages), so the outbox page does not present them as Chinese only.

Revision ID: t0004
Revises: t0003
"""

import sqlalchemy as sa
from alembic import op

revision = "t0004"
down_revision = "t0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add transport_sms_outbox.lang; the messages already sent were in both languages."""
    with op.batch_alter_table("transport_sms_outbox") as batch:
        batch.add_column(sa.Column("lang", sa.String(8), nullable=False, server_default="zh-CN"))
    op.execute("UPDATE transport_sms_outbox SET lang = 'mul'")
