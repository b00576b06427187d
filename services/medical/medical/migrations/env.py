"""Alembic environment of the medical service (run by zezhou5g.platform.db.migrate)."""

from alembic import context
from medical.adapters.records import Base
from sqlalchemy import engine_from_config, pool

config = context.config
connectable = engine_from_config(config.get_section(config.config_ini_section) or {},
                                 prefix="sqlalchemy.", poolclass=pool.NullPool)
with connectable.connect() as connection:
    # Services may share one PostgreSQL database: each keeps its own version table.
    context.configure(connection=connection, target_metadata=Base.metadata,
                      version_table="medical_alembic_version",
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()
