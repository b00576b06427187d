"""gRPC API of the tourism service: translates between wire messages and the stores.

Callers are verified principals: the area list, zone status and environment are public (the
public pages call them); the operator views need a scenic operator or an administrator, and a
scenic operator acknowledges only alerts of the areas in their ``area`` scope.
"""

from __future__ import annotations

import asyncio
import time

import grpc
from zezhou5g.platform import principal as principals
from zezhou5g.tourism.v1 import flow_pb2, tourism_pb2, tourism_pb2_grpc

from tourism.adapters.environment_store import EnvironmentStore
from tourism.adapters.flow_store import HISTORY_S, FlowStore
from tourism.annotate import annotate
from tourism.areas import AreaConfig
from tourism.domain.camera_health import CameraState, camera_state
from tourism.domain.crowding import Level, Thresholds, level
from tourism.domain.forecast import (
    Forecaster,
    Profile,
    SpotOutlook,
    best_hour_today,
    build_profile,
    calmer_spots,
    outlook,
    wait_minutes,
)
from tourism.flow import FlowPipeline

DAY_S = 24 * 3600
PROFILE_DAYS = 7
PROFILE_TTL_S = 600.0      # the hour-of-week profile changes slowly: rebuilt every 10 minutes
OPERATORS = ("scenic_operator", principals.ADMIN)


async def _operator(context: grpc.aio.ServicerContext) -> principals.Principal:
    return await principals.require_role(context, *OPERATORS)


