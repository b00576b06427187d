"""Live event streams to browsers (Server-Sent Events) fed from Kafka."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from gateway.auth import CurrentPrincipal, console_user
from gateway.openapi import SERVICE, responses
from gateway.ratelimit import public_limit
from gateway.scenarios import SCENARIOS, STATUS_STREAMS
from gateway.stream import HEARTBEAT_S, heartbeat

router = APIRouter(tags=["streams"])

async def _sse(request: Request, topics: set[str],
               scope: frozenset[str] | None = None) -> AsyncIterator[str]:
    hub = request.app.state.hub
    sub = hub.subscribe(topics, scope)
    # What these events come through: the broker, Redis and the services that publish them.
    deps = {"kafka", "redis"} | {STATUS_STREAMS[t].scenario for t in topics}
    loop = asyncio.get_running_loop()
    try:
        yield "retry: 2000\n\n"
        yield await heartbeat(request.app.state.readiness, deps)
        beat = loop.time() + HEARTBEAT_S
        while not await request.is_disconnected():
            try:
                payload = await asyncio.wait_for(sub.queue.get(),
                                                 timeout=max(0.0, beat - loop.time()))
                yield f"data: {payload}\n\n"
            except TimeoutError:
                pass
            if loop.time() >= beat:  # also between events that never stop coming
                yield await heartbeat(request.app.state.readiness, deps)
                beat = loop.time() + HEARTBEAT_S
    finally:
        hub.unsubscribe(sub)

def _response(request: Request, topics: set[str],
              scope: frozenset[str] | None = None) -> StreamingResponse:
    return StreamingResponse(_sse(request, topics, scope), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

# Server-Sent Events: the body never ends (an ``event``/``data`` pair per status change).
EVENTS: dict[int | str, dict[str, Any]] = {200: {
    "description": "text/event-stream of status events and heartbeats",
    "content": {"text/event-stream": {"schema": {"type": "string"}}}}}


@router.get("/api/public/stream", dependencies=[Depends(public_limit)],
            response_class=StreamingResponse, responses=EVENTS)
async def public_stream(request: Request) -> StreamingResponse:
    """Status events without personal data, for the public experience-zone page."""
    return _response(request, {t for t, s in STATUS_STREAMS.items() if s.public})

# 404: no such scenario; 403: not the account's console; the service's answers when the
# stream's opening asks it (medical audits who watches).
@router.get("/api/stream/{scenario}", response_class=StreamingResponse,
            responses=EVENTS | SERVICE | responses(403, 404))
async def console_stream(scenario: str, request: Request,
                         principal: CurrentPrincipal) -> StreamingResponse:
    """All status events of ``scenario`` for a signed-in user allowed on its console.

    On topics that declare a scope field, a user the scenario's declaration scopes (a
    clinician, a farmer) gets only the events whose value is theirs; others get every event.
    """
    console_user(principal, scenario)
    declared = SCENARIOS[scenario]
    if declared.on_stream_open is not None:
        await declared.on_stream_open(request, principal)
    scope = await declared.stream_scope_of(request, principal)
    return _response(request, set(declared.streams), scope)
