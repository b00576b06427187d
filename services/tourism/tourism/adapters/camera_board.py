"""What every tourism replica can answer about every camera, whichever replica runs it (Redis).

The replica that owns a camera (see ``camera_slots``) posts the camera's health every couple of
seconds and, while an operator is looking at it, its last processed frame; any replica reads
them for ``ListCameras`` / ``GetCameraFrame``. Entries expire: a camera whose owner died shows
as running nowhere until another replica takes it.

Keys (values are serialised protobuf):

* ``tourism:camera:<camera>`` — ``CameraHealth`` (expires after ``HEALTH_TTL_S``);
* ``tourism:camera-frame:<camera>`` — ``GetCameraFrameResponse`` (``FRAME_TTL_S``);
* ``tourism:camera-frame-wanted:<camera>`` — set by a reader; the owner posts frames while it
  exists (``WANTED_TTL_S``), so no JPEG is encoded for cameras nobody watches.
"""

from __future__ import annotations

from collections.abc import Iterable

import redis
from zezhou5g.tourism.v1 import flow_pb2

HEALTH_TTL_S = 8
FRAME_TTL_S = 10
WANTED_TTL_S = 20


def _health_key(camera_id: str) -> str:
    return f"tourism:camera:{camera_id}"


def _frame_key(camera_id: str) -> str:
    return f"tourism:camera-frame:{camera_id}"


def _wanted_key(camera_id: str) -> str:
    return f"tourism:camera-frame-wanted:{camera_id}"


class CameraBoard:
    """Reads and writes the keys above (``client`` returns bytes: ``decode_responses=False``)."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    # ------------------------------------------------------------ the owner

    def post(self, health: Iterable[flow_pb2.CameraHealth],
             frames: Iterable[flow_pb2.GetCameraFrameResponse] = ()) -> None:
        """Post owned cameras' health and the frames asked for, in one round trip."""
        pipe = self.client.pipeline(transaction=False)
        for h in health:
            pipe.set(_health_key(h.camera_id), h.SerializeToString(), ex=HEALTH_TTL_S)
        for f in frames:
            pipe.set(_frame_key(f.camera_id), f.SerializeToString(), ex=FRAME_TTL_S)
        pipe.execute()

    def frames_wanted(self, camera_ids: list[str]) -> set[str]:
        """Which of ``camera_ids`` someone is looking at."""
        if not camera_ids:
            return set()
        flags = self.client.mget([_wanted_key(c) for c in camera_ids])
        return {c for c, f in zip(camera_ids, flags, strict=True) if f is not None}  # type: ignore[arg-type]

    def withdraw(self, camera_ids: Iterable[str]) -> None:
        """Drop the health of cameras this replica no longer runs."""
        keys = [_health_key(c) for c in camera_ids]
        if keys:
            self.client.delete(*keys)

    # ------------------------------------------------------------ any replica

    def health(self, camera_ids: list[str]) -> dict[str, flow_pb2.CameraHealth]:
        """Posted health of the cameras that have a live owner."""
        if not camera_ids:
            return {}
        raw = self.client.mget([_health_key(c) for c in camera_ids])
        return {c: flow_pb2.CameraHealth.FromString(v)  # type: ignore[arg-type]
                for c, v in zip(camera_ids, raw, strict=True) if v is not None}  # type: ignore[arg-type]

    def want_frame(self, camera_id: str) -> flow_pb2.GetCameraFrameResponse | None:
        """Ask the owner for frames of ``camera_id``; the last one posted, if any."""
        pipe = self.client.pipeline(transaction=False)
        pipe.set(_wanted_key(camera_id), b"1", ex=WANTED_TTL_S)
        pipe.get(_frame_key(camera_id))
        _, raw = pipe.execute()
        return flow_pb2.GetCameraFrameResponse.FromString(raw) if raw is not None else None
