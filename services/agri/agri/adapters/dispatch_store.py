"""Machinery dispatch: machine positions in Redis, work orders in SQL, changes on Kafka.

Redis ``agri:machine:<id>`` holds the last fix (lat, lon in degrees, speed km/h, epoch s) and the
open order; ``agri:machine_deadline`` (sorted set) when each machine counts as silent. A machine
is free when it has reported within 3 × its interval and works no open order.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import redis
from prometheus_client import Counter
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from zezhou5g.agri.v1 import agri_pb2
from zezhou5g.platform.events import new_event_id
from zezhou5g.platform.kafka import EventProducer

from agri.adapters.tables import OrderRow
from agri.domain.alarms import Alarm, Change, Severity
from agri.domain.dispatch import (
    OPEN,
    MachineView,
    OrderState,
    haversine_km,
    nearest_free,
    progress,
    transition,
)
from agri.domain.farm import Farm
from agri.domain.rules import FROST
from agri.topics import ORDERS

ORDER_CHANGES = Counter("agri_order_changes_total", "Work order state changes", ["task", "state"])
FROST_TASK = "frost_protection"


def order_proto(r: OrderRow) -> agri_pb2.WorkOrder:
    """Wire form of an order row."""
    msg = agri_pb2.WorkOrder(id=r.id, task=r.task, field_id=r.field_id, state=r.state,  # type: ignore[arg-type]
                             machine_id=r.machine_id, distance_km=r.distance_km,
                             eta_min=r.eta_min, created_by=r.created_by, note=r.note)
    msg.created_time.FromDatetime(r.created_time)
    msg.updated_time.FromDatetime(r.updated_time)
    return msg


class Dispatcher:
    """Creates work orders, assigns machines and follows them."""

    def __init__(self, client: redis.Redis, engine: Engine, producer: EventProducer,
                 farm: Farm) -> None:
        self.client = client
        self.engine = engine
        self.producer = producer
        self.farm = farm
        self.lock = threading.RLock()

    # machines -------------------------------------------------------------------------------
    def machine_state(self, machine_id: str) -> dict[str, str]:
        """Last fix and order of a machine (empty when it never reported)."""
        return self.client.hgetall(f"agri:machine:{machine_id}")  # type: ignore[return-value]

    def machines(self) -> list[agri_pb2.Machine]:
        """Every registered machine with its last fix and state (free, busy, silent)."""
        out = []
        for mid, info in self.farm.machines.items():
            st = self.machine_state(mid)
            state = "silent" if not st or st.get("silent") == "1" else (
                "busy" if st.get("order_id") else "free")
            m = agri_pb2.Machine(id=mid, kind=info.kind, name=info.name_zh,
                                 capabilities=sorted(info.capabilities),
                                 lat=float(st.get("lat", info.home[0])),
                                 lon=float(st.get("lon", info.home[1])), state=state,
                                 order_id=st.get("order_id", ""),
                                 speed_kmh=float(st.get("speed", 0.0)))
            if st.get("t"):
                m.last_seen.FromDatetime(datetime.fromtimestamp(float(st["t"]), UTC))
            out.append(m)
        return out

    def on_position(self, pos: agri_pb2.MachinePosition, now_s: float | None = None) -> None:
        """A machine's fix: refresh its silence deadline and move its order along."""
        info = self.farm.machines.get(pos.machine_id)
        if info is None:
            return
        now_s = time.time() if now_s is None else now_s
        with self.lock:
            key = f"agri:machine:{pos.machine_id}"
            was = self.machine_state(pos.machine_id)
            pipe = self.client.pipeline()
            pipe.hset(key, mapping={"lat": pos.lat, "lon": pos.lon, "speed": pos.speed_kmh,
                                    "t": now_s, "silent": "0"})
            pipe.zadd("agri:machine_deadline", {pos.machine_id: now_s + 3 * info.interval_s})
            pipe.execute()
            order_id = was.get("order_id")
            if order_id:
                self._progress(order_id, pos)
            elif not was or was.get("silent") == "1":
                self.assign_waiting()

    def silent_machines(self, now_s: float) -> list[str]:
        """Machines past their deadline; each is released once."""
        pipe = self.client.pipeline(transaction=True)
        pipe.zrangebyscore("agri:machine_deadline", "-inf", now_s)
        pipe.zremrangebyscore("agri:machine_deadline", "-inf", now_s)
        due = [str(m) for m in pipe.execute()[0]]
        for mid in due:
            self.release(mid)
        return due

    def release(self, machine_id: str) -> None:
        """A silent machine gives its open order back (CREATED) for another machine."""
        with self.lock:
            key = f"agri:machine:{machine_id}"
            order_id = self.client.hget(key, "order_id")
            self.client.hset(key, mapping={"silent": "1", "order_id": ""})
            if order_id:
                self._set_state(str(order_id), OrderState.CREATED, machine_id="",
                                note=f"released: {machine_id} silent")
                self.assign_waiting()

    def _views(self) -> list[MachineView]:
        views = []
        for mid, info in self.farm.machines.items():
            st = self.machine_state(mid)
            if not st or "lat" not in st:
                continue
            free = st.get("silent") != "1" and not st.get("order_id")
            views.append(MachineView(mid, info.capabilities, float(st["lat"]), float(st["lon"]),
                                     info.speed_kmh, free))
        return views

    # orders ---------------------------------------------------------------------------------
    def on_alarm(self, alarm: Alarm, change: Change) -> None:
        """Rule: a frost alarm at major or worse asks for frost protection on the field."""
        if (alarm.type == FROST and alarm.active and alarm.severity >= Severity.MAJOR
                and change in (Change.CREATED, Change.SEVERITY_UPDATED)
                and not self.open_orders(alarm.field_id, FROST_TASK)):
            self.create(FROST_TASK, alarm.field_id, f"rule:{alarm.id}",
                        f"{alarm.type} {alarm.severity.name}")

    def open_orders(self, field_id: str = "", task: str = "") -> list[OrderRow]:
        """Open orders, optionally of one field and task, oldest first."""
        q = select(OrderRow).where(OrderRow.state.in_([int(s) for s in OPEN]))
        if field_id:
            q = q.where(OrderRow.field_id == field_id)
        if task:
            q = q.where(OrderRow.task == task)
        with Session(self.engine) as s:
            return list(s.scalars(q.order_by(OrderRow.created_time)))

    def orders(self, open_only: bool = False, limit: int = 200) -> list[OrderRow]:
        """Orders, newest first."""
        q = select(OrderRow).order_by(OrderRow.created_time.desc()).limit(limit)
        if open_only:
            q = q.where(OrderRow.state.in_([int(s) for s in OPEN]))
        with Session(self.engine) as s:
            return list(s.scalars(q))

    def create(self, task: str, field_id: str, created_by: str, note: str = "") -> OrderRow:
        """Create an order and assign the nearest free capable machine if there is one."""
        if field_id not in self.farm.fields:
            raise KeyError(f"unknown field {field_id}")
        now = datetime.now(UTC)
        row = OrderRow(id=new_event_id(), task=task, field_id=field_id,
                       state=int(OrderState.CREATED), machine_id="", distance_km=0.0,
                       eta_min=0.0, created_by=created_by, note=note, created_time=now,
                       updated_time=now)
        with self.lock:
            with Session(self.engine, expire_on_commit=False) as s, s.begin():
                s.add(row)
            self._publish(row)
            self.assign_waiting()
        return self.get(row.id) or row

    def get(self, order_id: str) -> OrderRow | None:
        """One order."""
        with Session(self.engine) as s:
            return s.get(OrderRow, order_id)

    def assign_waiting(self) -> None:
        """Give every unassigned open order (oldest first) the nearest free capable machine."""
        with self.lock:
            for order in self.open_orders():
                if order.state != OrderState.CREATED:
                    continue
                lat, lon = self.farm.fields[order.field_id].centre
                choice = nearest_free(self._views(), order.task, lat, lon)
                if choice is None:
                    continue
                self.client.hset(f"agri:machine:{choice.machine_id}", "order_id", order.id)
                self._set_state(order.id, OrderState.ASSIGNED, machine_id=choice.machine_id,
                                distance_km=choice.distance_km, eta_min=choice.eta_min)

    def update(self, order_id: str, state: OrderState, user: str) -> OrderRow:
        """A person moves an order on (e.g. DONE, CANCELLED); raises ValueError when invalid."""
        with self.lock:
            row = self.get(order_id)
            if row is None:
                raise KeyError(f"unknown order {order_id}")
            transition(OrderState(row.state), state)
            if state in (OrderState.DONE, OrderState.CANCELLED) and row.machine_id:
                self.client.hset(f"agri:machine:{row.machine_id}", "order_id", "")
            updated = self._set_state(order_id, state, note=f"{state.name.lower()} by {user}")
            if state in (OrderState.DONE, OrderState.CANCELLED):
                self.assign_waiting()
            return updated

    def _progress(self, order_id: str, pos: agri_pb2.MachinePosition) -> None:
        row = self.get(order_id)
        if row is None or row.state not in OPEN:
            return
        lat, lon = self.farm.fields[row.field_id].centre
        new = progress(OrderState(row.state), haversine_km(pos.lat, pos.lon, lat, lon),
                       pos.speed_kmh)
        if new != row.state:
            self._set_state(order_id, new)

    def _set_state(self, order_id: str, state: OrderState, **changes: object) -> OrderRow:
        with Session(self.engine, expire_on_commit=False) as s, s.begin():
            row = s.get(OrderRow, order_id)
            assert row is not None
            if state != row.state:
                transition(OrderState(row.state), state)
            row.state = int(state)
            for k, v in changes.items():
                setattr(row, k, v)
            row.updated_time = datetime.now(UTC)
        self._publish(row)
        return row

    def _publish(self, row: OrderRow) -> None:
        self.producer.publish(ORDERS, order_proto(row), key=row.id)
        ORDER_CHANGES.labels(row.task, OrderState(row.state).name.lower()).inc()
