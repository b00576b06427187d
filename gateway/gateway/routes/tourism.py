"""Tourism REST routes: the operator console's data and the public pages' summaries."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from zezhou5g.tourism.v1 import flow_pb2

from gateway.auth import Principal, require_scenario
from gateway.grpc_clients import DEADLINE_S, as_dict, call, dicts
from gateway.openapi import CONFLICT
from gateway.ratelimit import public_limit
from gateway.scenarios.tourism import public_summary
from gateway.scenarios.tourism import stub as _stub

router = APIRouter(tags=["tourism"])
Operator = Annotated[Principal, Depends(require_scenario("tourism"))]
# Deepest page of the alert list: the request's offset is a uint32 (an unbounded one was a 500).
MAX_OFFSET = 1_000_000


@router.get("/api/tourism/environment")
async def tourism_environment(request: Request, _: Operator) -> list[dict[str, Any]]:
    """Environment status of every area."""
    return await public_summary(request)  # type: ignore[no-any-return]


@router.get("/api/tourism/areas")
async def areas(request: Request, _: Operator) -> list[dict[str, Any]]:
    """Areas with zones (image and plan outlines), gates and LB/T 034-2014 capacities."""
    reply = await call(_stub(request).ListAreas(flow_pb2.ListAreasRequest(),
                                                timeout=DEADLINE_S), "tourism")
    return dicts(list(reply.areas))


@router.get("/api/tourism/zones")
async def zones(request: Request, _: Operator, area_id: str = "") -> list[dict[str, Any]]:
    """Latest status of every zone (count, persons/m², occupancy, level)."""
    reply = await call(_stub(request).ListZoneStatus(
        flow_pb2.ListZoneStatusRequest(area_id=area_id), timeout=DEADLINE_S), "tourism")
    return dicts(list(reply.zones))


@router.get("/api/tourism/flow")
async def flow(request: Request, _: Operator) -> list[dict[str, Any]]:
    """People now and entries today per area, against its capacities."""
    reply = await call(_stub(request).ListAreaFlow(flow_pb2.ListAreaFlowRequest(),
                                                   timeout=DEADLINE_S), "tourism")
    return dicts(list(reply.areas))


@router.get("/api/tourism/zones/{zone_id}/history")
async def history(request: Request, zone_id: str, _: Operator,
                  hours: Annotated[float, Query(gt=0, le=8 * 24)] = 24) -> dict[str, Any]:
    """One-minute history of a zone over the last ``hours`` (at most 8 days)."""
    req = flow_pb2.GetZoneHistoryRequest(zone_id=zone_id)
    now = datetime.now(UTC).timestamp()
    req.since.FromNanoseconds(int((now - hours * 3600) * 1e9))
    reply = await call(_stub(request).GetZoneHistory(req, timeout=DEADLINE_S), "tourism")
    return as_dict(reply)


@router.get("/api/tourism/cameras")
async def cameras(request: Request, _: Operator) -> list[dict[str, Any]]:
    """Health of every camera (fps in / processed, last frame, reconnects)."""
    reply = await call(_stub(request).ListCameras(flow_pb2.ListCamerasRequest(),
                                                  timeout=DEADLINE_S), "tourism")
    return dicts(list(reply.cameras))


@router.get("/api/tourism/cameras/{camera_id}/frame.jpg", response_class=Response,
            responses={200: {"content": {"image/jpeg": {}}}})
async def camera_frame(request: Request, camera_id: str, _: Operator) -> Response:
    """The camera's last processed frame with boxes and zone outlines (JPEG, not cached)."""
    reply = await call(_stub(request).GetCameraFrame(
        flow_pb2.GetCameraFrameRequest(camera_id=camera_id), timeout=DEADLINE_S), "tourism")
    return Response(reply.jpeg, media_type="image/jpeg",
                    headers={"Cache-Control": "no-store", "X-People": str(reply.people)})


@router.get("/api/tourism/alerts")
async def alerts(request: Request, _: Operator, kind: Literal["open", "cleared", "all"] = "all",
                 limit: Annotated[int, Query(ge=1, le=200)] = 20,
                 offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0) -> dict[str, Any]:
    """One page of crowding alerts, newest first: ``open``, ``cleared`` (history) or ``all``."""
    reply = await call(_stub(request).ListAlerts(
        flow_pb2.ListAlertsRequest(open_only=kind == "open", cleared_only=kind == "cleared",
                                   limit=limit, offset=offset), timeout=DEADLINE_S), "tourism")
    return {"alerts": dicts(list(reply.alerts)), "total": reply.total, "offset": offset,
            "limit": limit}


@router.post("/api/tourism/alerts/{alert_id}/ack", responses=CONFLICT)
async def acknowledge(request: Request, alert_id: str, principal: Operator) -> dict[str, Any]:
    """Acknowledge a crowding alert as the signed-in operator.

    The service refuses (403) a scenic operator acting outside their own area.
    """
    reply = await call(_stub(request).AcknowledgeAlert(flow_pb2.AcknowledgeAlertRequest(
        alert_id=alert_id, by=principal.username), timeout=DEADLINE_S), "tourism")
    return as_dict(reply)


@router.get("/api/public/tourism/crowding", dependencies=[Depends(public_limit)])
async def public_crowding(request: Request) -> dict[str, Any]:
    """Each spot now, its forecast for the next hours, best time today, wait and calmer spots.

    The tourism service decides it all in one RPC (ListSpotForecasts): which spots a visitor
    is offered calmer ones for, and those (only ever calm now and forecast to stay calm); this
    only shapes the JSON. Only zone-level aggregates: nothing about a person.
    """
    reply = await call(_stub(request).ListSpotForecasts(
        flow_pb2.ListSpotForecastsRequest(hours=3), timeout=DEADLINE_S), "tourism")
    spots = []
    for s in reply.spots:
        d = as_dict(s)
        d.pop("suggest_calmer", None)
        d["area_name_zh"] = s.area_name_zh or s.area_id
        d["area_name_en"] = s.area_name_en or s.area_id
        d["wait_min"] = s.wait_min if s.wait_min >= 0 else None
        # Levels always present, CROWD_LEVEL_UNSPECIFIED when not known (proto3 JSON would
        # leave the zero value out); count and occupancy are null then.
        known = s.crowd_level != flow_pb2.CROWD_LEVEL_UNSPECIFIED
        d["crowd_level"] = flow_pb2.CrowdLevel.Name(s.crowd_level)
        d["best_crowd_level"] = flow_pb2.CrowdLevel.Name(s.best_crowd_level)
        d["count"] = s.count if known else None
        d["occupancy"] = round(s.occupancy, 3) if known else None
        d["density_per_m2"] = round(s.density_per_m2, 4)
        d["updated"] = s.updated.ToJsonString() if s.HasField("updated") else None
        spots.append(d)
    return {"spots": spots,
            "suggestions": {s.zone_id: list(s.calmer) for s in reply.spots if s.suggest_calmer}}
