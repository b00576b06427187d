"""Device ingestion: a device posts JSON with its bearer token; the gateway publishes to Kafka.

Checks of a single post (``POST /api/devices/<scenario>/<kind>``), in order, each refusal
counted by reason: a known device kind (404); a registered, unrevoked token (401); a device of
this scenario and of a kind that posts here (403); a body that parses as the kind's message
(422) with its ``meta.event_time`` within bounds (422); the message names this device (403)
and, where the kind has a subject, the device's registered subject (403: a wearable posts only
for its patient, a probe only for its field); every value within its plausibility limit (422,
``zezhou5g.limits``).

A hub (a ward's bedside-monitor central station) delivers many messages at once to
``<kind>:batch`` where the kind declares a ``batch`` (``BatchIngest``; 404 elsewhere). Its
token is checked as a single post's, against the batch's hub kinds (401, 403); the body names
the hub (403 when it is not the token's) and carries 1 to ``max_items`` messages (422 none,
413 more). Each message is checked as a single post of its own device would be, the devices
read in one query: it parses with its event time in bounds, its device is registered, not
revoked, of this scenario and kind and attached to this hub, it is about the device's subject
and plausible. All or nothing: when any message fails nothing is published, and the answer
(403 if any failure is an authorisation one, else 422) lists every failing message by index,
reason and detail: field names, limits and the ids the hub sent, never a reading's value or a
device's registered subject (only text that does not parse is quoted back). An accepted batch
is one record on the batch topic, keyed as that topic declares (by the hub); a message without
its own ``meta.event_time`` gets the delivery's.

While the broker is known to be down a post is refused with 503 and Retry-After; a post that
gets through is handed to the producer, whose sends wait at most ``PUBLISH_BUDGET_S`` and are
retried from its resend queue until the broker has them.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from google.protobuf import json_format
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from prometheus_client import Counter
from zezhou5g.limits import violations

from gateway import registry
from gateway.errors import DependencyUnavailable
from gateway.scenarios import DEVICE_INGEST, BatchIngest, DeviceIngest


class _DirectRoute(APIRoute):
    """A route whose endpoint takes the ``Request`` and returns its ``Response`` itself.

    FastAPI's handler would still solve (empty) parameters and build a response around the
    endpoint's answer, a sixth of a device post's CPU; these routes read the path, the token
    and the body themselves and answer a ``JSONResponse``. The route stays an ``APIRoute`` so
    it is in the OpenAPI document (``_OPENAPI``) and the error handlers apply as before.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        return self.endpoint  # type: ignore[no-any-return]


router = APIRouter(prefix="/api/devices", tags=["devices"], route_class=_DirectRoute)

REJECTED = Counter("z5g_gateway_device_rejected_total", "Device posts refused", ["reason"])
ACCEPTED = Counter("z5g_gateway_device_accepted_total", "Device readings published",
                   ["scenario"])
# Longest a device post waits on the producer before 503, seconds.
PUBLISH_BUDGET_S = 3.0


class Refusal(HTTPException):
    """A device post (or one message of a hub's batch) refused for ``reason``, counted."""

    def __init__(self, reason: str, code: int, detail: Any) -> None:
        REJECTED.labels(reason).inc()
        headers = {"WWW-Authenticate": "Bearer"} if code == status.HTTP_401_UNAUTHORIZED else None
        super().__init__(code, detail, headers=headers)
        self.reason = reason


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
        raise Refusal("bad_event_time", status.HTTP_422_UNPROCESSABLE_CONTENT,
                      f"meta.event_time is not RFC 3339: {raw!r}") from exc
    ahead = stamp.ToNanoseconds() / 1e9 - time.time()
    if ahead > EVENT_MAX_SKEW_S or -ahead > EVENT_BACKLOG_S:
        why = (f"{ahead:.0f} s in the future (at most {EVENT_MAX_SKEW_S:.0f} s of skew)"
               if ahead > 0 else f"{-ahead / 86400:.1f} days old (backlog window "
               f"{EVENT_BACKLOG_S / 86400:.0f} days)")
        raise Refusal("event_time_out_of_bounds", status.HTTP_422_UNPROCESSABLE_CONTENT,
                      f"meta.event_time is {why}")


def _route(request: Request) -> tuple[str, str]:
    """The ``{scenario}`` and ``{kind}`` of the path."""
    params = request.path_params
    return params["scenario"], params["kind"]


