"""Liveness and readiness for probes and operators."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

router = APIRouter(tags=["ops"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up and serving HTTP."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """200 when Kafka, Redis and every service answer; 503 naming what does not."""
    checks = await request.app.state.readiness.check()
    ready = all(c.ok for c in checks.values())
    body = {"status": "ready" if ready else "not ready",
            "checks": {name: {"ok": c.ok, "detail": c.detail} for name, c in checks.items()}}
    return JSONResponse(body, status_code=200 if ready else 503)
