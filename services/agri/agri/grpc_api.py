"""gRPC API of the agri service: translates between wire messages and the use cases.

Who asks is the verified principal; the use cases scope and authorise with it
(:mod:`agri.app.views`, :mod:`agri.app.alarms`, :mod:`agri.app.dispatch`): ``user``/``owner``
fields of requests are not believed. Every store call runs through
:func:`~zezhou5g.platform.runtime.blocking`, off the event loop.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NoReturn

import grpc
from zezhou5g.agri.v1 import agri_pb2, agri_pb2_grpc
from zezhou5g.platform import principal as principals
from zezhou5g.platform.principal import Principal
from zezhou5g.platform.runtime import blocking

from agri.adapters.alarm_store import to_proto
from agri.adapters.dispatch_store import order_proto
from agri.app.alarms import Alarms
from agri.app.dispatch import Dispatch
from agri.app.errors import Forbidden, NotFound
from agri.app.views import CONSOLE, COUNTY, FARMER, Views, own_fields
from agri.domain.dispatch import InvalidTransition, OrderState
from agri.domain.farm import Farm
from agri.domain.profiles import UNITS


async def _refuse(context: grpc.aio.ServicerContext, exc: Exception) -> NoReturn:
    if isinstance(exc, Forbidden):
        await principals.deny(context, exc.reason, exc.text)
    if isinstance(exc, NotFound):
        await context.abort(grpc.StatusCode.NOT_FOUND, str(exc))
    await context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(exc))
    raise AssertionError("unreachable: abort raises")


class AgriApi(agri_pb2_grpc.AgriServiceServicer):
    """``zezhou5g.agri.v1.AgriService``."""

    def __init__(self, farm: Farm, views: Views, alarms: Alarms, dispatch: Dispatch) -> None:
        self.farm = farm
        self.views = views
        self.alarms = alarms
        self.dispatch = dispatch

    async def _caller(self, context: grpc.aio.ServicerContext,
                      roles: tuple[str, ...] = CONSOLE) -> Principal:
        return await principals.require_role(context, *roles)

    async def ListFieldStatus(  # noqa: N802 - gRPC method name
        self, request: agri_pb2.ListFieldStatusRequest, context: grpc.aio.ServicerContext
    ) -> agri_pb2.ListFieldStatusResponse:
        """Latest status of every field that has reported."""
        return agri_pb2.ListFieldStatusResponse(fields=await blocking(self.views.field_statuses))

    async def ListFields(  # noqa: N802
        self, request: agri_pb2.ListFieldsRequest, context: grpc.aio.ServicerContext
    ) -> agri_pb2.ListFieldsResponse:
        """Registered fields (of one owner when given) with their latest status.

        A farmer gets their own fields whatever ``owner`` asks for.
        """
        p = await self._caller(context)
        owner = p.subject if p.role == FARMER else request.owner
        return agri_pb2.ListFieldsResponse(fields=await blocking(self.views.fields, owner))

    async def GetSensorHistory(  # noqa: N802
        self, request: agri_pb2.GetSensorHistoryRequest, context: grpc.aio.ServicerContext
    ) -> agri_pb2.GetSensorHistoryResponse:
        """Bucketed history of one metric of one device (15-min, or daily for long ranges)."""
        own = own_fields(await self._caller(context), self.farm)
        if request.metric not in UNITS:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                                f"unknown metric {request.metric!r}; one of {sorted(UNITS)}")
        try:
            width, buckets = await blocking(
                self.views.history_points, own, request.device_id, request.metric,
                request.since.seconds if request.HasField("since") else None,
                request.until.seconds if request.HasField("until") else None)
        except Forbidden as exc:
            await _refuse(context, exc)
        reply = agri_pb2.GetSensorHistoryResponse(bucket_s=width)
        for b in buckets:
            point = reply.points.add(mean=b.mean, min=b.low, max=b.high, count=b.count)
            point.time.FromDatetime(datetime.fromtimestamp(b.start, UTC))
        return reply

    async def ListAlarms(  # noqa: N802
        self, request: agri_pb2.ListAlarmsRequest, context: grpc.aio.ServicerContext
    ) -> agri_pb2.ListAlarmsResponse:
        """Alarms, newest first (a farmer's: of their own fields)."""
        own = own_fields(await self._caller(context), self.farm)
        alarms = await blocking(self.views.alarm_list, own, request.active_only,
                                request.field_id)
        return agri_pb2.ListAlarmsResponse(alarms=[to_proto(a) for a in alarms])

    async def AckAlarm(  # noqa: N802
        self, request: agri_pb2.AckAlarmRequest, context: grpc.aio.ServicerContext
    ) -> agri_pb2.Alarm:
        """Acknowledge an alarm (a farmer: of their own fields) as the calling user.

        The principal is all it needs: a farmer acking another farm's alarm is refused here.
        """
        p = await self._caller(context)
        try:
            alarm = await blocking(self.alarms.ack, request.id, p.subject, datetime.now(UTC),
                                   own_fields(p, self.farm))
        except (Forbidden, NotFound) as exc:
            await _refuse(context, exc)
        return to_proto(alarm)

    async def ListMachines(  # noqa: N802
        self, request: agri_pb2.ListMachinesRequest, context: grpc.aio.ServicerContext
    ) -> agri_pb2.ListMachinesResponse:
        """Every machine with its last fix and state."""
        await self._caller(context)
        return agri_pb2.ListMachinesResponse(machines=await blocking(self.views.machines))

    async def ListOrders(  # noqa: N802
        self, request: agri_pb2.ListOrdersRequest, context: grpc.aio.ServicerContext
    ) -> agri_pb2.ListOrdersResponse:
        """Work orders, newest first (a farmer's: for their own fields)."""
        own = own_fields(await self._caller(context), self.farm)
        return agri_pb2.ListOrdersResponse(
            orders=await blocking(self.views.orders, own, request.open_only))

    async def CreateOrder(  # noqa: N802
        self, request: agri_pb2.CreateOrderRequest, context: grpc.aio.ServicerContext
    ) -> agri_pb2.WorkOrder:
        """A person creates a work order; the nearest free capable machine is assigned."""
        p = await self._caller(context)
        own = own_fields(p, self.farm)
        if own is not None and request.field_id not in own:
            await principals.deny(context, "scope", "not one of your fields")
        if not request.task:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "task is required")
        try:
            row = await blocking(self.dispatch.create, request.task, request.field_id,
                                 p.subject, request.note)
        except NotFound as exc:
            await _refuse(context, exc)
        return order_proto(row)

    async def UpdateOrder(  # noqa: N802
        self, request: agri_pb2.UpdateOrderRequest, context: grpc.aio.ServicerContext
    ) -> agri_pb2.WorkOrder:
        """Move an order on (DONE, CANCELLED, …) if the state machine allows it (the bureau)."""
        p = await self._caller(context, COUNTY)
        try:
            row = await blocking(self.dispatch.update, request.id, OrderState(request.state),
                                 p.subject)
        except (NotFound, InvalidTransition, ValueError) as exc:
            await _refuse(context, exc)
        return order_proto(row)

    async def GetEmergency(  # noqa: N802
        self, request: agri_pb2.GetEmergencyRequest, context: grpc.aio.ServicerContext
    ) -> agri_pb2.GetEmergencyResponse:
        """Active critical alarms, their fields, orders, machines (a farmer: own fields)."""
        own = own_fields(await self._caller(context), self.farm)
        return await blocking(self.views.emergency, own)

    async def GetTrace(  # noqa: N802
        self, request: agri_pb2.GetTraceRequest, context: grpc.aio.ServicerContext
    ) -> agri_pb2.GetTraceResponse:
        """A batch's EPCIS event chain, verified now (public: no personal data)."""
        reply = await blocking(self.views.trace, request.code)
        if reply is None:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"no batch {request.code!r}")
        return reply  # type: ignore[return-value]

    async def ListBatches(  # noqa: N802
        self, request: agri_pb2.ListBatchesRequest, context: grpc.aio.ServicerContext
    ) -> agri_pb2.ListBatchesResponse:
        """Every batch with its verification result (events left out; a farmer's own)."""
        own = own_fields(await self._caller(context), self.farm)
        return agri_pb2.ListBatchesResponse(batches=await blocking(self.views.batches, own))
