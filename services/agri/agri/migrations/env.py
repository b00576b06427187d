"""Alembic environment of the agri service (run by zezhou5g.platform.db.migrate).

Its own version table, so the agri service can share a PostgreSQL database with other services.
"""

from agri.adapters.tables import Base
from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config
connectable = engine_from_config(config.get_section(config.config_ini_section) or {},
                                 prefix="sqlalchemy.", poolclass=pool.NullPool)
with connectable.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      version_table="agri_alembic_version",
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()
