"""Device tokens looked up without a SQL query per post, and still revoked at once everywhere.

Every post used to read its device from SQL (a thread hop, a connection, an ORM query): the
largest cost of ingestion. The gateway now keeps the devices it has seen by token hash in
process, valid for as long as the registry's *generation* in Redis stays what it was when they
were read. Every change to the registry (register, rotate, revoke, re-assign, attach, the seed
at start-up) commits in SQL and then increments the generation, so the next post on every
replica finds a new generation, drops what it held and reads SQL again: a revocation applies
from the next post on, as before.

A lookup reads the generation first and keeps what SQL answers only if the generation is still
the one it read, so an answer read before a change is never kept past it. Without Redis the
cache is not used (SQL on each post, as before, for ``REDIS_BACKOFF_S`` after each failure, so
posts do not wait out Redis retries); entries also expire after ``ttl_s``, the bound
on staleness if a generation bump was lost with Redis down at the moment of a change. Unknown
tokens are not kept (a stranger trying tokens must not fill memory), and the cache holds at
most ``max_entries`` devices.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from redis.exceptions import RedisError
from sqlalchemy import Engine

from gateway import registry
from gateway.registry import DeviceInfo

log = logging.getLogger(__name__)
GENERATION_KEY = "gateway:devices:generation"
REDIS_BACKOFF_S = 5.0  # after Redis failed, lookups go to SQL alone this long


class DeviceTokens:
    """Devices by token, cached per registry generation (see the module doc)."""

    def __init__(self, redis: Any, engine: Engine, ttl_s: float = 10.0,
                 max_entries: int = 100_000) -> None:
        self._redis = redis
        self._engine = engine
        self._ttl_s = ttl_s
        self._max = max_entries
        self._generation: Any = None
        self._entries: dict[str, tuple[DeviceInfo, float]] = {}
        self._redis_down_until = 0.0   # after a failure, SQL only for a while (no retry waits)

    async def by_token(self, token: str) -> DeviceInfo | None:
        """The device holding ``token`` (revoked ones included), or None."""
        now = time.monotonic()
        if now < self._redis_down_until:
            return await asyncio.to_thread(registry.by_token, self._engine, token)
        try:
            generation = await self._redis.get(GENERATION_KEY)
        except RedisError:
            self._redis_down_until = time.monotonic() + REDIS_BACKOFF_S
            self._entries.clear()
            return await asyncio.to_thread(registry.by_token, self._engine, token)
        if generation != self._generation:
            self._entries.clear()
            self._generation = generation
        key = registry.token_hash(token)
        hit = self._entries.get(key)
        if hit is not None and now - hit[1] < self._ttl_s:
            return hit[0]
        device = await asyncio.to_thread(registry.by_token, self._engine, token)
        if device is not None and self._generation == generation:
            if len(self._entries) >= self._max:
                self._entries.clear()
            self._entries[key] = (device, now)
        return device

    async def changed(self) -> None:
        """Call after a change to the registry is committed: every replica reads SQL again."""
        self._entries.clear()
        try:
            await self._redis.incr(GENERATION_KEY)
        except RedisError as exc:
            # Other replicas keep what they hold for at most ttl_s.
            log.warning("device registry generation not bumped", extra={"error": repr(exc)})
