"""Transport REST routes: the station console's data and the public page's summary."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from zezhou5g.transport.v1 import transport_pb2, transport_pb2_grpc

from gateway.auth import Principal, require_scenario
from gateway.grpc_clients import DEADLINE_S, call, dicts

router = APIRouter(tags=["transport"])


def _stub(request: Request) -> transport_pb2_grpc.TransportServiceStub:
    return transport_pb2_grpc.TransportServiceStub(request.app.state.channels["transport"])


async def public_summary(request: Request) -> Any:
    """What the public overview shows of the station gates (no personal data)."""
    reply = await call(_stub(request).ListGateStatus(
        transport_pb2.ListGateStatusRequest(), timeout=DEADLINE_S), "transport")
    return dicts(list(reply.gates))


@router.get("/api/transport/gates")
async def transport_gates(
    request: Request, _: Annotated[Principal, Depends(require_scenario("transport"))]
) -> list[dict[str, Any]]:
    """State of every gate."""
    return await public_summary(request)  # type: ignore[no-any-return]
