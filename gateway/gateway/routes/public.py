"""The public experience-zone overview: every public scenario's summary in one request."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, Request

from gateway.ratelimit import public_limit
from gateway.routes import agri, tourism, transport

router = APIRouter(tags=["public"])


@router.get("/api/public/overview", dependencies=[Depends(public_limit)])
async def public_overview(request: Request) -> dict[str, Any]:
    """What the experience-zone page shows first: areas, gates and fields, no personal data."""
    areas, gates, fields = await asyncio.gather(
        tourism.public_summary(request), transport.public_summary(request),
        agri.public_summary(request))
    return {"tourism": areas, "transport": gates, "agri": fields}