async def _body(request: Request) -> Any:
    """The request's JSON body: 400 when its bytes are not text, 422 when it does not parse.

    Read here rather than declared as a FastAPI ``Body``: parameter solving and validation of
    an arbitrary dict cost more than the rest of a post (the shape is checked by ``_parse``).
    The two statuses are the ones FastAPI answers for a declared body.
    """
    raw = await request.body()
    try:
        return json.loads(raw)
    except UnicodeDecodeError as exc:
        raise Refusal("bad_request", status.HTTP_400_BAD_REQUEST,
                      f"body is not UTF-8 JSON: {exc}") from exc
    except ValueError as exc:
        raise Refusal("invalid_body", status.HTTP_422_UNPROCESSABLE_CONTENT,
                      f"body is not JSON: {exc}") from exc


def _ingest(scenario: str, kind: str) -> DeviceIngest:
    """The declared route ``scenario``/``kind`` (404 when there is none)."""
    spec = DEVICE_INGEST.get((scenario, kind))
    if spec is None:
        raise Refusal("unknown_device_kind", status.HTTP_404_NOT_FOUND,
                      f"no such device kind: {scenario}/{kind}")
    return spec


def _may_post(device: registry.DeviceInfo, scenario: str, route: str,
              kinds: tuple[str, ...]) -> None:
    """Refuse (403) a device of another scenario than ``scenario`` or a kind not in ``kinds``."""
    if device.scenario != scenario or device.kind not in kinds:
        reason = "wrong_scenario" if device.scenario != scenario else "wrong_kind"
        raise Refusal(reason, status.HTTP_403_FORBIDDEN,
                      f"device {device.device_id} ({device.scenario}/{device.kind}) may not "
                      f"post to {scenario}/{route}")


async def _poster(request: Request, scenario: str, route: str,
                  kinds: tuple[str, ...]) -> registry.DeviceInfo:
    """The device holding the request's bearer token, which may post to ``route``.

    Raises:
        Refusal: no, unknown or revoked token (401); a device of another scenario or of a kind
            not in ``kinds`` (403).
    """
    authorization = request.headers.get("authorization")
    if not authorization or not authorization.startswith("Bearer "):
        raise Refusal("no_token", status.HTTP_401_UNAUTHORIZED,
                      "send 'Authorization: Bearer <token>'")
    token = authorization.removeprefix("Bearer ").strip()
    device = await request.app.state.device_tokens.by_token(token)
    if device is None:
        raise Refusal("bad_token", status.HTTP_401_UNAUTHORIZED, "unknown device token")
    if device.revoked:
        raise Refusal("revoked_token", status.HTTP_401_UNAUTHORIZED, "device token revoked")
    _may_post(device, scenario, route, kinds)
    return device


