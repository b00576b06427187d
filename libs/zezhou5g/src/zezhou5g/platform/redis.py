"""Redis clients with timeouts and retries, so a Redis restart is ridden out, not fatal."""

from __future__ import annotations

import redis
import redis.asyncio as aioredis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from zezhou5g.platform.events import ConsumedEvent
from zezhou5g.platform.metrics import EVENTS_DUPLICATE

_RETRY_ON = (redis.ConnectionError, redis.TimeoutError)


def make_redis(url: str) -> redis.Redis:
    """Synchronous client returning ``str`` values (``decode_responses``)."""
    return redis.Redis.from_url(
        url, decode_responses=True, socket_timeout=2, socket_connect_timeout=2,
        health_check_interval=15, retry=Retry(ExponentialBackoff(cap=2, base=0.05), 5),
        retry_on_error=list(_RETRY_ON))


def make_async_redis(url: str) -> aioredis.Redis:
    """Asyncio client with the same behaviour as :func:`make_redis`."""
    return aioredis.Redis.from_url(
        url, decode_responses=True, socket_timeout=2, socket_connect_timeout=2,
        health_check_interval=15, retry=Retry(ExponentialBackoff(cap=2, base=0.05), 5),
        retry_on_error=list(_RETRY_ON))


def first_seen(client: redis.Redis, event: ConsumedEvent, service: str,
               ttl_s: int = 7 * 24 * 3600) -> bool:
    """Record the event's id as processed; False (and counted) when it is a duplicate.

    The window matches the broker's retention: an event older than that cannot come again.
    """
    if client.set(f"seen:{event.event_id}", "1", nx=True, ex=ttl_s):
        return True
    EVENTS_DUPLICATE.labels(service, event.topic).inc()
    return False
