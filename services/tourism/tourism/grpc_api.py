"""gRPC API of the tourism service: wire messages ↔ the use cases in :mod:`tourism.app`.

Callers are verified principals: the area list, zone status and environment are public (the
public pages call them); the operator views need a scenic operator or an administrator, and a
scenic operator acknowledges only alerts of the areas in their ``area`` scope. Every call into
a use case runs through :func:`~zezhou5g.platform.runtime.blocking`, off the event loop.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import grpc
from zezhou5g.platform import principal as principals
from zezhou5g.platform.runtime import blocking
from zezhou5g.tourism.v1 import flow_pb2, tourism_pb2, tourism_pb2_grpc

from tourism.app.alerts import Alerts
from tourism.app.cameras import Cameras
from tourism.app.environment import EnvironmentReadings
from tourism.app.errors import BadRequest, NotAllowed, NotFound, NotNow
from tourism.app.forecasts import SpotForecasts
from tourism.app.zones import Zones

OPERATORS = ("scenic_operator", principals.ADMIN)

P = ParamSpec("P")
R = TypeVar("R")


async def _operator(context: grpc.aio.ServicerContext) -> principals.Principal:
    return await principals.require_role(context, *OPERATORS)


async def _call(context: grpc.aio.ServicerContext, fn: Callable[P, R], /,
                *args: P.args, **kwargs: P.kwargs) -> R:
    """``fn(*args)`` off the event loop; a use case's refusal becomes its status code."""
    try:
        return await blocking(fn, *args, **kwargs)
    except NotFound as exc:
        await context.abort(grpc.StatusCode.NOT_FOUND, str(exc))
    except NotNow as exc:
        await context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(exc))
    except BadRequest as exc:
        await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
    except NotAllowed as exc:
        await principals.deny(context, exc.reason, str(exc))
    raise AssertionError("unreachable: abort raises")


class TourismApi(tourism_pb2_grpc.TourismServiceServicer):
    """``zezhou5g.tourism.v1.TourismService``."""

    def __init__(self, environment: EnvironmentReadings, zones: Zones, cameras: Cameras,
                 alerts: Alerts, forecasts: SpotForecasts) -> None:
        self.environment = environment
        self.zones = zones
        self.cameras = cameras
        self.alerts = alerts
        self.forecasts = forecasts

    async def ListAreaEnvironment(  # noqa: N802 - gRPC method name
        self, request: tourism_pb2.ListAreaEnvironmentRequest, context: grpc.aio.ServicerContext
    ) -> tourism_pb2.ListAreaEnvironmentResponse:
        """Latest environment status of every area."""
        areas = await _call(context, self.environment.statuses)
        return tourism_pb2.ListAreaEnvironmentResponse(areas=areas)

    async def ListAreas(  # noqa: N802
        self, request: flow_pb2.ListAreasRequest, context: grpc.aio.ServicerContext
    ) -> flow_pb2.ListAreasResponse:
        """Areas, zones, gates and capacities as configured."""
        return self.zones.areas

    async def ListZoneStatus(  # noqa: N802
        self, request: flow_pb2.ListZoneStatusRequest, context: grpc.aio.ServicerContext
    ) -> flow_pb2.ListZoneStatusResponse:
        """Latest status of every zone that has reported (in the config's order)."""
        zones = await _call(context, self.zones.statuses, request.area_id)
        return flow_pb2.ListZoneStatusResponse(zones=zones)

    async def ListAreaFlow(  # noqa: N802
        self, request: flow_pb2.ListAreaFlowRequest, context: grpc.aio.ServicerContext
    ) -> flow_pb2.ListAreaFlowResponse:
        """People now and entries today per area."""
        await _operator(context)
        return flow_pb2.ListAreaFlowResponse(areas=await _call(context, self.zones.area_flows))

    async def GetZoneHistory(  # noqa: N802
        self, request: flow_pb2.GetZoneHistoryRequest, context: grpc.aio.ServicerContext
    ) -> flow_pb2.GetZoneHistoryResponse:
        """One-minute history of a zone; the last 24 h unless a range is given."""
        await _operator(context)
        since = request.since.ToSeconds() if request.HasField("since") else None
        until = request.until.ToSeconds() if request.HasField("until") else None
        minutes = await _call(context, self.zones.history, request.zone_id, since, until,
                              time.time())
        reply = flow_pb2.GetZoneHistoryResponse(zone_id=request.zone_id)
        for m in minutes:
            row = reply.minutes.add(mean_count=m.mean_count, max_count=m.max_count,
                                    mean_density_per_m2=m.mean_density)
            row.minute.FromSeconds(m.minute_s)
        return reply

    async def ListCameras(  # noqa: N802
        self, request: flow_pb2.ListCamerasRequest, context: grpc.aio.ServicerContext
    ) -> flow_pb2.ListCamerasResponse:
        """Health of every camera."""
        await _operator(context)
        return await _call(context, self.cameras.health)

    async def GetCameraFrame(  # noqa: N802
        self, request: flow_pb2.GetCameraFrameRequest, context: grpc.aio.ServicerContext
    ) -> flow_pb2.GetCameraFrameResponse:
        """The camera's last processed frame with boxes, zones and gate lines drawn (JPEG)."""
        await _operator(context)
        return await _call(context, self.cameras.frame, request.camera_id)

    async def ListAlerts(  # noqa: N802
        self, request: flow_pb2.ListAlertsRequest, context: grpc.aio.ServicerContext
    ) -> flow_pb2.ListAlertsResponse:
        """Crowding alerts, newest first: open ones, the cleared history, or all — one page."""
        await _operator(context)
        kind = "open" if request.open_only else "cleared" if request.cleared_only else "all"
        page, total = await _call(context, self.alerts.page, kind, request.limit,
                                  request.offset)
        return flow_pb2.ListAlertsResponse(alerts=page, total=total)

    async def AcknowledgeAlert(  # noqa: N802
        self, request: flow_pb2.AcknowledgeAlertRequest, context: grpc.aio.ServicerContext
    ) -> flow_pb2.ZoneAlert:
        """Acknowledge an active alert; acknowledging twice keeps the first acknowledgement.

        The acknowledger is the verified caller (``by`` is not believed); a scenic operator
        may acknowledge only alerts of their own areas.
        """
        p = await _operator(context)
        areas = None if p.role == principals.ADMIN else p.scope("area")
        return await _call(context, self.alerts.acknowledge, request.alert_id, p.subject, areas)

    async def ListSpotForecasts(  # noqa: N802
        self, request: flow_pb2.ListSpotForecastsRequest, context: grpc.aio.ServicerContext
    ) -> flow_pb2.ListSpotForecastsResponse:
        """Per zone: now, hourly forecast, best time today, wait and calmer spots (public)."""
        hours = max(2, min(request.hours or 3, 12))
        return await _call(context, self.forecasts.spot_forecasts, time.time(), hours)

