"""SQL persistence: SQLAlchemy 2 engines and Alembic migrations run at start-up.

SQLite (a file under the run folder) is the embedded default for ``make demo``; PostgreSQL
(psycopg 3) in compose and Kubernetes. Each service keeps its own migrations folder.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import Engine, MetaData, create_engine, engine_from_config, event, pool


def make_engine(url: str) -> Engine:
    """Engine for ``url``; SQLite gets WAL and foreign keys, PostgreSQL pre-ping."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def migrate(url: str, migrations: Path) -> None:
    """Upgrade the database at ``url`` to the newest revision in ``migrations``."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(cfg, "head")


def run_env(metadata: MetaData, version_table: str = "alembic_version") -> None:
    """The body of every ``migrations/env.py``: upgrade online with the configured URL.

    Each service passes its own ``version_table`` so services can share one PostgreSQL
    database; SQLite gets batch mode (it cannot ALTER most things in place).
    """
    config = context.config
    connectable = engine_from_config(config.get_section(config.config_ini_section) or {},
                                     prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata,
                          version_table=version_table,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
