"""Machinery dispatch records in SQL: machines (last fix, state) and work orders.

A dispatch unit of work (:mod:`agri.app.dispatch`) reads and changes both in one transaction —
a machine is assigned and its order moves on together — through :meth:`DispatchStore.tx`.
Machine fixes are a few per machine a minute, well within one SQL write each.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from zezhou5g.agri.v1 import agri_pb2
from zezhou5g.platform.outbox import SqlUnit

from agri.adapters.tables import MachineRow, OrderRow
from agri.domain.dispatch import OPEN

_OPEN = [int(s) for s in OPEN]


def order_proto(r: OrderRow) -> agri_pb2.WorkOrder:
    """Wire form of an order row."""
    msg = agri_pb2.WorkOrder(id=r.id, task=r.task, field_id=r.field_id, state=r.state,  # type: ignore[arg-type]
                             machine_id=r.machine_id, distance_km=r.distance_km,
                             eta_min=r.eta_min, created_by=r.created_by, note=r.note)
    msg.created_time.FromDatetime(r.created_time)
    msg.updated_time.FromDatetime(r.updated_time)
    return msg


class DispatchTx:
    """Machines and orders inside one unit of work; changes are flushed at its end.

    Rows read are held for the unit (the session's identity map keeps only weak references:
    without this, every lookup after a flush would read the row again).
    """

    def __init__(self, session: Session) -> None:
        self.s = session
        self._machines: dict[str, MachineRow] | None = None
        self._orders: dict[str, OrderRow] = {}

    def _all(self) -> dict[str, MachineRow]:
        if self._machines is None:   # a handful of machines: read them all at once
            self._machines = {m.id: m for m in self.s.scalars(select(MachineRow))}
        return self._machines

    def machine(self, machine_id: str) -> MachineRow | None:
        """A machine's row (None when it never reported)."""
        return self._all().get(machine_id)

    def machines(self) -> list[MachineRow]:
        """Every machine that reported, by id."""
        return [m for _, m in sorted(self._all().items())]

    def due_machines(self, now_s: float) -> list[MachineRow]:
        """Machines not yet silent whose deadline has passed."""
        return [m for m in self.machines() if not m.silent and m.silent_after_s <= now_s]

    def add(self, row: MachineRow | OrderRow) -> None:
        """Insert a new machine or order."""
        self.s.add(row)
        if isinstance(row, MachineRow):
            self._all()[row.id] = row
        else:
            self._orders[row.id] = row

    def order(self, order_id: str) -> OrderRow | None:
        """One order."""
        row = self._orders.get(order_id) or self.s.get(OrderRow, order_id)
        if row is not None:
            self._orders[order_id] = row
        return row

    def open_orders(self, field_id: str = "", task: str = "") -> list[OrderRow]:
        """Open orders (of a field and task when given), oldest first."""
        q = select(OrderRow).where(OrderRow.state.in_(_OPEN))
        if field_id:
            q = q.where(OrderRow.field_id == field_id)
        if task:
            q = q.where(OrderRow.task == task)
        rows = list(self.s.scalars(q.order_by(OrderRow.created_time, OrderRow.id)))
        self._orders.update((r.id, r) for r in rows)
        return rows


class DispatchStore:
    """Opens :class:`DispatchTx` in units; answers queries on the read engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def tx(self, unit: SqlUnit) -> Iterator[DispatchTx]:  # type: ignore[type-arg]
        """Machines and orders in ``unit``'s transaction (flushed, not committed, at the end)."""
        with Session(bind=unit.conn, expire_on_commit=False, autoflush=True) as s:
            yield DispatchTx(s)
            s.flush()
            s.expunge_all()   # rows stay readable after the unit commits

    def any_due(self, now_s: float) -> bool:
        """Whether a machine not yet silent is past its deadline (read outside any unit)."""
        with Session(self.engine) as s:
            return s.scalars(select(MachineRow.id).where(
                MachineRow.silent.is_(False), MachineRow.silent_after_s <= now_s)
                .limit(1)).first() is not None

    def machine_rows(self) -> dict[str, MachineRow]:
        """Machine id → its row, for every machine that reported."""
        with Session(self.engine) as s:
            return {m.id: m for m in s.scalars(select(MachineRow))}

    def orders(self, open_only: bool = False, limit: int = 200,
               fields: set[str] | None = None) -> list[OrderRow]:
        """Orders, newest first (of ``fields`` only when given)."""
        q = select(OrderRow).order_by(OrderRow.created_time.desc()).limit(limit)
        if open_only:
            q = q.where(OrderRow.state.in_(_OPEN))
        if fields is not None:
            q = q.where(OrderRow.field_id.in_(sorted(fields)))
        with Session(self.engine) as s:
            return list(s.scalars(q))

    def get(self, order_id: str) -> OrderRow | None:
        """One order."""
        with Session(self.engine) as s:
            return s.get(OrderRow, order_id)
