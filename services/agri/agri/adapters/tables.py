"""SQL tables of the agri service (SQLAlchemy 2 declarative; created by the Alembic migrations)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from zezhou5g.platform.outbox import outbox_tables


class Base(DeclarativeBase):
    """Declarative base of the agri tables."""


class AlarmRow(Base):
    """Every alarm with its latest state (UTC times)."""

    __tablename__ = "agri_alarms"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    originator: Mapped[str] = mapped_column(String(64), index=True)
    type: Mapped[str] = mapped_column(String(40))
    severity: Mapped[int] = mapped_column(Integer)
    status: Mapped[int] = mapped_column(Integer, index=True)
    field_id: Mapped[str] = mapped_column(String(64), index=True)
    start_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    end_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ack_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    clear_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    acked_by: Mapped[str] = mapped_column(String(64), default="")
    details: Mapped[str] = mapped_column(Text, default="{}")
    notify_count: Mapped[int] = mapped_column(Integer, default=1)
    version: Mapped[int] = mapped_column(Integer, default=1)   # a row only moves forward


class OrderRow(Base):
    """Work orders (state values as in ``agri.domain.dispatch.OrderState``)."""

    __tablename__ = "agri_work_orders"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    task: Mapped[str] = mapped_column(String(40))
    field_id: Mapped[str] = mapped_column(String(64), index=True)
    state: Mapped[int] = mapped_column(Integer, index=True)
    machine_id: Mapped[str] = mapped_column(String(64), default="")
    distance_km: Mapped[float] = mapped_column(Float, default=0.0)
    eta_min: Mapped[float] = mapped_column(Float, default=0.0)
    created_by: Mapped[str] = mapped_column(String(80))
    note: Mapped[str] = mapped_column(Text, default="")
    created_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)   # +1 per change (event ids)


class MachineRow(Base):
    """A machine's last fix (WGS84 degrees, km/h) and dispatch state; times are epoch s, UTC."""

    __tablename__ = "agri_machines"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    speed_kmh: Mapped[float] = mapped_column(Float, default=0.0)
    seen_s: Mapped[float] = mapped_column(Float)             # wall clock of the last fix
    silent_after_s: Mapped[float] = mapped_column(Float, index=True)   # silent past this time
    silent: Mapped[bool] = mapped_column(Boolean, default=False)
    order_id: Mapped[str] = mapped_column(String(40), default="")


class ReadingBucket(Base):
    """Aggregated telemetry: ``width`` 900 s (kept 90 days) or 86 400 s (beyond)."""

    __tablename__ = "agri_reading_buckets"
    device_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    metric: Mapped[str] = mapped_column(String(32), primary_key=True)
    width: Mapped[int] = mapped_column(Integer, primary_key=True)
    start: Mapped[int] = mapped_column(Integer, primary_key=True)      # epoch s, UTC
    count: Mapped[int] = mapped_column(Integer)
    total: Mapped[float] = mapped_column(Float)
    low: Mapped[float] = mapped_column(Float)
    high: Mapped[float] = mapped_column(Float)


class TraceBatch(Base):
    """A product batch and its public code."""

    __tablename__ = "agri_trace_batches"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    product: Mapped[str] = mapped_column(String(120))
    field_id: Mapped[str] = mapped_column(String(64))
    created_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TraceEventRow(Base):
    """One EPCIS 2.0 event of a batch, hash-chained to the previous one."""

    __tablename__ = "agri_trace_events"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_type: Mapped[str] = mapped_column(String(40))
    event_json: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


Index("ix_agri_alarm_origin_type", AlarmRow.originator, AlarmRow.type)

# Staged events and consumed event ids of the SQL units (dispatch, records).
OUTBOX_TABLES = outbox_tables(Base.metadata, prefix="agri_")
