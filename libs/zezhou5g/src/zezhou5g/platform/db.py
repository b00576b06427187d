"""SQL persistence: SQLAlchemy 2 engines and Alembic migrations run at start-up.

SQLite (a file under the run folder) is the embedded default for ``make demo``; PostgreSQL
(psycopg 3) in compose and Kubernetes. Each service keeps its own migrations folder.
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import Connection, Engine, MetaData, create_engine, engine_from_config, event, pool
from sqlalchemy import inspect as sa_inspect

log = logging.getLogger(__name__)
_BATCH_PREFIX = "_alembic_tmp_"  # Alembic's batch mode copies a SQLite table through this name


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

    On SQLite the whole upgrade is one real transaction (``BEGIN IMMEDIATE``: the driver would
    otherwise run DDL outside any transaction), so a migration that fails or is killed half-way
    leaves the database as it was instead of half-copied. A database left half-copied by an
    older version is repaired first (see :func:`recover_interrupted_batch`).
    """
    config = context.config
    connectable = engine_from_config(config.get_section(config.config_ini_section) or {},
                                     prefix="sqlalchemy.", poolclass=pool.NullPool)
    sqlite = connectable.dialect.name == "sqlite"
    if sqlite:
        _transactional_ddl(connectable)
    with connectable.connect() as connection:
        if sqlite:
            with connection.begin():
                for repair in recover_interrupted_batch(connection):
                    log.warning("database repaired before migrating: %s", repair)
        context.configure(connection=connection, target_metadata=metadata,
                          version_table=version_table, render_as_batch=sqlite,
                          transactional_ddl=True)
        with context.begin_transaction():
            context.run_migrations()


def _transactional_ddl(engine: Engine) -> None:
    """Let SQLAlchemy, not the sqlite3 driver, open SQLite transactions (DDL included)."""

    @event.listens_for(engine, "connect")
    def _autocommit_driver(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def recover_interrupted_batch(connection: Connection) -> list[str]:
    """Undo Alembic batch copies that an interrupted SQLite migration of an old version left.

    A batch operation creates ``_alembic_tmp_<t>``, copies ``<t>`` into it, drops ``<t>`` and
    renames the copy. Killed before the drop, ``<t>`` is intact: the copy is discarded and the
    migration runs again. Killed after it, the only copy of the rows is ``_alembic_tmp_<t>``,
    already in the new shape while the version table says otherwise: that is refused with a
    message (nothing is touched) rather than guessed at. Returns what was done.

    Raises:
        RuntimeError: a copy whose original table is gone.
    """
    names = set(sa_inspect(connection).get_table_names())
    done = []
    for tmp in sorted(n for n in names if n.startswith(_BATCH_PREFIX)):
        table = tmp.removeprefix(_BATCH_PREFIX)
        if table not in names:
            raise RuntimeError(
                f"table {table!r} is missing and its rows are in {tmp!r}: a migration was "
                f"interrupted after dropping it. Do not delete {tmp!r}; rename it to {table!r} "
                "and set the version table to the revision that migration produced, or restore "
                "the database from a backup")
        connection.exec_driver_sql(f'DROP TABLE "{tmp}"')
        done.append(f"dropped the unfinished copy {tmp}")
    return done
