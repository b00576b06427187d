"""Alembic environment of the transport service (run by zezhou5g.platform.db.migrate).

Its own version table, so the service can share a PostgreSQL database with others.
"""

from alembic import context
from sqlalchemy import engine_from_config, pool
from transport.adapters.tables import metadata

config = context.config
connectable = engine_from_config(config.get_section(config.config_ini_section) or {},
                                 prefix="sqlalchemy.", poolclass=pool.NullPool)
with connectable.connect() as connection:
    context.configure(connection=connection, target_metadata=metadata,
                      version_table="transport_alembic_version",
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()
