"""The public experience-zone overview: every public scenario's summary in one request."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, status

from gateway.errors import RETRY_AFTER_S
from gateway.ratelimit import public_limit
from gateway.scenarios import SCENARIOS

router = APIRouter(tags=["public"])


@router.get("/api/public/overview", dependencies=[Depends(public_limit)])
async def public_overview(request: Request) -> dict[str, Any]:
    """What the experience-zone page shows first: each scenario's public summary, by name.

    Only scenarios that declare one are in it (areas, gates and fields; no personal data).
    """
    summaries = {name: s.public_summary for name, s in SCENARIOS.items() if s.public_summary}
    try:
        parts = await asyncio.gather(*(summary(request) for summary in summaries.values()))
    except HTTPException as exc:
        # A service that is down or failing behind us (its Redis, its database) is an outage
        # of this page, not a bug: the visitor's page retries after Retry-After.
        if exc.status_code < 500:
            raise
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE,
                            f"overview unavailable, retry later ({exc.detail})",
                            headers={"Retry-After": str(RETRY_AFTER_S)}) from exc
    return dict(zip(summaries, parts, strict=True))
