"""Live event streams to browsers (Server-Sent Events) fed from Kafka."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import StreamingResponse

from gateway.auth import CurrentPrincipal
from gateway.ratelimit import public_limit
from gateway.routes import agri, medical
from gateway.scenarios import STATUS_STREAMS
from gateway.stream import HEARTBEAT_S, heartbeat
from gateway.users import SCENARIO_ROLES, Role

router = APIRouter(tags=["streams"])

async def _sse(request: Request, topics: set[str],
               scope: set[str] | None = None) -> AsyncIterator[str]:
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
              scope: set[str] | None = None) -> StreamingResponse:
    return StreamingResponse(_sse(request, topics, scope), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

@router.get("/api/public/stream", dependencies=[Depends(public_limit)])
async def public_stream(request: Request) -> StreamingResponse:
    """Status events without personal data, for the public experience-zone page."""
    return _response(request, {t for t, s in STATUS_STREAMS.items() if s.public})

@router.get("/api/stream/{scenario}")
async def console_stream(scenario: str, request: Request,
                         principal: CurrentPrincipal) -> StreamingResponse:
    """All status events of ``scenario`` for a signed-in user allowed on its console."""
    if scenario not in SCENARIO_ROLES:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no such scenario: {scenario}")
    if principal.role not in SCENARIO_ROLES[scenario]:
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            f"role {principal.role.value} may not use the {scenario} console")
    # A clinician sees only their care team's patients, a farmer only their own fields; others
    # allowed here see everything.
    scope: set[str] | None = None
    if principal.role == Role.CLINICIAN:
        if not principal.care_team:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "clinician without a care team")
        scope = {principal.care_team}
    elif principal.role == Role.FARMER and scenario == "agri":
        scope = await agri.own_field_ids(request, principal)
    if scenario == "medical":
        # Patient data: refuse the stream when its opening cannot be audited.
        await medical.audit_stream(request, principal)
    return _response(request, {t for t, s in STATUS_STREAMS.items() if s.scenario == scenario},
                     scope)

