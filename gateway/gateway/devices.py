"""Device ingestion: a device posts JSON with its bearer token; the gateway publishes to Kafka.

Checks, in order, each refusal counted by reason: a known device kind (404); a registered,
unrevoked token (401); a device of this scenario and of a kind that posts here (403); a body
that parses as the kind's message (422); the message names this device (403) and, where the kind
has a subject, the device's registered subject (403: a wearable posts only for its patient, a
probe only for its field); every value within its plausibility limit (422,
``zezhou5g.limits``). While the broker is known to be down the post is refused with 503 and
Retry-After; a post that gets through is handed to the producer, whose sends wait at most
``PUBLISH_BUDGET_S`` and are retried from its resend queue until the broker has them.
"""

from __future__ import annotations

import asyncio
import time
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, HTTPException, Request, status
from google.protobuf import json_format
from prometheus_client import Counter
from zezhou5g.limits import violations

from gateway import registry
from gateway.errors import DependencyUnavailable
from gateway.scenarios import DEVICE_INGEST

router = APIRouter(prefix="/api/devices", tags=["devices"])

REJECTED = Counter("z5g_gateway_device_rejected_total", "Device posts refused", ["reason"])
ACCEPTED = Counter("z5g_gateway_device_accepted_total", "Device readings published",
                   ["scenario"])
# Longest a device post waits on the producer before 503, seconds.
PUBLISH_BUDGET_S = 3.0


def _refuse(reason: str, code: int, detail: str) -> HTTPException:
    REJECTED.labels(reason).inc()
    headers = {"WWW-Authenticate": "Bearer"} if code == status.HTTP_401_UNAUTHORIZED else None
    return HTTPException(code, detail, headers=headers)


# The device's measurement time (``meta.event_time``, RFC 3339) is kept within these bounds
# (issue 17): a clock ahead by more than the skew, or a backlog older than the window, is refused.
EVENT_MAX_SKEW_S = 300.0
EVENT_BACKLOG_S = 30 * 86400.0


def _event_time(body: dict[str, Any], message: Any) -> None:
    """Copy the device's ``meta.event_time`` onto ``message`` (only that field of ``meta``)."""
    meta = body.get("meta")
    raw = meta.get("event_time") if isinstance(meta, dict) else None
    if raw is None:
        return                                   # stamped on arrival by the producer
    stamp = message.meta.event_time
    try:
        stamp.FromJsonString(str(raw))
    except ValueError as exc:
        raise _refuse("bad_event_time", status.HTTP_422_UNPROCESSABLE_CONTENT,
                      f"meta.event_time is not RFC 3339: {raw!r}") from exc
    ahead = stamp.ToNanoseconds() / 1e9 - time.time()
    if ahead > EVENT_MAX_SKEW_S or -ahead > EVENT_BACKLOG_S:
        why = (f"{ahead:.0f} s in the future (at most {EVENT_MAX_SKEW_S:.0f} s of skew)"
               if ahead > 0 else f"{-ahead / 86400:.1f} days old (backlog window "
               f"{EVENT_BACKLOG_S / 86400:.0f} days)")
        raise _refuse("event_time_out_of_bounds", status.HTTP_422_UNPROCESSABLE_CONTENT,
                      f"meta.event_time is {why}")


@router.post("/{scenario}/{kind}", status_code=status.HTTP_202_ACCEPTED,
             responses={401: {"description": "no, unknown or revoked device token"},
                        403: {"description": "the reading is not this device's to send"},
                        404: {"description": "no such device kind"},
                        413: {"description": "body too large"},
                        422: {"description": "invalid body or implausible value"},
                        503: {"description": "broker or registry unavailable; Retry-After"}})
async def post_reading(
    scenario: str, kind: str, request: Request, body: Annotated[dict[str, Any], Body()],
    authorization: Annotated[str | None, Header()] = None,
) -> dict[str, str]:
    """Publish one message from a device of ``scenario``; returns its event id.

    ``kind`` names the route (``readings`` for sensors; scenarios may add more).
    """
    spec = DEVICE_INGEST.get((scenario, kind))
    if spec is None:
        raise _refuse("unknown_device_kind", status.HTTP_404_NOT_FOUND,
                      f"no such device kind: {scenario}/{kind}")
    if not authorization or not authorization.startswith("Bearer "):
        raise _refuse("no_token", status.HTTP_401_UNAUTHORIZED,
                      "send 'Authorization: Bearer <token>'")
    token = authorization.removeprefix("Bearer ").strip()
    device = await asyncio.to_thread(registry.by_token, request.app.state.engine, token)
    if device is None:
        raise _refuse("bad_token", status.HTTP_401_UNAUTHORIZED, "unknown device token")
    if device.revoked:
        raise _refuse("revoked_token", status.HTTP_401_UNAUTHORIZED, "device token revoked")
    if device.scenario != scenario or device.kind not in spec.device_kinds:
        reason = "wrong_scenario" if device.scenario != scenario else "wrong_kind"
        raise _refuse(reason, status.HTTP_403_FORBIDDEN,
                      f"device {device.device_id} ({device.scenario}/{device.kind}) may not "
                      f"post to {scenario}/{kind}")
    message = spec.message()
    try:
        json_format.ParseDict({k: v for k, v in body.items() if k != "meta"}, message)
    except json_format.ParseError as exc:
        raise _refuse("invalid_body", status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
    _event_time(body, message)
    claimed = getattr(message, spec.device_field)
    if claimed != device.device_id:
        raise _refuse("device_mismatch", status.HTTP_403_FORBIDDEN,
                      f"{spec.device_field} {claimed!r} does not belong to this token")
    if spec.subject_field is not None:
        subject = getattr(message, spec.subject_field)
        if subject != device.subject:
            raise _refuse("subject_mismatch", status.HTTP_403_FORBIDDEN,
                          f"{spec.subject_field} {subject!r} is not this device's "
                          f"(it reports about {device.subject!r})")
    bad = violations(message)
    if bad:
        raise _refuse("implausible", status.HTTP_422_UNPROCESSABLE_CONTENT,
                      "implausible: " + "; ".join(bad))
    if not request.app.state.kafka_probe.current().ok:
        REJECTED.labels("broker_down").inc()
        raise DependencyUnavailable("kafka")
    producer = request.app.state.producer
    try:
        event_id = await asyncio.wait_for(
            # Keyed as the topic declares (vital signs by patient, not by the device).
            asyncio.to_thread(producer.publish, spec.topic, message, spec.contract.key(message)),
            PUBLISH_BUDGET_S)
    except TimeoutError as exc:
        REJECTED.labels("broker_slow").inc()
        raise DependencyUnavailable("kafka") from exc
    ACCEPTED.labels(scenario).inc()
    return {"event_id": event_id, "topic": spec.topic}
