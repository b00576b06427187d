"""gRPC API of the tourism service: translates between wire messages and the stores."""

from __future__ import annotations

import asyncio
import time

import grpc
from zezhou5g.tourism.v1 import flow_pb2, tourism_pb2, tourism_pb2_grpc

from tourism.adapters.environment_store import EnvironmentStore
from tourism.adapters.flow_store import HISTORY_S, FlowStore
from tourism.annotate import annotate
from tourism.areas import AreaConfig
from tourism.flow import FlowPipeline

DAY_S = 24 * 3600


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
        return flow_pb2.ListAreaFlowResponse(areas=self.flow_store.areas.all())

    async def GetZoneHistory(  # noqa: N802
        self, request: flow_pb2.GetZoneHistoryRequest, context: grpc.aio.ServicerContext
    ) -> flow_pb2.GetZoneHistoryResponse:
        """One-minute history of a zone; the last 24 h unless a range is given."""
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
        return reply

    async def GetCameraFrame(  # noqa: N802
        self, request: flow_pb2.GetCameraFrameRequest, context: grpc.aio.ServicerContext
    ) -> flow_pb2.GetCameraFrameResponse:
        """The camera's last processed frame with boxes, zones and gate lines drawn (JPEG)."""
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
        """Crowding alerts, newest first (open ones only when asked)."""
        limit = request.limit or 100
        return flow_pb2.ListAlertsResponse(
            alerts=self.flow_store.alerts(request.open_only, min(limit, 1000)))

    async def AcknowledgeAlert(  # noqa: N802
        self, request: flow_pb2.AcknowledgeAlertRequest, context: grpc.aio.ServicerContext
    ) -> flow_pb2.ZoneAlert:
        """Acknowledge an alert; acknowledging twice keeps the first acknowledgement."""
        if not request.by.strip():
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                                "by (who acknowledges) is required")
        alert = await asyncio.to_thread(self.pipeline.acknowledge, request.alert_id,
                                        request.by.strip())
        if alert is None:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"no alert {request.alert_id!r}")
        assert alert is not None
        return alert


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
