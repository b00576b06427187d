"""Redis clients with timeouts and retries, so a Redis restart is ridden out, not fatal."""

from __future__ import annotations

import redis
import redis.asyncio as aioredis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

_RETRY_ON = (redis.ConnectionError, redis.TimeoutError)


def make_redis(url: str, *, decode_responses: bool = True) -> redis.Redis:
    """Synchronous client returning ``str`` values.

    ``decode_responses=False`` returns ``bytes``, for binary values (serialised protobuf, JPEG).
    """
    return redis.Redis.from_url(
        url, decode_responses=decode_responses, socket_timeout=2, socket_connect_timeout=2,
        health_check_interval=15, retry=Retry(ExponentialBackoff(cap=2, base=0.05), 5),
        retry_on_error=list(_RETRY_ON))


def make_async_redis(url: str) -> aioredis.Redis:
    """Asyncio client with the same behaviour as :func:`make_redis`."""
    return aioredis.Redis.from_url(
        url, decode_responses=True, socket_timeout=2, socket_connect_timeout=2,
        health_check_interval=15, retry=Retry(ExponentialBackoff(cap=2, base=0.05), 5),
        retry_on_error=list(_RETRY_ON))
