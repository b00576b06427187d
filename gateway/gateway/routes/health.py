"""Liveness and readiness for probes and operators."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

router = APIRouter(tags=["ops"])


class DependencyCheck(BaseModel):
    """One dependency's check: reachable or not, and what was seen."""

    ok: bool
    detail: str


class Readiness(BaseModel):
    """``/readyz``: ``ready`` or ``not ready``, and each dependency's check by name."""

    status: str
    checks: dict[str, DependencyCheck]


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up and serving HTTP."""
    return {"status": "ok"}


@router.get("/readyz", response_model=Readiness,
            responses={503: {"model": Readiness, "description": "a dependency is down"}})
async def readyz(request: Request) -> JSONResponse:
    """200 when Kafka, Redis and every service answer; 503 naming what does not."""
    checks = await request.app.state.readiness.check()
    ready = all(c.ok for c in checks.values())
    body = {"status": "ready" if ready else "not ready",
            "checks": {name: {"ok": c.ok, "detail": c.detail} for name, c in checks.items()}}
    return JSONResponse(body, status_code=200 if ready else 503)
