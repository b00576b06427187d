"""Error answers: a stable code and parameters the pages translate, and an English ``detail``.

Every error body is ``{"code": str, "params": {name: str | int}, "detail": ...}``. ``code`` names
what happened (``auth.bad_credentials``, ``service.permission_denied``, ``unavailable``, ...) and
is what the web pages look up in their zh-CN / en tables, filling ``{name}`` placeholders from
``params``; ``detail`` stays the English sentence (or FastAPI's validation list) for API users and
logs, and no page shows it. An ``HTTPException`` raised without a code gets one from its status.

A dependency that is down is not a bug: 503 with ``Retry-After``, quickly, never a 500.
Redis, the broker and the SQL database each get a bounded wait (``bounded``); what still fails
is mapped here to a 503 naming the dependency, counted by dependency.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Mapping
from typing import TypeVar

import redis.exceptions
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
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


# The code of an error raised without one, by HTTP status.
STATUS_CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
                409: "conflict", 413: "too_large", 422: "invalid", 429: "rate_limited",
                502: "bad_gateway", 503: "unavailable", 504: "timeout"}


class ApiError(HTTPException):
    """An HTTP error with a code and parameters for the pages, and ``detail`` for API users.

    Args:
        status_code: the HTTP status.
        code: dotted, stable name of the error (the pages' translation key is ``err.<code>``).
        detail: English sentence for API users and logs.
        params: values for the translated sentence's placeholders (ids, counts, seconds).
        headers: extra response headers (``Retry-After``).
    """

    def __init__(self, status_code: int, code: str, detail: str,
                 params: dict[str, str | int | float] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(status_code, detail, headers=headers)
        self.code = code
        self.params = dict(params or {})


def error_body(code: str, detail: object, params: Mapping[str, object] | None = None
               ) -> dict[str, object]:
    """The JSON body of every error answer."""
    return {"code": code, "params": dict(params or {}), "detail": detail}


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
    return JSONResponse(error_body("unavailable", f"{dependency} unavailable, retry later",
                                   {"dependency": dependency}), status_code=503,
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
        if isinstance(exc, ApiError):
            body = error_body(exc.code, exc.detail, exc.params)
        else:
            body = error_body(STATUS_CODES.get(exc.status_code, "http_error"), exc.detail,
                              {"status": exc.status_code})
        return JSONResponse(body, status_code=exc.status_code, headers=headers)

    async def on_validation(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = jsonable_encoder(exc.errors())
        # The last part of each error's location names the field ("body", "ticket_id").
        fields = sorted({str(e["loc"][-1]) for e in errors if e.get("loc")})
        return JSONResponse(error_body("invalid", errors, {"fields": ", ".join(fields)}),
                            status_code=422)

    app.add_exception_handler(DependencyUnavailable, on_dependency)
    app.add_exception_handler(redis.exceptions.ConnectionError, on_redis)
    app.add_exception_handler(redis.exceptions.TimeoutError, on_redis)
    app.add_exception_handler(KafkaError, on_kafka)
    app.add_exception_handler(OperationalError, on_database)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
