"""Agri REST routes: the bureau's console data and the public page's summary."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from zezhou5g.agri.v1 import agri_pb2, agri_pb2_grpc

from gateway.auth import Principal, require_scenario
from gateway.grpc_clients import DEADLINE_S, call, dicts

router = APIRouter(tags=["agri"])


def _stub(request: Request) -> agri_pb2_grpc.AgriServiceStub:
    return agri_pb2_grpc.AgriServiceStub(request.app.state.channels["agri"])


async def public_summary(request: Request) -> Any:
    """What the public overview shows of agriculture (no personal data)."""
    reply = await call(_stub(request).ListFieldStatus(
        agri_pb2.ListFieldStatusRequest(), timeout=DEADLINE_S), "agri")
    return dicts(list(reply.fields))


@router.get("/api/agri/fields")
async def agri_fields(
    request: Request, _: Annotated[Principal, Depends(require_scenario("agri"))]
) -> list[dict[str, Any]]:
    """Latest readings of every field."""
    return await public_summary(request)  # type: ignore[no-any-return]
