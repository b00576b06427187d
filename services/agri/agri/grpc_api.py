"""gRPC API of the agri service: translates between wire messages and the stores.

Who asks is the verified principal (``zezhou5g.platform.principal``): a farmer sees and acts on
the fields they own (a field's ``owner`` is their user name) and nothing county-wide; the bureau
and administrators see the county; the public pages (role ``public``) get the field status
summary and the trace lookup only. ``user``/``owner`` fields of requests are not believed.
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime

import grpc
from zezhou5g.agri.v1 import agri_pb2, agri_pb2_grpc
from zezhou5g.platform import principal as principals
from zezhou5g.platform.latest import LatestStore
from zezhou5g.platform.principal import Principal

from agri.adapters.alarm_store import AlarmStore, to_proto
from agri.adapters.dispatch_store import Dispatcher, order_proto
from agri.adapters.history_store import HistoryStore
from agri.adapters.trace_store import TraceStore
from agri.domain.dispatch import InvalidTransition, OrderState
from agri.domain.farm import Farm
from agri.domain.history import COARSE_S, FINE_S, merge
from agri.domain.profiles import UNITS

MAX_POINTS = 2000
FARMER = "farmer"
BUREAU = "agri_bureau"
# Who may use the console operations; farmers only within their own fields.
CONSOLE = (FARMER, BUREAU, principals.ADMIN)
COUNTY = (BUREAU, principals.ADMIN)


class AgriApi(agri_pb2_grpc.AgriServiceServicer):
    """``zezhou5g.agri.v1.AgriService``."""

    def __init__(self, fields: LatestStore[agri_pb2.FieldStatus], farm: Farm, alarms: AlarmStore,
                 dispatcher: Dispatcher, history: HistoryStore, trace: TraceStore) -> None:
        self.fields = fields
        self.farm = farm
        self.alarms = alarms
        self.dispatcher = dispatcher
        self.history = history
        self.trace = trace

    async def ListFieldStatus(  # noqa: N802 - gRPC method name
        self, request: agri_pb2.ListFieldStatusRequest, context: grpc.aio.ServicerContext
    ) -> agri_pb2.ListFieldStatusResponse:
        """Latest status of every field that has reported."""
        return agri_pb2.ListFieldStatusResponse(fields=self.fields.all())

    async def _caller(self, context: grpc.aio.ServicerContext,
                      roles: tuple[str, ...] = CONSOLE) -> Principal:
        return await principals.require_role(context, *roles)

    def _own(self, p: Principal) -> set[str] | None:
        """Field ids a farmer owns; None for the county roles (every field)."""
        if p.role != FARMER:
            return None
        return {f.id for f in self.farm.fields.values() if f.owner == p.subject}

    def _fields(self, owner: str) -> list[agri_pb2.Field]:
        out = []
        for f in self.farm.fields.values():
            if owner and f.owner != owner:
                continue
            lat, lon = f.centre
            msg = agri_pb2.Field(id=f.id, name=f.name_zh, crop=f.crop, stage=f.stage,
                                 owner=f.owner, centre=agri_pb2.LatLon(lat=lat, lon=lon),
                                 outline=[agri_pb2.LatLon(lat=a, lon=b) for a, b in f.outline],
                                 devices=list(f.devices))
            status = self.fields.get(f.id)
            if status is not None:
                msg.status.CopyFrom(status)
            out.append(msg)
        return out

    async def ListFields(  # noqa: N802
        self, request: agri_pb2.ListFieldsRequest, context: grpc.aio.ServicerContext
    ) -> agri_pb2.ListFieldsResponse:
        """Registered fields (of one owner when given) with their latest status.

        A farmer gets their own fields whatever ``owner`` asks for.
        """
        p = await self._caller(context)
        owner = p.subject if p.role == FARMER else request.owner
        return agri_pb2.ListFieldsResponse(fields=await asyncio.to_thread(self._fields, owner))

    async def GetSensorHistory(  # noqa: N802
        self, request: agri_pb2.GetSensorHistoryRequest, context: grpc.aio.ServicerContext
    ) -> agri_pb2.GetSensorHistoryResponse:
        """Bucketed history of one metric of one device (15-min, or daily for long ranges)."""
        own = self._own(await self._caller(context))
        if own is not None and not any(request.device_id in self.farm.fields[f].devices
                                       for f in own):
            await principals.deny(context, "scope", "not a device of your fields")
        if request.metric not in UNITS:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                                f"unknown metric {request.metric!r}; one of {sorted(UNITS)}")
        until = request.until.seconds if request.HasField("until") else time.time() + FINE_S
        since = request.since.seconds if request.HasField("since") else until - 7 * 86_400
        await asyncio.to_thread(self.history.flush)
        buckets = await asyncio.to_thread(self.history.query, request.device_id, request.metric,
                                          since, until)
        width = FINE_S
        if (until - since) / FINE_S > MAX_POINTS or any(b.width == COARSE_S for b in buckets):
            buckets, width = merge(buckets, COARSE_S), COARSE_S
        reply = agri_pb2.GetSensorHistoryResponse(bucket_s=width)
        for b in buckets:
            p = reply.points.add(mean=b.mean, min=b.low, max=b.high, count=b.count)
            p.time.FromDatetime(datetime.fromtimestamp(b.start, UTC))
        return reply

    async def ListAlarms(  # noqa: N802
        self, request: agri_pb2.ListAlarmsRequest, context: grpc.aio.ServicerContext
    ) -> agri_pb2.ListAlarmsResponse:
        """Alarms, newest first (a farmer's: of their own fields)."""
        own = self._own(await self._caller(context))
        alarms = await asyncio.to_thread(self.alarms.list, request.active_only, request.field_id)
        return agri_pb2.ListAlarmsResponse(alarms=[to_proto(a) for a in alarms
                                                   if own is None or a.field_id in own])

    async def AckAlarm(  # noqa: N802
        self, request: agri_pb2.AckAlarmRequest, context: grpc.aio.ServicerContext
    ) -> agri_pb2.Alarm:
        """Acknowledge an alarm (a farmer: of their own fields) as the calling user."""
        p = await self._caller(context)
        own = self._own(p)
        if own is not None:
            def mine() -> bool:
                return any(a.id == request.id for f in own
                           for a in self.alarms.list(field_id=f, limit=10_000))

            if not await asyncio.to_thread(mine):
                await principals.deny(context, "scope", "not an alarm of your fields")
        alarm = await asyncio.to_thread(self.alarms.ack, request.id, p.subject,
                                        datetime.now(UTC))
        if alarm is None:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"no alarm {request.id}")
        return to_proto(alarm)  # type: ignore[arg-type]

    async def ListMachines(  # noqa: N802
        self, request: agri_pb2.ListMachinesRequest, context: grpc.aio.ServicerContext
    ) -> agri_pb2.ListMachinesResponse:
        """Every machine with its last fix and state."""
        await self._caller(context)
        return agri_pb2.ListMachinesResponse(
            machines=await asyncio.to_thread(self.dispatcher.machines))

    async def ListOrders(  # noqa: N802
        self, request: agri_pb2.ListOrdersRequest, context: grpc.aio.ServicerContext
    ) -> agri_pb2.ListOrdersResponse:
        """Work orders, newest first (a farmer's: for their own fields)."""
        own = self._own(await self._caller(context))
        rows = await asyncio.to_thread(self.dispatcher.orders, request.open_only)
        return agri_pb2.ListOrdersResponse(orders=[order_proto(r) for r in rows
                                                   if own is None or r.field_id in own])

    async def CreateOrder(  # noqa: N802
        self, request: agri_pb2.CreateOrderRequest, context: grpc.aio.ServicerContext
    ) -> agri_pb2.WorkOrder:
        """A person creates a work order; the nearest free capable machine is assigned."""
        p = await self._caller(context)
        own = self._own(p)
        if own is not None and request.field_id not in own:
            await principals.deny(context, "scope", "not one of your fields")
        if not request.task:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "task is required")
        try:
            row = await asyncio.to_thread(self.dispatcher.create, request.task, request.field_id,
                                          p.subject, request.note)
        except KeyError as exc:
            await context.abort(grpc.StatusCode.NOT_FOUND, str(exc.args[0]))
        return order_proto(row)

    async def UpdateOrder(  # noqa: N802
        self, request: agri_pb2.UpdateOrderRequest, context: grpc.aio.ServicerContext
    ) -> agri_pb2.WorkOrder:
        """Move an order on (DONE, CANCELLED, …) if the state machine allows it (the bureau)."""
        p = await self._caller(context, COUNTY)
        try:
            row = await asyncio.to_thread(self.dispatcher.update, request.id,
                                          OrderState(request.state), p.subject)
        except KeyError as exc:
            await context.abort(grpc.StatusCode.NOT_FOUND, str(exc.args[0]))
        except (InvalidTransition, ValueError) as exc:
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(exc))
        return order_proto(row)

    def _emergency(self, own: set[str] | None) -> agri_pb2.GetEmergencyResponse:
        critical = [a for a in self.alarms.list(active_only=True) if a.severity == 4
                    and (own is None or a.field_id in own)]
        field_ids = {a.field_id for a in critical}
        orders = [o for o in self.dispatcher.open_orders() if o.field_id in field_ids]
        busy = {o.machine_id for o in orders if o.machine_id}
        return agri_pb2.GetEmergencyResponse(
            critical=[to_proto(a) for a in critical],
            fields=[f for f in self._fields("") if f.id in field_ids],
            orders=[order_proto(o) for o in orders],
            machines=[m for m in self.dispatcher.machines() if m.id in busy])

    async def GetEmergency(  # noqa: N802
        self, request: agri_pb2.GetEmergencyRequest, context: grpc.aio.ServicerContext
    ) -> agri_pb2.GetEmergencyResponse:
        """Active critical alarms, their fields, orders, machines (a farmer: own fields)."""
        own = self._own(await self._caller(context))
        return await asyncio.to_thread(self._emergency, own)

    def _trace(self, code: str) -> agri_pb2.GetTraceResponse | None:
        batch = self.trace.get(code)
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
        status = self.fields.get(field_id)
        out: dict[str, object] = {"field_id": field_id}
        if info is not None:
            out |= {"name": info.name_zh, "name_en": info.name_en, "crop": info.crop,
                    "devices": list(info.devices)}
        if status is not None:
            out |= {"gdd": status.gdd, "readings_total": status.readings_total}
        return out

    async def GetTrace(  # noqa: N802
        self, request: agri_pb2.GetTraceRequest, context: grpc.aio.ServicerContext
    ) -> agri_pb2.GetTraceResponse:
        """A batch's EPCIS event chain, verified now (public: no personal data)."""
        reply = await asyncio.to_thread(self._trace, request.code)
        if reply is None:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"no batch {request.code!r}")
        return reply  # type: ignore[return-value]

    async def ListBatches(  # noqa: N802
        self, request: agri_pb2.ListBatchesRequest, context: grpc.aio.ServicerContext
    ) -> agri_pb2.ListBatchesResponse:
        """Every batch with its verification result (events left out; a farmer's own)."""
        own = self._own(await self._caller(context))

        def run() -> list[agri_pb2.GetTraceResponse]:
            out = []
            for code in self.trace.codes():
                t = self._trace(code)
                if t is not None and (own is None or t.field_id in own):
                    del t.events[:]
                    out.append(t)
            return out
        return agri_pb2.ListBatchesResponse(batches=await asyncio.to_thread(run))