def _parse(message: Message, body: Any, leave_out: tuple[str, ...] = ()) -> Message:
    """``body`` (a JSON object) parsed into ``message``, with its ``meta.event_time`` (422)."""
    if not isinstance(body, dict):
        raise Refusal("invalid_body", status.HTTP_422_UNPROCESSABLE_CONTENT,
                      "not a JSON object")
    try:
        json_format.ParseDict({k: v for k, v in body.items()
                               if k != "meta" and k not in leave_out}, message)
    except json_format.ParseError as exc:
        raise Refusal("invalid_body", status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
    _event_time(body, message)
    return message


def _check_about(spec: DeviceIngest, message: Message, device: registry.DeviceInfo) -> None:
    """Refuse a message about another subject than the device's (403), or implausible (422).

    The details name fields, limits and the ids the message carries, never a value or the
    device's registered subject (a hub's answer lists many patients' sets).
    """
    if spec.subject_field is not None:
        subject = getattr(message, spec.subject_field)
        if subject != device.subject:
            raise Refusal("subject_mismatch", status.HTTP_403_FORBIDDEN,
                          f"{spec.subject_field} {subject!r} is not the subject device "
                          f"{device.device_id} is registered for")
    bad = violations(message, values=False)
    if bad:
        raise Refusal("implausible", status.HTTP_422_UNPROCESSABLE_CONTENT,
                      "implausible: " + "; ".join(bad))


async def _publish(request: Request, topic: str, message: Message, key: str) -> str:
    """Hand ``message`` to the producer; its event id (503 while the broker is down or slow).

    Sent on the event loop once the producer knows the topic; until then (the first post, or a
    new producer) from a thread, so a metadata wait never stalls other requests.
    """
    if not request.app.state.kafka_probe.current().ok:
        REJECTED.labels("broker_down").inc()
        raise DependencyUnavailable("kafka")
    producer = request.app.state.producer
    if producer.sends_without_blocking(topic):
        # The common case: a batch append, no wait; a thread hop would cost more than it.
        return producer.publish(topic, message, key)  # type: ignore[no-any-return]
    try:
        event_id: str = await asyncio.wait_for(
            asyncio.to_thread(producer.publish, topic, message, key), PUBLISH_BUDGET_S)
    except TimeoutError as exc:
        REJECTED.labels("broker_slow").inc()
        raise DependencyUnavailable("kafka") from exc
    return event_id


def _envelope(batch: BatchIngest, body: Any,
              hub: registry.DeviceInfo) -> tuple[Message, list[Any]]:
    """The hub's batch message (its own fields and ``meta.event_time``) and the body's items.

    Raises:
        Refusal: not the batch's shape (422); another hub named (403); no items (422), more
            than ``max_items`` (413).
    """
    items = body.get(batch.items_field) if isinstance(body, dict) else None
    if not isinstance(body, dict) or batch.hub_field not in body or not isinstance(items, list):
        raise Refusal("invalid_body", status.HTTP_422_UNPROCESSABLE_CONTENT,
                      f'send {{"{batch.hub_field}": ..., "{batch.items_field}": [...]}}')
    envelope = _parse(batch.contract.message(), body, leave_out=(batch.items_field,))
    claimed = getattr(envelope, batch.hub_field)
    if claimed != hub.device_id:
        raise Refusal("hub_mismatch", status.HTTP_403_FORBIDDEN,
                      f"{batch.hub_field} {claimed!r} does not belong to this token")
    if not items:
        raise Refusal("empty_batch", status.HTTP_422_UNPROCESSABLE_CONTENT,
                      f"{batch.items_field} is empty")
    if len(items) > batch.max_items:
        raise Refusal("batch_too_large", status.HTTP_413_CONTENT_TOO_LARGE,
                      f"{len(items)} {batch.items_field}, at most {batch.max_items} per post")
    return envelope, items


def _check_hub_item(spec: DeviceIngest, message: Message, scenario: str, kind: str,
                    hub: registry.DeviceInfo,
                    devices: Mapping[str, registry.DeviceInfo]) -> None:
    """Refuse a hub's message as a single post of its device would be refused (403, 422).

    Its device must be registered, not revoked, of this scenario and kind and attached to
    ``hub``; then the message is checked as that device's own post.
    """
    device_id = getattr(message, spec.device_field)
    device = devices.get(device_id)
    if device is None:
        raise Refusal("unknown_device", status.HTTP_403_FORBIDDEN,
                      f"{spec.device_field} {device_id!r} is not a registered device")
    if device.revoked:
        raise Refusal("revoked_device", status.HTTP_403_FORBIDDEN,
                      f"device {device_id} is revoked")
    _may_post(device, scenario, kind, spec.device_kinds)
    if device.hub != hub.device_id:
        raise Refusal("wrong_hub", status.HTTP_403_FORBIDDEN,
                      f"device {device_id} is not attached to hub {hub.device_id}")
    _check_about(spec, message, device)


# What both routes answer besides 202; a body over the size limit is 413 too (middleware).
_ANSWERS: dict[int | str, dict[str, Any]] = {
    202: {"description": "published: the record's `event_id` and `topic` (a batch also the "
                         "number of messages, under its items field)",
          "content": {"application/json": {"schema": {
              "type": "object", "required": ["event_id", "topic"],
              "properties": {"event_id": {"type": "string"}, "topic": {"type": "string"}},
              "additionalProperties": {"type": "integer"}}}}},
    400: {"description": "the body's bytes are not UTF-8 JSON"},
    401: {"description": "no, unknown or revoked device token"},
    404: {"description": "no such device kind"},
    503: {"description": "broker or registry unavailable; Retry-After"}}


# The path, the body and the token header are read by the routes themselves (``_route``,
# ``_body``, ``_poster``), so they are documented here rather than derived from parameters:
# FastAPI's parameter solving and response-model encoding cost a third of a post (issue 16).
_OPENAPI: dict[str, Any] = {
    "parameters": [
        {"name": "scenario", "in": "path", "required": True, "schema": {"type": "string"},
         "description": "`tourism`, `medical`, `agri` or `transport`"},
        {"name": "kind", "in": "path", "required": True, "schema": {"type": "string"},
         "description": "the device route, e.g. `readings`"},
        {"name": "authorization", "in": "header", "required": False,
                    "description": "`Bearer <device token>`", "schema": {"type": "string"}}],
    "requestBody": {"required": True, "content": {"application/json": {
        "schema": {"type": "object", "additionalProperties": True}}}}}


# Declared before the single route, whose ``{kind}`` would match ``readings:batch`` as well.
@router.post("/{scenario}/{kind}:batch", status_code=status.HTTP_202_ACCEPTED,
             openapi_extra=_OPENAPI, responses=_ANSWERS | {
                 403: {"description": "not a hub of this scenario, another hub named, or a "
                                      "message not this hub's to deliver (`detail.rejected`)"},
                 413: {"description": "body too large, or more messages than the route takes"},
                 422: {"description": "invalid body, no messages, or an invalid or implausible "
                                      "message (`detail.rejected` lists each by index)"}})
async def post_batch(request: Request) -> JSONResponse:
    """Publish the messages a hub of ``scenario`` delivers at once, as one record.

    The body is ``{"<hub field>": hub id, "<items field>": [message, ...], "meta": {...}}``
    (``{"hub_id", "sets"}`` for medical readings); returns the record's event id, its topic
    and how many messages it holds. Refused whole when any message fails, listing each.
    """
    scenario, kind = _route(request)
    spec = _ingest(scenario, kind)
    batch = spec.batch
    if batch is None:
        raise Refusal("unknown_device_kind", status.HTTP_404_NOT_FOUND,
                      f"no batch route for device kind {scenario}/{kind}")
    hub = await _poster(request, scenario, f"{kind}:batch", batch.hub_kinds)
    envelope, items = _envelope(batch, await _body(request), hub)
    # A message without its own measurement time gets the delivery's (a single post its
    # arrival time).
    if not envelope.meta.HasField("event_time"):  # type: ignore[attr-defined]
        envelope.meta.event_time.GetCurrentTime()  # type: ignore[attr-defined]
    delivered: Timestamp = envelope.meta.event_time  # type: ignore[attr-defined]
    parsed: dict[int, Message] = {}
    failed: dict[int, Refusal] = {}
    for i, item in enumerate(items):
        try:
            parsed[i] = message = _parse(spec.message(), item)
        except Refusal as refusal:
            failed[i] = refusal
            continue
        if not message.meta.HasField("event_time"):  # type: ignore[attr-defined]
            message.meta.event_time.CopyFrom(delivered)  # type: ignore[attr-defined]
    devices = await asyncio.to_thread(
        registry.many, request.app.state.engine,
        {getattr(m, spec.device_field) for m in parsed.values()})
    for i, message in parsed.items():
        try:
            _check_hub_item(spec, message, scenario, kind, hub, devices)
        except Refusal as refusal:
            failed[i] = refusal
    if failed:
        code = (status.HTTP_403_FORBIDDEN
                if any(r.status_code == status.HTTP_403_FORBIDDEN for r in failed.values())
                else status.HTTP_422_UNPROCESSABLE_CONTENT)
        raise Refusal("batch_rejected", code, {
            "message": f"{len(failed)} of {len(items)} {batch.items_field} refused; "
                       f"nothing was published",
            "rejected": [{"index": i, "reason": failed[i].reason, "detail": failed[i].detail}
                         for i in sorted(failed)]})
    getattr(envelope, batch.items_field).extend(parsed[i] for i in range(len(items)))
    event_id = await _publish(request, batch.topic, envelope, batch.contract.key(envelope))
    ACCEPTED.labels(scenario).inc(len(items))
    return JSONResponse({"event_id": event_id, "topic": batch.topic,
                         batch.items_field: len(items)}, status.HTTP_202_ACCEPTED)


@router.post("/{scenario}/{kind}", status_code=status.HTTP_202_ACCEPTED,
             openapi_extra=_OPENAPI, responses=_ANSWERS | {
                 403: {"description": "the reading is not this device's to send"},
                 413: {"description": "body too large"},
                 422: {"description": "invalid body or implausible value"}})
async def post_reading(request: Request) -> JSONResponse:
    """Publish one message from a device of ``scenario``; returns its event id.

    ``kind`` names the route (``readings`` for sensors; scenarios may add more).
    """
    scenario, kind = _route(request)
    spec = _ingest(scenario, kind)
    device = await _poster(request, scenario, kind, spec.device_kinds)
    message = _parse(spec.message(), await _body(request))
    claimed = getattr(message, spec.device_field)
    if claimed != device.device_id:
        raise Refusal("device_mismatch", status.HTTP_403_FORBIDDEN,
                      f"{spec.device_field} {claimed!r} does not belong to this token")
    _check_about(spec, message, device)
    # Keyed as the topic declares (vital signs by patient, not by the device).
    event_id = await _publish(request, spec.topic, message, spec.contract.key(message))
    ACCEPTED.labels(scenario).inc()
    return JSONResponse({"event_id": event_id, "topic": spec.topic}, status.HTTP_202_ACCEPTED)
