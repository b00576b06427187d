"""A dependency that is down is not a bug: 503 with ``Retry-After``, quickly, never a 500.

Redis, the broker and the SQL database each get a bounded wait (``bounded``); what still fails
is mapped here to a 503 naming the dependency, counted by dependency.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import TypeVar

import redis.exceptions
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from kafka.errors import KafkaError
from prometheus_client import Counter
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException

log = logging.getLogger(__name__)
T = TypeVar("T")

UNAVAILABLE = Counter("z5g_gateway_dependency_unavailable_total",
                      "Requests answered 503 because a dependency was down", ["dependency"])

# Seconds a client should wait before retrying while a dependency is down.
RETRY_AFTER_S = 5
# Longest a request waits on Redis before answering 503, seconds (the client's own retries
# with back-off would otherwise add up to ~12 s against a hung server).
REDIS_BUDGET_S = 2.0


class DependencyUnavailable(Exception):  # noqa: N818 - reads as the state at the raise site
    """A dependency (``redis``, ``kafka``, ``database``, a service) cannot be reached now."""

    def __init__(self, dependency: str) -> None:
        super().__init__(f"{dependency} unavailable")
        self.dependency = dependency


async def bounded(call: Awaitable[T], dependency: str = "redis",
                  timeout_s: float = REDIS_BUDGET_S) -> T:
    """Await ``call`` for at most ``timeout_s``; DependencyUnavailable when it fails or hangs."""
    try:
        return await asyncio.wait_for(call, timeout_s)
    except (TimeoutError, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError,
            OSError) as exc:
        raise DependencyUnavailable(dependency) from exc


def unavailable(dependency: str) -> JSONResponse:
    """The 503 answer for ``dependency`` (counted)."""
    UNAVAILABLE.labels(dependency).inc()
    return JSONResponse({"detail": f"{dependency} unavailable, retry later"}, status_code=503,
                        headers={"Retry-After": str(RETRY_AFTER_S)})


def install(app: FastAPI) -> None:
    """Register the handlers that turn outages into 503s on ``app``."""

    async def on_dependency(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DependencyUnavailable)
        return unavailable(exc.dependency)

    async def on_redis(_: Request, exc: Exception) -> JSONResponse:
        log.warning("redis unavailable: %r", exc)
        return unavailable("redis")

    async def on_kafka(_: Request, exc: Exception) -> JSONResponse:
        log.warning("broker unavailable: %r", exc)
        return unavailable("kafka")

    async def on_database(_: Request, exc: Exception) -> JSONResponse:
        log.warning("database unavailable: %r", exc)
        return unavailable("database")

    async def on_http(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        headers = dict(exc.headers or {})
        if exc.status_code == 503:
            headers.setdefault("Retry-After", str(RETRY_AFTER_S))
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code,
                            headers=headers)

    app.add_exception_handler(DependencyUnavailable, on_dependency)
    app.add_exception_handler(redis.exceptions.ConnectionError, on_redis)
    app.add_exception_handler(redis.exceptions.TimeoutError, on_redis)
    app.add_exception_handler(KafkaError, on_kafka)
    app.add_exception_handler(OperationalError, on_database)
    app.add_exception_handler(HTTPException, on_http)
