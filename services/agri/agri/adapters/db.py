"""The agri service's SQL engines: one for reads, one for units of work.

On SQLite a unit of work (read, then write) in a deferred transaction can fail at once with
"database is locked" when another connection wrote in between; the writer engine begins every
transaction with ``BEGIN IMMEDIATE`` instead, so writers queue on the busy timeout. PostgreSQL
needs neither: both engines are plain.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, event
from zezhou5g.platform.db import make_engine


def writer_engine(url: str) -> Engine:
    """Engine for :class:`~zezhou5g.platform.outbox.SqlOutbox` units and other writes."""
    engine = make_engine(url)
    if engine.dialect.name != "sqlite":
        return engine

    @event.listens_for(engine, "connect")
    def _no_implicit_begin(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None   # SQLAlchemy's "begin" below issues BEGIN

    @event.listens_for(engine, "begin")
    def _immediate(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
