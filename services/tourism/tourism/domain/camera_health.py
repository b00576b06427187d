"""Camera health for the operator: from the frames/s actually processed and the last frame's age.

A camera that is connected but processes nothing is not "normal": the counts of its zones are
stale. Pure logic, no I/O.
"""

from __future__ import annotations

from enum import StrEnum


class CameraState(StrEnum):
    """What the console shows for a camera."""

    OK = "ok"
    DEGRADED = "degraded"   # frames arrive, but fewer are processed than asked for
    DOWN = "down"           # no recent frame, or none processed


def camera_state(last_frame_age_s: float | None, fps_processed: float, sample_fps: float,
                 stale_after_s: float, running_s: float, warmup_s: float = 10.0) -> CameraState:
    """Classify a camera.

    Args:
        last_frame_age_s: seconds since the last frame arrived (None: never).
        fps_processed: frames/s taken for inference over the last few seconds.
        sample_fps: frames/s the pipeline is asked to process for this camera.
        stale_after_s: no frame for this long → down.
        running_s: seconds since the pipeline started; during ``warmup_s`` a low rate is not yet
            held against the camera (the rate window is still filling).
        warmup_s: that grace period, seconds.
    """
    if last_frame_age_s is None or last_frame_age_s > stale_after_s:
        return CameraState.DOWN
    if running_s < warmup_s:
        return CameraState.OK
    if fps_processed <= 0:
        return CameraState.DOWN
    if fps_processed < 0.5 * sample_fps:
        return CameraState.DEGRADED
    return CameraState.OK
