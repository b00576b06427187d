"""The agri service's SQL engines: one for reads, one for units of work.

On SQLite a unit of work (read, then write) in a deferred transaction can fail at once with
"database is locked" when another connection wrote in between; the writer engine begins every
transaction with ``BEGIN IMMEDIATE`` instead, so writers queue (up to :data:`BUSY_TIMEOUT_S`).
Its commits sync the WAL at checkpoints only (``synchronous=NORMAL``, SQLite's advice for WAL):
a commit survives the process being killed, and only an OS crash may lose the last ones — the
embedded SQLite is the local demo's store; compose and Kubernetes run PostgreSQL, which needs
none of this: both engines are plain there.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, event
from zezhou5g.platform.db import make_engine

BUSY_TIMEOUT_S = 30


def writer_engine(url: str) -> Engine:
    """Engine for :class:`~zezhou5g.platform.outbox.SqlOutbox` units and other writes."""
    engine = make_engine(url)
    if engine.dialect.name != "sqlite":
        return engine

    @event.listens_for(engine, "connect")
    def _no_implicit_begin(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None   # SQLAlchemy's "begin" below issues BEGIN
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _immediate(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
