"""Tourism REST routes: the operator console's data and the public pages' summaries."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from zezhou5g.tourism.v1 import flow_pb2, tourism_pb2, tourism_pb2_grpc

from gateway.auth import Principal, require_scenario
from gateway.grpc_clients import DEADLINE_S, as_dict, call, dicts
from gateway.ratelimit import public_limit

router = APIRouter(tags=["tourism"])
Operator = Annotated[Principal, Depends(require_scenario("tourism"))]
LEVEL_RANK = {"comfortable": 0, "busy": 1, "crowded": 2, "over_capacity": 3}


def _stub(request: Request) -> tourism_pb2_grpc.TourismServiceStub:
    return tourism_pb2_grpc.TourismServiceStub(request.app.state.channels["tourism"])


async def public_summary(request: Request) -> Any:
    """What the public overview shows of tourism (no personal data): environment per area."""
    reply = await call(_stub(request).ListAreaEnvironment(
        tourism_pb2.ListAreaEnvironmentRequest(), timeout=DEADLINE_S), "tourism")
    return dicts(list(reply.areas))


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
async def alerts(request: Request, _: Operator, open_only: bool = False,
                 limit: Annotated[int, Query(ge=1, le=500)] = 50) -> list[dict[str, Any]]:
    """Crowding alerts, newest first."""
    reply = await call(_stub(request).ListAlerts(
        flow_pb2.ListAlertsRequest(open_only=open_only, limit=limit), timeout=DEADLINE_S),
        "tourism")
    return dicts(list(reply.alerts))


@router.post("/api/tourism/alerts/{alert_id}/ack")
async def acknowledge(request: Request, alert_id: str, principal: Operator) -> dict[str, Any]:
    """Acknowledge a crowding alert as the signed-in operator."""
    reply = await call(_stub(request).AcknowledgeAlert(flow_pb2.AcknowledgeAlertRequest(
        alert_id=alert_id, by=principal.username), timeout=DEADLINE_S), "tourism")
    return as_dict(reply)


@router.get("/api/public/tourism/crowding", dependencies=[Depends(public_limit)])
async def public_crowding(request: Request) -> dict[str, Any]:
    """Each spot's crowding now and, per spot, less crowded spots of the same area to try.

    Only zone-level aggregates are returned: no images, no boxes, nothing about a person.
    """
    stub = _stub(request)
    area_reply, zone_reply = await asyncio.gather(
        call(stub.ListAreas(flow_pb2.ListAreasRequest(), timeout=DEADLINE_S), "tourism"),
        call(stub.ListZoneStatus(flow_pb2.ListZoneStatusRequest(), timeout=DEADLINE_S),
             "tourism"))
    live = {z.zone_id: z for z in zone_reply.zones}
    spots = []
    for area in area_reply.areas:
        for zone in area.zones:
            s = live.get(zone.zone_id)
            spots.append({
                "zone_id": zone.zone_id, "area_id": area.area_id, "name_zh": zone.name_zh,
                "name_en": zone.name_en, "area_name_zh": area.name_zh,
                "area_name_en": area.name_en, "capacity": zone.capacity,
                "count": s.count if s else None,
                "occupancy": round(s.occupancy, 3) if s else None,
                "level": s.level if s else "unknown",
                "updated": s.frame_time.ToJsonString() if s else None})
    return {"spots": spots, "suggestions": suggestions(spots)}


def suggestions(spots: list[dict[str, Any]], most: int = 2) -> dict[str, list[str]]:
    """Zone → up to ``most`` zones of the same area that are strictly less crowded, calmest first.

    Only spots that are busy or worse get suggestions; unknown spots are never suggested.
    """
    out: dict[str, list[str]] = {}
    known = [s for s in spots if s["level"] in LEVEL_RANK and s["occupancy"] is not None]
    for s in known:
        if LEVEL_RANK[s["level"]] < LEVEL_RANK["busy"]:
            continue
        calmer = sorted((o for o in known if o["area_id"] == s["area_id"]
                         and LEVEL_RANK[o["level"]] < LEVEL_RANK[s["level"]]),
                        key=lambda o: o["occupancy"])
        out[s["zone_id"]] = [o["zone_id"] for o in calmer[:most]]
    return out
