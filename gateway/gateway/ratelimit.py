"""Per-client fixed-window rate limits kept in Redis (shared by every gateway replica).

The client is the TCP peer, unless the peer is one of ``Z5G_TRUSTED_PROXIES``: only then is
``X-Forwarded-For`` read (right to left, skipping trusted hops), so a caller cannot choose the
address it is counted under by sending the header itself.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Sequence

from fastapi import Request, status
from prometheus_client import Counter

from gateway.errors import ApiError, bounded
from gateway.openapi import documents

REJECTED = Counter("z5g_gateway_rate_limited_total", "Requests refused by a rate limit",
                   ["bucket"])

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(spec: str) -> list[Network]:
    """``"10.0.0.0/8, 127.0.0.1"`` → networks (a bare address is a /32 or /128)."""
    return [ipaddress.ip_network(part.strip(), strict=False)
            for part in spec.split(",") if part.strip()]


def _trusted(address: str, proxies: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def client_address(peer: str | None, forwarded_for: str | None,
                   proxies: Sequence[Network]) -> str:
    """The address a request is counted under.

    Args:
        peer: the TCP peer's address (None when unknown).
        forwarded_for: the ``X-Forwarded-For`` header, ``client, proxy1, proxy2``.
        proxies: trusted proxies; with none, the header is ignored.
    """
    if peer is None:
        return "unknown"
    if not forwarded_for or not _trusted(peer, proxies):
        return peer
    # Each trusted proxy appends the address it received from; the first untrusted one from
    # the right is the client (anything left of it was written by the client itself).
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        if not _trusted(hop, proxies):
            return hop
    return peer


def client_ip(request: Request) -> str:
    """The caller's address for rate limits (see module doc)."""
    proxies = getattr(request.app.state, "trusted_proxies", [])
    return client_address(request.client.host if request.client else None,
                          request.headers.get("x-forwarded-for"), proxies)


async def count(request: Request, key: str, window_s: int) -> int:
    """Add one to ``key`` in the current window of ``window_s`` seconds; the new count."""
    redis = request.app.state.redis
    window = int(time.time() // window_s)
    full = f"{key}:{window}"
    pipe = redis.pipeline()
    pipe.incr(full)
    pipe.expire(full, window_s + 1)
    value, _ = await bounded(pipe.execute())
    return int(value)


async def peek(request: Request, key: str, window_s: int) -> int:
    """The count of ``key`` in the current window, without adding to it."""
    window = int(time.time() // window_s)
    value = await bounded(request.app.state.redis.get(f"{key}:{window}"))
    return int(value or 0)


def refuse(bucket: str, limit: int, window_s: int) -> ApiError:
    """The 429 of ``bucket`` (counted), with Retry-After until its window ends."""
    REJECTED.labels(bucket).inc()
    retry = window_s - int(time.time() % window_s)
    per = "minute" if window_s == 60 else f"{window_s // 60} minutes"
    return ApiError(status.HTTP_429_TOO_MANY_REQUESTS, "rate_limited",
                    f"too many requests: at most {limit} per {per}",
                    {"limit": limit, "window_s": window_s, "retry_after_s": retry},
                    headers={"Retry-After": str(retry)})


async def enforce(request: Request, bucket: str, limit_per_min: int) -> None:
    """Count this request in the caller's current minute; 429 once over ``limit_per_min``."""
    if await count(request, f"ratelimit:{bucket}:{client_ip(request)}", 60) > limit_per_min:
        raise refuse(bucket, limit_per_min, 60)


@documents(429, 503)
async def public_limit(request: Request) -> None:
    """Dependency for public endpoints."""
    await enforce(request, "public", request.app.state.settings.public_rate_per_min)


@documents(429, 503)
async def upload_limit(request: Request) -> None:
    """Dependency for public uploads (face photos): a tighter per-client limit."""
    await enforce(request, "upload", request.app.state.settings.upload_limit_per_min())
