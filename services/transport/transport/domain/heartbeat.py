"""What a gate's heartbeat says about it (pure)."""

from __future__ import annotations


def gate_state(camera_ok: bool) -> str:
    """``online``, or ``degraded`` when the camera is down.

    A degraded gate closes its face lane; the manual lane stays open (face recognition may not
    be the only way in).
    """
    return "online" if camera_ok else "degraded"
