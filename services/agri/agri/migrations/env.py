"""Alembic environment of the agri service (run by zezhou5g.platform.db.migrate).

Its own version table, so it can share a PostgreSQL database with the other services.
"""

from agri.adapters.tables import Base
from zezhou5g.platform.db import run_env

run_env(Base.metadata, version_table="agri_alembic_version")
