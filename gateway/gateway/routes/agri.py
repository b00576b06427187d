"""Agri REST routes: the bureau's console, farmers' own fields, and the public trace lookup.

Farmers see and act on their own fields only (a field's ``owner`` is the user name); the bureau
and admins see the county. The agri service decides both from the principal each RPC carries:
every route makes one RPC, and a refusal comes back as its 403 (or 404). The traceability
lookup by batch code is public (no sign-in).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Query, Request, status
from zezhou5g.agri.v1 import agri_pb2

from gateway.auth import Principal, require_scenario
from gateway.grpc_clients import DEADLINE_S, as_dict, call, dicts
from gateway.openapi import CONFLICT
from gateway.ratelimit import public_limit
from gateway.scenarios.agri import stub as _stub

router = APIRouter(tags=["agri"])
AgriUser = Annotated[Principal, Depends(require_scenario("agri"))]
METRICS = ("soil_moisture_vwc", "soil_temp_c", "air_temp_c", "air_humidity_pct", "light_lux",
           "rainfall_mm", "battery_pct", "signal_dbm")
STATES = {"done": agri_pb2.ORDER_STATE_DONE, "cancelled": agri_pb2.ORDER_STATE_CANCELLED,
          "en_route": agri_pb2.ORDER_STATE_EN_ROUTE, "working": agri_pb2.ORDER_STATE_WORKING}


@router.get("/api/agri/fields")
async def agri_fields(request: Request, _: AgriUser) -> list[dict[str, Any]]:
    """Registered fields with outline, crop, stage and latest status (farmers: their own)."""
    reply = await call(_stub(request).ListFields(agri_pb2.ListFieldsRequest(),
                                                 timeout=DEADLINE_S), "agri")
    return dicts(list(reply.fields))


@router.get("/api/agri/history/{device_id}/{metric}")
async def sensor_history(
    request: Request, _: AgriUser, device_id: Annotated[str, Path(max_length=64)],
    metric: str, days: Annotated[float, Query(gt=0, le=400)] = 7,
) -> dict[str, Any]:
    """Bucketed history of one sensor metric (15-minute buckets; daily beyond ~20 days).

    403 for a farmer asking about a device of another farm (the service decides).
    """
    if metric not in METRICS:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            f"metric must be one of {', '.join(METRICS)}")
    req = agri_pb2.GetSensorHistoryRequest(device_id=device_id, metric=metric)
    now = datetime.now(UTC)
    req.until.FromDatetime(now + timedelta(minutes=15))
    req.since.FromDatetime(now - timedelta(days=days))
    return as_dict(await call(_stub(request).GetSensorHistory(req, timeout=DEADLINE_S), "agri"))


@router.get("/api/agri/alarms")
async def list_alarms(request: Request, _: AgriUser,
                      active: bool = False) -> list[dict[str, Any]]:
    """Alarms, newest first (farmers: of their own fields)."""
    reply = await call(_stub(request).ListAlarms(
        agri_pb2.ListAlarmsRequest(active_only=active), timeout=DEADLINE_S), "agri")
    return dicts(list(reply.alarms))


@router.post("/api/agri/alarms/{alarm_id}/ack", responses=CONFLICT)
async def ack_alarm(alarm_id: str, request: Request, principal: AgriUser) -> dict[str, Any]:
    """Acknowledge an alarm; 403 for a farmer when it is not of their fields (or no alarm)."""
    return as_dict(await call(_stub(request).AckAlarm(agri_pb2.AckAlarmRequest(
        id=alarm_id, user=principal.username), timeout=DEADLINE_S), "agri"))


@router.get("/api/agri/machines")
async def list_machines(request: Request, _: AgriUser) -> list[dict[str, Any]]:
    """Machines with position and state (free, busy, silent)."""
    reply = await call(_stub(request).ListMachines(agri_pb2.ListMachinesRequest(),
                                                   timeout=DEADLINE_S), "agri")
    return dicts(list(reply.machines))


@router.get("/api/agri/orders")
async def list_orders(request: Request, _: AgriUser,
                      open_only: bool = False) -> list[dict[str, Any]]:
    """Work orders, newest first (farmers: for their own fields)."""
    reply = await call(_stub(request).ListOrders(agri_pb2.ListOrdersRequest(
        open_only=open_only), timeout=DEADLINE_S), "agri")
    return dicts(list(reply.orders))


@router.post("/api/agri/orders", status_code=status.HTTP_201_CREATED, responses=CONFLICT)
async def create_order(
    request: Request, principal: AgriUser,
    task: Annotated[str, Body(max_length=40)], field_id: Annotated[str, Body(max_length=64)],
    note: Annotated[str, Body(max_length=500)] = "",
) -> dict[str, Any]:
    """Create a work order; the nearest free capable machine is assigned with an ETA.

    403 for a farmer when the field is not theirs, 404 when there is no such field.
    """
    return as_dict(await call(_stub(request).CreateOrder(agri_pb2.CreateOrderRequest(
        task=task, field_id=field_id, user=principal.username, note=note),
        timeout=DEADLINE_S), "agri"))


@router.post("/api/agri/orders/{order_id}/state", responses=CONFLICT)
async def update_order(request: Request, principal: AgriUser, order_id: str,
                       state: Annotated[str, Body(embed=True)]) -> dict[str, Any]:
    """Move an order on: ``done``, ``cancelled``, ``en_route``, ``working`` (the bureau).

    The service refuses farmers (403), and a move its state machine does not allow (409).
    """
    if state not in STATES:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            f"state must be one of {', '.join(STATES)}")
    return as_dict(await call(_stub(request).UpdateOrder(agri_pb2.UpdateOrderRequest(
        id=order_id, state=STATES[state], user=principal.username), timeout=DEADLINE_S),
        "agri"))


@router.get("/api/agri/emergency")
async def emergency(request: Request, _: AgriUser) -> dict[str, Any]:
    """County-wide emergency view: active critical alarms, fields, orders, machines."""
    return as_dict(await call(_stub(request).GetEmergency(agri_pb2.GetEmergencyRequest(),
                                                        timeout=DEADLINE_S), "agri"))


@router.get("/api/agri/batches")
async def list_batches(request: Request, _: AgriUser) -> list[dict[str, Any]]:
    """Product batches with their chain verification result."""
    reply = await call(_stub(request).ListBatches(agri_pb2.ListBatchesRequest(),
                                                  timeout=DEADLINE_S), "agri")
    return dicts(list(reply.batches))


@router.get("/api/public/agri/trace/{code}", dependencies=[Depends(public_limit)])
async def public_trace(request: Request,
                       code: Annotated[str, Path(max_length=40,
                                                 pattern=r"^[A-Za-z0-9-]+$")]) -> dict[str, Any]:
    """A batch's EPCIS 2.0 event chain, verified when read (public, no sign-in).

    Shared from the gateway's Redis for ``Z5G_TRACE_CACHE_S`` (30 s), so a crowd scanning one
    label asks the agri service once; ``fetched_at`` says when the chain was read.
    """

    async def fetch() -> dict[str, Any]:
        reply = await call(_stub(request).GetTrace(agri_pb2.GetTraceRequest(code=code),
                                                   timeout=DEADLINE_S), "agri")
        out = as_dict(reply)
        out["events"] = [{**e, "event": json.loads(e.pop("epcis_json"))}
                         for e in out.get("events", [])]
        out["field_summary"] = json.loads(out.pop("field_summary_json", "{}") or "{}")
        out.setdefault("verified", False)
        out.setdefault("first_invalid_seq", 0)
        return out

    answer: dict[str, Any] = await request.app.state.trace_cache.get(code, fetch)
    return answer
