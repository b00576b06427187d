"""What the console, farmers and the public pages read, scoped to who asks.

Who asks is the verified principal (``zezhou5g.platform.principal``): a farmer sees and acts on
the fields they own (a field's ``owner`` is their user name) and nothing county-wide; the bureau
and administrators see the county. Reads answered from SQL records catch the records relay up
first (:meth:`~agri.app.records.RecordsRelay.catch_up`), so they show every decision made.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

from zezhou5g.agri.v1 import agri_pb2
from zezhou5g.platform import principal as principals
from zezhou5g.platform.principal import Principal

from agri.adapters.alarm_store import AlarmStore, to_proto
from agri.adapters.dispatch_store import DispatchStore, order_proto
from agri.adapters.field_state import FieldState
from agri.adapters.history_store import HistoryStore
from agri.adapters.trace_store import TraceStore
from agri.app.errors import Forbidden
from agri.app.records import RecordsRelay
from agri.domain.alarms import Alarm, Severity
from agri.domain.farm import Farm
from agri.domain.history import COARSE_S, FINE_S, Bucket, merge

MAX_POINTS = 2000
FARMER = "farmer"
BUREAU = "agri_bureau"
# Who may use the console operations; farmers only within their own fields.
CONSOLE = (FARMER, BUREAU, principals.ADMIN)
COUNTY = (BUREAU, principals.ADMIN)


def own_fields(p: Principal, farm: Farm) -> set[str] | None:
    """Field ids a farmer owns; None for the county roles (every field)."""
    if p.role != FARMER:
        return None
    return {f.id for f in farm.fields.values() if f.owner == p.subject}


class Views:
    """Read models of the agri service."""

    def __init__(self, farm: Farm, state: FieldState, alarms: AlarmStore,
                 dispatch: DispatchStore, history: HistoryStore, trace: TraceStore,
                 records: RecordsRelay) -> None:
        self.farm = farm
        self.state = state
        self.alarms = alarms
        self.dispatch = dispatch
        self.history = history
        self.traces = trace
        self.records = records

    def field_statuses(self) -> list[agri_pb2.FieldStatus]:
        """Latest status of every field that has reported (public summary)."""
        return self.state.all_statuses()

    def fields(self, owner: str = "") -> list[agri_pb2.Field]:
        """Registered fields (of ``owner`` when given) with their latest status."""
        out = []
        for f in self.farm.fields.values():
            if owner and f.owner != owner:
                continue
            lat, lon = f.centre
            msg = agri_pb2.Field(id=f.id, name=f.name_zh, crop=f.crop, stage=f.stage,
                                 owner=f.owner, centre=agri_pb2.LatLon(lat=lat, lon=lon),
                                 outline=[agri_pb2.LatLon(lat=a, lon=b) for a, b in f.outline],
                                 devices=list(f.devices))
            status = self.state.status(f.id)
            if status is not None:
                msg.status.CopyFrom(status)
            out.append(msg)
        return out

    def history_points(self, own: set[str] | None, device_id: str, metric: str,
                       since_s: float | None, until_s: float | None
                       ) -> tuple[int, list[Bucket]]:
        """Bucket width (s) and buckets of one metric of one device (15-min, or daily).

        Raises :class:`Forbidden` for a farmer asking for a device outside their fields.
        """
        if own is not None and not any(device_id in self.farm.fields[f].devices for f in own):
            raise Forbidden("scope", "not a device of your fields")
        until = until_s if until_s is not None else time.time() + FINE_S
        since = since_s if since_s is not None else until - 7 * 86_400
        self.records.catch_up()
        buckets = self.history.query(device_id, metric, since, until)
        width = FINE_S
        if (until - since) / FINE_S > MAX_POINTS or any(b.width == COARSE_S for b in buckets):
            buckets, width = merge(buckets, COARSE_S), COARSE_S
        return width, buckets

    def alarm_list(self, own: set[str] | None, active_only: bool = False,
                   field_id: str = "") -> list[Alarm]:
        """Alarms, newest first (a farmer's: of their own fields)."""
        self.records.catch_up()
        return self.alarms.list(active_only, field_id, fields=own)

    def machines(self) -> list[agri_pb2.Machine]:
        """Every registered machine with its last fix and state (free, busy, silent)."""
        rows = self.dispatch.machine_rows()
        out = []
        for mid, info in self.farm.machines.items():
            row = rows.get(mid)
            state = "silent" if row is None or row.silent else (
                "busy" if row.order_id else "free")
            m = agri_pb2.Machine(id=mid, kind=info.kind, name=info.name_zh,
                                 capabilities=sorted(info.capabilities),
                                 lat=row.lat if row else info.home[0],
                                 lon=row.lon if row else info.home[1], state=state,
                                 order_id=row.order_id if row else "",
                                 speed_kmh=row.speed_kmh if row else 0.0)
            if row is not None:
                m.last_seen.FromDatetime(datetime.fromtimestamp(row.seen_s, UTC))
            out.append(m)
        return out

    def orders(self, own: set[str] | None, open_only: bool = False) -> list[agri_pb2.WorkOrder]:
        """Work orders, newest first (a farmer's: for their own fields)."""
        self.records.catch_up()
        return [order_proto(r) for r in self.dispatch.orders(open_only, fields=own)]

    def emergency(self, own: set[str] | None) -> agri_pb2.GetEmergencyResponse:
        """Active critical alarms, their fields, open orders and machines (a farmer: own)."""
        self.records.catch_up()
        critical = [a for a in self.alarms.list(active_only=True, fields=own)
                    if a.severity == Severity.CRITICAL]
        field_ids = {a.field_id for a in critical}
        orders = [o for o in self.dispatch.orders(open_only=True, limit=10_000)
                  if o.field_id in field_ids]
        busy = {o.machine_id for o in orders if o.machine_id}
        return agri_pb2.GetEmergencyResponse(
            critical=[to_proto(a) for a in critical],
            fields=[f for f in self.fields() if f.id in field_ids],
            orders=[order_proto(o) for o in sorted(orders, key=lambda o: o.created_time)],
            machines=[m for m in self.machines() if m.id in busy])

    def trace(self, code: str) -> agri_pb2.GetTraceResponse | None:
        """A batch's EPCIS chain, verified now, with the field's sensor record (public)."""
        batch = self.traces.get(code)
        if batch is None:
            return None
        reply = agri_pb2.GetTraceResponse(
            code=batch.code, product=batch.product, field_id=batch.field_id,
            verified=batch.verification.ok, first_invalid_seq=batch.verification.first_invalid)
        for link, ok in zip(batch.links, batch.verification.valid, strict=True):
            reply.events.add(seq=link.seq, event_type=str(link.event.get("type", "")),
                             epcis_json=json.dumps(link.event, ensure_ascii=False),
                             prev_hash=link.prev_hash, hash=link.hash, valid=ok)
        reply.field_summary_json = json.dumps(self._field_summary(batch.field_id))
        return reply

    def _field_summary(self, field_id: str) -> dict[str, object]:
        """The field's sensor record: latest status and season degree days."""
        info = self.farm.fields.get(field_id)
        status = self.state.status(field_id)
        out: dict[str, object] = {"field_id": field_id}
        if info is not None:
            out |= {"name": info.name_zh, "name_en": info.name_en, "crop": info.crop,
                    "devices": list(info.devices)}
        if status is not None:
            out |= {"gdd": status.gdd, "readings_total": status.readings_total}
        return out

    def batches(self, own: set[str] | None) -> list[agri_pb2.GetTraceResponse]:
        """Every batch with its verification (events left out; a farmer's own)."""
        out = []
        for code in self.traces.codes():
            t = self.trace(code)
            if t is not None and (own is None or t.field_id in own):
                del t.events[:]
                out.append(t)
        return out
