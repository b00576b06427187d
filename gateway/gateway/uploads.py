"""Images uploaded through the gateway are checked from their header before they go on.

The transport service checks again before decoding (``zezhou5g.platform.imageheader``); here
the refusal costs no gRPC call and no service memory. Oversized images get 413, images that are
not JPEG/PNG/WebP or whose header cannot be read get 422; each is counted by reason.
"""

from __future__ import annotations

from fastapi import HTTPException, status
from prometheus_client import Counter
from zezhou5g.platform.imageheader import ImageRejected, check_image_bytes

IMAGE_REJECTED = Counter("z5g_gateway_image_rejected_total",
                         "Uploaded images refused before decoding", ["reason"])


def checked_image(data: bytes, what: str = "image") -> bytes:
    """``data`` when its size and declared pixels are within limits; 413/422 otherwise."""
    try:
        check_image_bytes(data)
    except ImageRejected as exc:
        IMAGE_REJECTED.labels(exc.reason).inc()
        code = (status.HTTP_413_CONTENT_TOO_LARGE
                if exc.reason in ("too_large_bytes", "too_many_pixels")
                else status.HTTP_422_UNPROCESSABLE_CONTENT)
        raise HTTPException(code, f"{what} refused ({exc.reason}): {exc}") from exc
    return data
