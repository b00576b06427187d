"""Redis clients with timeouts and retries, so a Redis restart is ridden out, not fatal.

Synchronous clients count their round trips (``z5g_redis_round_trips_total``): one per
packet of commands written to the server, so a pipeline of any length is one, a plain command
is one, a health-check PING is one. Benchmarks read it to check that batch paths stay at a few
round trips per batch instead of one per event.
"""

from __future__ import annotations

from typing import Any

import redis
import redis.asyncio as aioredis
from prometheus_client import Counter
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

_RETRY_ON = (redis.ConnectionError, redis.TimeoutError)
ROUND_TRIPS = Counter("z5g_redis_round_trips", "Command packets sent to Redis (round trips)")
_COUNTED: dict[type, type] = {}


def _counted(cls: type[redis.connection.AbstractConnection]) -> type:
    """``cls`` with each ``send_packed_command`` counted (one subclass per connection class)."""
    sub = _COUNTED.get(cls)
    if sub is None:
        def send_packed_command(self: Any, command: Any, check_health: bool = True) -> None:
            ROUND_TRIPS.inc()
            cls.send_packed_command(self, command, check_health)

        sub = _COUNTED[cls] = type(f"Counted{cls.__name__}", (cls,),
                                   {"send_packed_command": send_packed_command})
    return sub


def make_redis(url: str, *, decode_responses: bool = True) -> redis.Redis:
    """Synchronous client returning ``str`` values.

    ``decode_responses=False`` returns ``bytes``, for binary values (serialised protobuf, JPEG).
    """
    client = redis.Redis.from_url(
        url, decode_responses=decode_responses, socket_timeout=2, socket_connect_timeout=2,
        health_check_interval=15, retry=Retry(ExponentialBackoff(cap=2, base=0.05), 5),
        retry_on_error=list(_RETRY_ON))
    pool = client.connection_pool  # the class the URL's scheme chose (TCP, TLS, unix socket)
    pool.connection_class = _counted(pool.connection_class)
    return client


def make_async_redis(url: str) -> aioredis.Redis:
    """Asyncio client with the same behaviour as :func:`make_redis`.

    Its ``retry`` must be the asyncio ``Retry``: the synchronous one, which redis-py accepts
    here without complaint, returns the command's coroutine unawaited, so nothing is retried and
    the first command on each pooled connection after a Redis restart fails.
    """
    return aioredis.Redis.from_url(
        url, decode_responses=True, socket_timeout=2, socket_connect_timeout=2,
        health_check_interval=15, retry=AsyncRetry(ExponentialBackoff(cap=2, base=0.05), 5),
        retry_on_error=list(_RETRY_ON))
