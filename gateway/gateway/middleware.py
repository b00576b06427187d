"""ASGI middleware wrapping every response: security headers, request-body limits.

Both are plain ASGI (not ``BaseHTTPMiddleware``) so that they see static files, ``/metrics``,
streams and error responses alike, and so that the body limit counts bytes while they arrive.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from prometheus_client import Counter
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.errors import error_body

log = logging.getLogger(__name__)

BODY_REJECTED = Counter("z5g_gateway_body_rejected_total",
                        "Requests refused for a body over the route's limit", ["how"])

# No inline script anywhere (pages load modules from /js); ECharts is served from /vendor.
# Inline style *attributes* stay allowed: ECharts writes its tooltips as HTML with style="…"
# (no script can run from a style attribute); <style> elements and remote styles are not.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; "
       "style-src-attr 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")


def security_headers(hsts: bool) -> list[tuple[bytes, bytes]]:
    """The headers added to every response; HSTS (1 year) only when served over TLS (prod)."""
    headers = [
        (b"content-security-policy", CSP.encode()),
        (b"x-frame-options", b"DENY"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"permissions-policy", b"camera=(self), microphone=(), geolocation=()"),
    ]
    if hsts:
        headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
    return headers


class SecurityHeadersMiddleware:
    """Adds :func:`security_headers` to every HTTP response, including unhandled errors.

    An exception that escapes the application becomes a plain 500 here (logged), so even that
    response carries the headers; Starlette's own error page would be built outside us.
    """

    def __init__(self, app: ASGIApp, hsts: bool) -> None:
        self.app = app
        self.headers = security_headers(hsts)
        self._names = {name for name, _ in self.headers}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI entry point."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                kept = [(k, v) for k, v in message.get("headers", []) if k not in self._names]
                message = {**message, "headers": kept + self.headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            log.exception("unhandled error", extra={"path": scope.get("path")})
            if started:
                raise
            await JSONResponse(error_body("internal", "internal error"), status_code=500)(
                scope, receive, send_with_headers)


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` once a body passes its limit.

    FastAPI re-raises HTTPExceptions from body parsing, so this reaches the client as a 413
    instead of a parse error.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body over {limit} bytes")


class BodyLimitMiddleware:
    """Refuses bodies over a per-route limit with 413, before the application parses them.

    A declared ``Content-Length`` over the limit is refused without reading; a chunked body (or
    one that lies about its length) is counted as it arrives and cut off at the limit.

    Args:
        default_limit: bytes allowed on any route not in ``limits``.
        limits: (path prefix, bytes) for routes that take more (uploads); longest prefix wins.
    """

    def __init__(self, app: ASGIApp, default_limit: int,
                 limits: Iterable[tuple[str, int]] = ()) -> None:
        self.app = app
        self.default_limit = default_limit
        self.limits = sorted(limits, key=lambda p: len(p[0]), reverse=True)

    def limit_for(self, path: str) -> int:
        """Bytes allowed for a request to ``path``."""
        for prefix, limit in self.limits:
            if path.startswith(prefix):
                return limit
        return self.default_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI entry point."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > limit
            except ValueError:
                too_big = False  # the server refuses a malformed length itself
            if too_big:
                BODY_REJECTED.labels("declared").inc()
                await JSONResponse(error_body("too_large", f"request body over {limit} bytes",
                                              {"limit": limit}), status_code=413)(
                    scope, receive, send)
                return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    BODY_REJECTED.labels("streamed").inc()
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, counting_receive, send)
