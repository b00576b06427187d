"""Camera health and the last processed frame, for the operators' console."""

from __future__ import annotations

import time

from zezhou5g.tourism.v1 import flow_pb2

from tourism.adapters.annotate import annotate
from tourism.app.errors import NotFound
from tourism.app.flow import FlowPipeline
from tourism.areas import AreaConfig
from tourism.domain.camera_health import CameraState, camera_state


class Cameras:
    """``ListCameras`` and ``GetCameraFrame`` (from the pipeline's memory, no store)."""

    def __init__(self, config: AreaConfig, pipeline: FlowPipeline,
                 vision_enabled: bool = True) -> None:
        self.config = config
        self.pipeline = pipeline
        self.vision_enabled = vision_enabled
        self._started = time.monotonic()

    def health(self) -> flow_pb2.ListCamerasResponse:
        """Every camera: frames/s in and processed, last frame, reconnects, state."""
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

    def frame(self, camera_id: str) -> flow_pb2.GetCameraFrameResponse:
        """The camera's last processed frame as JPEG with boxes, zones and gate lines drawn.

        Blocking (encodes the JPEG, tens of ms).

        Raises:
            NotFound: no such camera, or no frame processed yet.
        """
        state = self.pipeline.cameras.get(camera_id)
        if state is None:
            raise NotFound(f"no camera {camera_id!r}")
        last = state.last
        if last is None:
            raise NotFound(f"camera {camera_id} has no processed frame yet")
        frame, boxes = last
        zones = []
        for z in self.config.zones_of(camera_id):
            r = self.pipeline.readings.get(z.id)
            zones.append((z, r.level.value if r else "", r.count if r else 0))
        jpeg = annotate(frame.image, boxes, zones, self.config.gates_of(camera_id))
        reply = flow_pb2.GetCameraFrameResponse(camera_id=camera_id, jpeg=jpeg,
                                                people=len(boxes))
        reply.frame_time.FromNanoseconds(int(frame.captured_at * 1e9))
        return reply