class TourismApi(tourism_pb2_grpc.TourismServiceServicer):
    """``zezhou5g.tourism.v1.TourismService``."""

    def __init__(self, store: EnvironmentStore, flow_store: FlowStore, config: AreaConfig,
                 pipeline: FlowPipeline, vision_enabled: bool = True) -> None:
        self.store = store
        self.flow_store = flow_store
        self.config = config
        self.pipeline = pipeline
        self.vision_enabled = vision_enabled
        self._areas = _areas_message(config)
        self._started = time.monotonic()
        self._profiles: dict[str, tuple[float, Profile]] = {}
        self.forecaster = Forecaster()

    async def ListAreaEnvironment(  # noqa: N802 - gRPC method name
        self, request: tourism_pb2.ListAreaEnvironmentRequest, context: grpc.aio.ServicerContext
    ) -> tourism_pb2.ListAreaEnvironmentResponse:
        """Latest environment status of every area."""
        return tourism_pb2.ListAreaEnvironmentResponse(areas=self.store.areas.all())

    async def ListAreas(  # noqa: N802
        self, request: flow_pb2.ListAreasRequest, context: grpc.aio.ServicerContext
    ) -> flow_pb2.ListAreasResponse:
        """Areas, zones, gates and capacities as configured."""
        return self._areas

    async def ListZoneStatus(  # noqa: N802
        self, request: flow_pb2.ListZoneStatusRequest, context: grpc.aio.ServicerContext
    ) -> flow_pb2.ListZoneStatusResponse:
        """Latest status of every zone that has reported (in the config's order)."""
        if request.area_id and request.area_id not in self.config.areas:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"no area {request.area_id!r}")
        order = {z: i for i, z in enumerate(self.config.zones)}
        zones = [z for z in self.flow_store.zones.all() if z.zone_id in order
                 and (not request.area_id or z.area_id == request.area_id)]
        zones.sort(key=lambda z: order[z.zone_id])
        return flow_pb2.ListZoneStatusResponse(zones=zones)

    async def ListAreaFlow(  # noqa: N802
        self, request: flow_pb2.ListAreaFlowRequest, context: grpc.aio.ServicerContext
    ) -> flow_pb2.ListAreaFlowResponse:
        """People now and entries today per area."""
        await _operator(context)
        return flow_pb2.ListAreaFlowResponse(areas=self.flow_store.areas.all())

    async def GetZoneHistory(  # noqa: N802
        self, request: flow_pb2.GetZoneHistoryRequest, context: grpc.aio.ServicerContext
    ) -> flow_pb2.GetZoneHistoryResponse:
        """One-minute history of a zone; the last 24 h unless a range is given."""
        await _operator(context)
        if request.zone_id not in self.config.zones:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"no zone {request.zone_id!r}")
        now = time.time()
        until = request.until.ToSeconds() if request.HasField("until") else now
        since = request.since.ToSeconds() if request.HasField("since") else until - DAY_S
        if since > until:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "since is after until")
        since = max(since, now - HISTORY_S)
        reply = flow_pb2.GetZoneHistoryResponse(zone_id=request.zone_id)
        for m in self.flow_store.history(request.zone_id, since, until):
            row = reply.minutes.add(mean_count=m.mean_count, max_count=m.max_count,
                                    mean_density_per_m2=m.mean_density)
            row.minute.FromSeconds(m.minute_s)
        return reply

    async def ListCameras(  # noqa: N802
        self, request: flow_pb2.ListCamerasRequest, context: grpc.aio.ServicerContext
    ) -> flow_pb2.ListCamerasResponse:
        """Health of every camera."""
        await _operator(context)
        reply = flow_pb2.ListCamerasResponse()
        for cid, state in self.pipeline.cameras.items():
            h = state.stream.health()
            cam = state.camera
            msg = reply.cameras.add(
                camera_id=cid, area_id=cam.area, name_zh=cam.name_zh, name_en=cam.name_en,
                healthy=h.healthy and self.vision_enabled, fps_in=h.fps_in,
                fps_processed=h.fps_processed, reconnects=h.reconnects,
                error=h.error if self.vision_enabled else "vision disabled",
                width=h.width, height=h.height)
            if self.pipeline.error:
                msg.error = self.pipeline.error
            if h.last_frame_at:
                msg.last_frame_time.FromNanoseconds(int(h.last_frame_at * 1e9))
            age = time.time() - h.last_frame_at if h.last_frame_at else None
            st = camera_state(age, h.fps_processed, cam.sample_fps, state.stream.stale_after_s,
                              time.monotonic() - self._started)
            if not self.vision_enabled or self.pipeline.error:
                st = CameraState.DOWN
            msg.state, msg.sample_fps = st.value, cam.sample_fps
            msg.last_frame_age_s = round(age, 1) if age is not None else -1.0
            msg.healthy = st != CameraState.DOWN
            if st == CameraState.DOWN and not msg.error:
                msg.error = "no frame processed"
        return reply

    async def GetCameraFrame(  # noqa: N802
        self, request: flow_pb2.GetCameraFrameRequest, context: grpc.aio.ServicerContext
    ) -> flow_pb2.GetCameraFrameResponse:
        """The camera's last processed frame with boxes, zones and gate lines drawn (JPEG)."""
        await _operator(context)
        state = self.pipeline.cameras.get(request.camera_id)
        if state is None:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"no camera {request.camera_id!r}")
        assert state is not None
        last = state.last
        if last is None:
            await context.abort(grpc.StatusCode.NOT_FOUND,
                                f"camera {request.camera_id} has no processed frame yet")
        assert last is not None
        frame, boxes = last
        zones = []
        for z in self.config.zones_of(request.camera_id):
            r = self.pipeline.readings.get(z.id)
            zones.append((z, r.level.value if r else "", r.count if r else 0))
        jpeg = await asyncio.to_thread(annotate, frame.image, boxes, zones,
                                       self.config.gates_of(request.camera_id))
        reply = flow_pb2.GetCameraFrameResponse(camera_id=request.camera_id, jpeg=jpeg,
                                                people=len(boxes))
        reply.frame_time.FromNanoseconds(int(frame.captured_at * 1e9))
        return reply

    async def ListAlerts(  # noqa: N802
        self, request: flow_pb2.ListAlertsRequest, context: grpc.aio.ServicerContext
    ) -> flow_pb2.ListAlertsResponse:
        """Crowding alerts, newest first: open ones, the cleared history, or all — one page."""
        await _operator(context)
        limit = min(request.limit or 50, 500)
        kind = "open" if request.open_only else "cleared" if request.cleared_only else "all"
        page, total = await asyncio.to_thread(self.flow_store.alerts_page, kind, limit,
                                              request.offset)
        return flow_pb2.ListAlertsResponse(alerts=page, total=total)

    async def AcknowledgeAlert(  # noqa: N802
        self, request: flow_pb2.AcknowledgeAlertRequest, context: grpc.aio.ServicerContext
    ) -> flow_pb2.ZoneAlert:
        """Acknowledge an alert; acknowledging twice keeps the first acknowledgement.

        The acknowledger is the verified caller (``by`` is not believed); a scenic operator
        may acknowledge only alerts of their own areas.
        """
        p = await _operator(context)
        if p.role != principals.ADMIN:
            found = await asyncio.to_thread(self.flow_store.alert, request.alert_id)
            if found is not None and found.area_id not in p.scope("area"):
                await principals.deny(context, "scope",
                                      f"alert of area {found.area_id}, not one of yours")
        current = await asyncio.to_thread(self.flow_store.alert, request.alert_id)
        if current is not None and current.state != "raised":
            # A cleared alert is history: there is nothing left for an operator to take on.
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION,
                                f"alert {request.alert_id} is {current.state}: only active "
                                "alerts are acknowledged")
        alert = await asyncio.to_thread(self.pipeline.acknowledge, request.alert_id,
                                        p.subject)
        if alert is None:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"no alert {request.alert_id!r}")
        assert alert is not None
        return alert


    async def ListSpotForecasts(  # noqa: N802
        self, request: flow_pb2.ListSpotForecastsRequest, context: grpc.aio.ServicerContext
    ) -> flow_pb2.ListSpotForecastsResponse:
        """Per zone: now, hourly forecast, best time today, wait and calmer spots (public)."""
        hours = max(2, min(request.hours or 3, 12))
        return await asyncio.to_thread(self.spot_forecasts, time.time(), hours)

    def profile(self, zone_id: str, now_s: float) -> Profile:
        """The zone's hour-of-week profile from its last 7 days (cached ``PROFILE_TTL_S``)."""
        cached = self._profiles.get(zone_id)
        if cached is not None and now_s - cached[0] < PROFILE_TTL_S:
            return cached[1]
        rows = self.flow_store.history(zone_id, now_s - PROFILE_DAYS * DAY_S, now_s)
        prof = build_profile((m.minute_s, m.mean_count) for m in rows)
        self._profiles[zone_id] = (now_s, prof)
        return prof

    def spot_forecasts(self, now_s: float, hours: int) -> flow_pb2.ListSpotForecastsResponse:
        """The decision behind the public page (blocking: reads Redis)."""
        live = {z.zone_id: z for z in self.flow_store.zones.all()}
        ahead = [float(h) for h in range(1, hours + 1)]
        outlooks: list[SpotOutlook] = []
        reply = flow_pb2.ListSpotForecastsResponse()
        for z in self.config.zones.values():
            s = live.get(z.id)
            count = float(s.count) if s else 0.0
            prof = self.profile(z.id, now_s)
            lv = Level(s.level) if s and s.level in {v.value for v in Level} else None
            o = outlook(z.id, z.area, z.capacity, z.thresholds, lv, count, prof, now_s, ahead,
                        self.forecaster)
            outlooks.append(o)
            spot = reply.spots.add(
                zone_id=z.id, area_id=z.area, name_zh=z.name_zh, name_en=z.name_en,
                capacity=z.capacity, area_m2=z.area_m2, count=int(count),
                density_per_m2=s.density_per_m2 if s else 0.0,
                occupancy=s.occupancy if s else 0.0, level=lv.value if lv else "unknown",
                history_hours=round(prof.hours, 1))
            if s:
                spot.updated.CopyFrom(s.frame_time)
            for h, c, occ, lvl in zip(o.hours_ahead, o.counts_ahead, o.occupancy_ahead,
                                      o.levels_ahead, strict=True):
                p = spot.ahead.add(count=c, occupancy=occ, level=lvl.value)
                p.at.FromSeconds(int(now_s + h * 3600))
            area = self.config.areas[z.area]
            best = best_hour_today(prof, self.forecaster, now_s, count, area.opens_at_hour,
                                   area.open_hours)
            if best is not None:
                spot.best_time.FromSeconds(int(best[0]))
                spot.best_level = _level_of(best[1], z.capacity, z.thresholds).value
            wait = wait_minutes(count, z.queue_per_min)
            spot.wait_min = wait if wait is not None else -1.0
        calmer = calmer_spots(outlooks)
        for spot in reply.spots:
            spot.calmer.extend(calmer.get(spot.zone_id, []))
        return reply


