"""Alembic environment of the transport service (run by zezhou5g.platform.db.migrate).

Its own version table, so it can share a PostgreSQL database with the other services.
"""

from transport.adapters.tables import metadata
from zezhou5g.platform.db import run_env

run_env(metadata, version_table="transport_alembic_version")
