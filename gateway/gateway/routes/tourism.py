"""Tourism REST routes: the operator console's data and the public page's summary."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from zezhou5g.tourism.v1 import tourism_pb2, tourism_pb2_grpc

from gateway.auth import Principal, require_scenario
from gateway.grpc_clients import DEADLINE_S, call, dicts

router = APIRouter(tags=["tourism"])


def _stub(request: Request) -> tourism_pb2_grpc.TourismServiceStub:
    return tourism_pb2_grpc.TourismServiceStub(request.app.state.channels["tourism"])


async def public_summary(request: Request) -> Any:
    """What the public overview shows of tourism (no personal data)."""
    reply = await call(_stub(request).ListAreaEnvironment(
        tourism_pb2.ListAreaEnvironmentRequest(), timeout=DEADLINE_S), "tourism")
    return dicts(list(reply.areas))


@router.get("/api/tourism/environment")
async def tourism_environment(
    request: Request, _: Annotated[Principal, Depends(require_scenario("tourism"))]
) -> list[dict[str, Any]]:
    """Environment status of every area."""
    return await public_summary(request)  # type: ignore[no-any-return]
