"""Machinery dispatch: machine fixes, silent machines, work orders by people and by rule.

One SQL unit of work per event, tick or request (:class:`~zezhou5g.platform.outbox.SqlOutbox`):
machines and orders change together with the order events staged for ``agri.orders``. An order
event's id is derived from the order and its version, so a unit decided again after a crash
stages the same ids.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from prometheus_client import Counter
from zezhou5g.agri.v1 import agri_pb2
from zezhou5g.platform.events import ConsumedEvent, new_event_id
from zezhou5g.platform.outbox import SqlOutbox, SqlUnit, derived_id

from agri.adapters.dispatch_store import DispatchStore, DispatchTx, order_proto
from agri.adapters.tables import MachineRow, OrderRow
from agri.app.errors import NotFound, split_invalid
from agri.domain.alarms import Alarm
from agri.domain.dispatch import (
    FROST_TASK,
    OPEN,
    MachineView,
    OrderState,
    haversine_km,
    nearest_free,
    progress,
    transition,
)
from agri.domain.farm import Farm
from agri.topics import MACHINE_POSITIONS, ORDERS

ORDER_CHANGES = Counter("agri_order_changes_total", "Work order state changes", ["task", "state"])
SILENT_AFTER_INTERVALS = 3


def order_event_id(row: OrderRow) -> str:
    """The id of the event announcing ``row`` at its current version."""
    return derived_id("agri.order", row.id, str(row.version))


@dataclass
class _Orders:
    """Order changes inside one unit: each one staged as an event at the end."""

    tx: DispatchTx
    unit: SqlUnit  # type: ignore[type-arg]
    changed: list[agri_pb2.WorkOrder] = field(default_factory=list)
    counts: list[tuple[str, str]] = field(default_factory=list)

    def touched(self, row: OrderRow) -> None:
        msg = order_proto(row)
        msg.meta.event_id = order_event_id(row)
        self.changed.append(msg)
        self.counts.append((row.task, OrderState(row.state).name.lower()))

    def set_state(self, row: OrderRow, state: OrderState, **changes: object) -> None:
        if state != row.state:
            transition(OrderState(row.state), state)
        row.state = int(state)
        for k, v in changes.items():
            setattr(row, k, v)
        row.updated_time = datetime.now(UTC)
        row.version += 1
        self.touched(row)


class Dispatch:
    """Creates work orders, assigns the nearest free capable machine and follows it."""

    def __init__(self, outbox: SqlOutbox, store: DispatchStore, farm: Farm) -> None:
        self.outbox = outbox
        self.store = store
        self.farm = farm

    def _unit(self, unit: SqlUnit, work):  # type: ignore[no-untyped-def,type-arg]
        """Run ``work(orders)`` in the unit's dispatch transaction and stage its events."""
        with self.store.tx(unit) as tx:
            orders = _Orders(tx, unit)
            result = work(orders)
        for msg in orders.changed:
            unit.emit(ORDERS, msg, msg.id)
        return result, orders.counts

    def _commit(self, work, consumed: Sequence[str] = (), topic: str = ""):  # type: ignore[no-untyped-def]
        result, counts = self.outbox.transact(lambda unit: self._unit(unit, work),
                                              consumed=consumed, topic=topic)
        self.counted(counts)
        return result

    # machines (consumer and tick) ---------------------------------------------------------
    def check(self, pos: agri_pb2.MachinePosition) -> str | None:
        """Why a fix is refused, or None."""
        if pos.machine_id not in self.farm.machines:
            return f"machine {pos.machine_id!r} is not registered"
        return None

    def on_positions(self, events: Sequence[ConsumedEvent],
                     now_s: float | None = None) -> dict[int, str]:
        """Fold machine fixes in (one unit); returns index → reason for refused ones."""
        rejects, valid = split_invalid(events, self.check)
        if valid:
            now = time.time() if now_s is None else now_s
            self._commit(lambda orders: self._positions(orders, valid, now),
                         [e.event_id for e in valid], MACHINE_POSITIONS)
        return rejects

    def _positions(self, orders: _Orders, events: list[ConsumedEvent], now_s: float) -> None:
        # Fixes of one poll in order; one already folded in (a redelivery) is skipped.
        done: set[str] = set()
        for e in events:
            if not orders.unit.fresh(e.event_id) or e.event_id in done:
                continue
            done.add(e.event_id)
            pos: agri_pb2.MachinePosition = e.message  # type: ignore[assignment]
            info = self.farm.machines[pos.machine_id]
            m = orders.tx.machine(pos.machine_id)
            returning = m is None or m.silent
            if m is None:
                m = MachineRow(id=pos.machine_id, order_id="")
                orders.tx.add(m)
            m.lat, m.lon, m.speed_kmh = pos.lat, pos.lon, pos.speed_kmh
            m.seen_s, m.silent = now_s, False
            m.silent_after_s = now_s + SILENT_AFTER_INTERVALS * info.interval_s
            if m.order_id:
                self._progress(orders, m.order_id, pos)
            elif returning:
                self._assign_waiting(orders)

    def silent_machines(self, now_s: float | None = None) -> list[str]:
        """Machines past their deadline give their open order back (once each)."""
        now = time.time() if now_s is None else now_s
        if not self.store.any_due(now):   # a read first: most ticks have nothing to do
            return []
        return self._commit(lambda orders: self._release_silent(orders, now))  # type: ignore[no-any-return]

    def _release_silent(self, orders: _Orders, now_s: float) -> list[str]:
        released = []
        for m in orders.tx.due_machines(now_s):
            m.silent, order_id, m.order_id = True, m.order_id, ""
            released.append(m.id)
            row = orders.tx.order(order_id) if order_id else None
            if row is not None and row.state in OPEN:
                orders.set_state(row, OrderState.CREATED, machine_id="",
                                 note=f"released: {m.id} silent")
        if released:
            orders.tx.s.flush()
            self._assign_waiting(orders)
        return released

    # orders (requests and rules) -------------------------------------------------------------
    def create(self, task: str, field_id: str, created_by: str, note: str = "") -> OrderRow:
        """A person's order; the nearest free capable machine is assigned if there is one."""
        if field_id not in self.farm.fields:
            raise NotFound(f"unknown field {field_id}")
        return self._commit(  # type: ignore[no-any-return]
            lambda orders: self._create(orders, new_event_id(), task, field_id, created_by, note))

    def _create(self, orders: _Orders, order_id: str, task: str, field_id: str,
                created_by: str, note: str) -> OrderRow:
        now = datetime.now(UTC)
        row = OrderRow(id=order_id, task=task, field_id=field_id, state=int(OrderState.CREATED),
                       machine_id="", distance_km=0.0, eta_min=0.0, created_by=created_by,
                       note=note, created_time=now, updated_time=now, version=1)
        orders.tx.add(row)
        orders.touched(row)
        orders.tx.s.flush()
        self._assign_waiting(orders)
        return row

    def frost_protection(self, unit: SqlUnit, alarm: Alarm  # type: ignore[type-arg]
                         ) -> list[tuple[str, str]]:
        """Rule (in the caller's unit): a frost order for the alarm's field unless one is open.

        ``alarm`` passed :func:`agri.domain.dispatch.wants_frost_protection`. Returns the order
        changes for :meth:`counted` once the caller committed.
        """
        def work(orders: _Orders) -> OrderRow | None:
            if orders.tx.open_orders(alarm.field_id, FROST_TASK):
                return None
            return self._create(orders, derived_id("agri.frost-order", alarm.id,
                                                   str(alarm.version)),
                                FROST_TASK, alarm.field_id, f"rule:{alarm.id}",
                                f"{alarm.type} {alarm.severity.name}")
        return self._unit(unit, work)[1]  # type: ignore[no-any-return]

    @staticmethod
    def counted(counts: Sequence[tuple[str, str]]) -> None:
        """Count committed order changes (task, state)."""
        for task, state in counts:
            ORDER_CHANGES.labels(task, state).inc()

    def update(self, order_id: str, state: OrderState, user: str) -> OrderRow:
        """A person moves an order on (e.g. DONE, CANCELLED).

        Asking for the state it is in already (a retried request) changes nothing and returns
        it; raises :class:`~agri.domain.dispatch.InvalidTransition` when not allowed.
        """
        return self._commit(lambda orders: self._update(orders, order_id, state, user))  # type: ignore[no-any-return]

    def _update(self, orders: _Orders, order_id: str, state: OrderState, user: str) -> OrderRow:
        row = orders.tx.order(order_id)
        if row is None:
            raise NotFound(f"unknown order {order_id}")
        if row.state == state:
            return row
        transition(OrderState(row.state), state)
        done = state in (OrderState.DONE, OrderState.CANCELLED)
        if done and row.machine_id:
            m = orders.tx.machine(row.machine_id)
            if m is not None and m.order_id == row.id:
                m.order_id = ""
        orders.set_state(row, state, note=f"{state.name.lower()} by {user}")
        if done:
            orders.tx.s.flush()
            self._assign_waiting(orders)
        return row

    # shared steps ----------------------------------------------------------------------------
    def _progress(self, orders: _Orders, order_id: str, pos: agri_pb2.MachinePosition) -> None:
        row = orders.tx.order(order_id)
        if row is None or row.state not in OPEN:
            return
        lat, lon = self.farm.fields[row.field_id].centre
        new = progress(OrderState(row.state), haversine_km(pos.lat, pos.lon, lat, lon),
                       pos.speed_kmh)
        if new != row.state:
            orders.set_state(row, new)

    def _assign_waiting(self, orders: _Orders) -> None:
        """Give every unassigned open order (oldest first) the nearest free capable machine."""
        machines = {m.id: m for m in orders.tx.machines()}
        for order in orders.tx.open_orders():
            if order.state != OrderState.CREATED:
                continue
            views = [MachineView(m.id, self.farm.machines[m.id].capabilities, m.lat, m.lon,
                                 self.farm.machines[m.id].speed_kmh,
                                 not m.silent and not m.order_id)
                     for m in machines.values() if m.id in self.farm.machines]
            lat, lon = self.farm.fields[order.field_id].centre
            choice = nearest_free(views, order.task, lat, lon)
            if choice is None:
                continue
            machines[choice.machine_id].order_id = order.id
            orders.set_state(order, OrderState.ASSIGNED, machine_id=choice.machine_id,
                             distance_km=choice.distance_km, eta_min=choice.eta_min)
