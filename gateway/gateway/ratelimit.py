"""Per-client fixed-window rate limits kept in Redis (shared by every gateway replica)."""

from __future__ import annotations

import time

from fastapi import HTTPException, Request, status
from prometheus_client import Counter

REJECTED = Counter("z5g_gateway_rate_limited_total", "Requests refused by a rate limit",
                   ["bucket"])


def client_ip(request: Request) -> str:
    """The caller's address (uvicorn applies X-Forwarded-For only from trusted proxies)."""
    return request.client.host if request.client else "unknown"


async def enforce(request: Request, bucket: str, limit_per_min: int) -> None:
    """Count this request in the caller's current minute; 429 once over ``limit_per_min``."""
    redis = request.app.state.redis
    window = int(time.time() // 60)
    key = f"ratelimit:{bucket}:{client_ip(request)}:{window}"
    pipe = redis.pipeline()
    pipe.incr(key)
    pipe.expire(key, 61)
    count, _ = await pipe.execute()
    if count > limit_per_min:
        REJECTED.labels(bucket).inc()
        retry = 60 - int(time.time() % 60)
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS,
                            f"too many requests: at most {limit_per_min} per minute",
                            headers={"Retry-After": str(retry)})


async def public_limit(request: Request) -> None:
    """Dependency for public endpoints."""
    await enforce(request, "public", request.app.state.settings.public_rate_per_min)