def _level_of(count: float, capacity: int, thresholds: Thresholds) -> Level:
    return level(count / capacity if capacity else 99.0, thresholds)


def _areas_message(config: AreaConfig) -> flow_pb2.ListAreasResponse:
    reply = flow_pb2.ListAreasResponse()
    for a in config.areas.values():
        area = reply.areas.add(
            area_id=a.id, name_zh=a.name_zh, name_en=a.name_en, open_hours=a.open_hours,
            mean_visit_hours=a.mean_visit_hours, instantaneous_capacity=a.instantaneous_capacity,
            daily_capacity=a.daily_capacity)
        for z in config.zones.values():
            if z.area != a.id:
                continue
            t = z.thresholds
            zone = area.zones.add(
                zone_id=z.id, area_id=z.area, name_zh=z.name_zh, name_en=z.name_en, kind=z.kind,
                area_m2=z.area_m2, area_per_visitor_m2=z.area_per_visitor_m2,
                capacity=z.capacity, camera_id=z.camera, busy_at=t.busy_at,
                crowded_at=t.crowded_at, over_at=t.over_at, alert_at=t.alert_at,
                alert_hysteresis=t.hysteresis)
            for x, y in z.image_polygon:
                zone.image_polygon.add(x=float(x), y=float(y))
            for x, y in z.plan_polygon:
                zone.plan_polygon.add(x=round(float(x), 2), y=round(float(y), 2))
        for g in config.gates.values():
            if g.area == a.id:
                (ax, ay), (bx, by) = g.line
                gate = area.gates.add(gate_id=g.id, name_zh=g.name_zh, name_en=g.name_en,
                                      camera_id=g.camera)
                gate.line_a.x, gate.line_a.y, gate.line_b.x, gate.line_b.y = ax, ay, bx, by
    return reply
