"""Camera health and the last processed frame, for the operators' console.

Answered from what the replica running each camera posts (:class:`CameraBoard`), so any
replica answers for every camera, including the cameras it does not run itself.
"""

from __future__ import annotations

import time

from zezhou5g.tourism.v1 import flow_pb2

from tourism.adapters.camera_board import CameraBoard
from tourism.app.errors import NotFound
from tourism.areas import AreaConfig
from tourism.domain.camera_health import CameraState

# How long GetCameraFrame waits for the owner to post a frame it was just asked for, seconds.
FRAME_WAIT_S = 2.5


class Cameras:
    """``ListCameras`` and ``GetCameraFrame``."""

    def __init__(self, config: AreaConfig, board: CameraBoard,
                 vision_enabled: bool = True) -> None:
        self.config = config
        self.board = board
        self.vision_enabled = vision_enabled

    def health(self) -> flow_pb2.ListCamerasResponse:
        """Every camera of the areas file (blocking).

        Frames/s in and processed, last frame, state and the replica running it; "down" for a
        camera no replica runs right now.
        """
        posted = self.board.health(sorted(self.config.cameras))
        reply = flow_pb2.ListCamerasResponse()
        for cid, cam in self.config.cameras.items():
            msg = posted.get(cid)
            if msg is None:
                msg = flow_pb2.CameraHealth(
                    camera_id=cid, area_id=cam.area, name_zh=cam.name_zh, name_en=cam.name_en,
                    sample_fps=cam.sample_fps, state=CameraState.DOWN.value, healthy=False,
                    last_frame_age_s=-1.0,
                    error="vision disabled" if not self.vision_enabled
                    else "no tourism worker is running this camera")
            elif msg.HasField("last_frame_time"):
                # Posted up to a couple of seconds ago: the age as of now.
                msg.last_frame_age_s = round(
                    time.time() - msg.last_frame_time.ToNanoseconds() / 1e9, 1)
            reply.cameras.append(msg)
        return reply

    def frame(self, camera_id: str) -> flow_pb2.GetCameraFrameResponse:
        """The camera's last processed frame as JPEG with boxes, zones and gate lines drawn.

        Blocking: asks the camera's replica for frames and waits up to FRAME_WAIT_S for the
        first one.

        Raises:
            NotFound: no such camera, or no frame processed yet.
        """
        if camera_id not in self.config.cameras:
            raise NotFound(f"no camera {camera_id!r}")
        deadline = time.monotonic() + FRAME_WAIT_S
        while True:
            reply = self.board.want_frame(camera_id)
            if reply is not None:
                return reply
            if time.monotonic() > deadline:
                raise NotFound(f"camera {camera_id} has no processed frame yet")
            time.sleep(0.2)
