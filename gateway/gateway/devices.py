"""Device ingestion: a device posts JSON with its bearer token; the gateway publishes to Kafka."""

from __future__ import annotations

import asyncio
import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, HTTPException, Request, status
from google.protobuf import json_format
from prometheus_client import Counter

from gateway.scenarios import DEVICE_INGEST

router = APIRouter(prefix="/api/devices", tags=["devices"])

REJECTED = Counter("z5g_gateway_device_rejected_total", "Device posts refused", ["reason"])
ACCEPTED = Counter("z5g_gateway_device_accepted_total", "Device readings published",
                   ["scenario"])


def _device_for(token: str, tokens: dict[str, str]) -> str | None:
    # Compare against every token in constant time so timing tells nothing about near misses.
    found = None
    for known, device in tokens.items():
        if hmac.compare_digest(known.encode(), token.encode()):
            found = device
    return found


@router.post("/{scenario}/{kind}", status_code=status.HTTP_202_ACCEPTED)
async def post_reading(
    scenario: str, kind: str, request: Request, body: Annotated[dict[str, Any], Body()],
    authorization: Annotated[str | None, Header()] = None,
) -> dict[str, str]:
    """Publish one message from a device of ``scenario``; returns its event id.

    ``kind`` names the device type (``readings`` for sensors; scenarios may add more).
    """
    spec = DEVICE_INGEST.get((scenario, kind))
    if spec is None:
        REJECTED.labels("unknown_device_kind").inc()
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no such device kind: {scenario}/{kind}")
    if not authorization or not authorization.startswith("Bearer "):
        REJECTED.labels("no_token").inc()
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "send 'Authorization: Bearer <token>'",
                            headers={"WWW-Authenticate": "Bearer"})
    device = _device_for(authorization.removeprefix("Bearer ").strip(),
                         request.app.state.device_tokens)
    if device is None:
        REJECTED.labels("bad_token").inc()
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown device token",
                            headers={"WWW-Authenticate": "Bearer"})
    message = spec.message()
    try:
        json_format.ParseDict({k: v for k, v in body.items() if k != "meta"}, message)
    except json_format.ParseError as exc:
        REJECTED.labels("invalid_body").inc()
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
    claimed = getattr(message, spec.device_field)
    if claimed != device:
        REJECTED.labels("device_mismatch").inc()
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            f"{spec.device_field} {claimed!r} does not belong to this token")
    producer = request.app.state.producer
    event_id = await asyncio.to_thread(producer.publish, spec.topic, message, device)
    ACCEPTED.labels(scenario).inc()
    return {"event_id": event_id, "topic": spec.topic}
