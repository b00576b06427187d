"""Alembic environment of the medical service (run by zezhou5g.platform.db.migrate).

Its own version table, so it can share a PostgreSQL database with the other services.
"""

from medical.adapters.records import Base
from zezhou5g.platform.db import run_env

run_env(Base.metadata, version_table="medical_alembic_version")
