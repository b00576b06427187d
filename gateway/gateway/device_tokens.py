"""Device tokens looked up without a SQL query per post, and still revoked at once everywhere.

Every post used to read its device from SQL (a thread hop, a connection, an ORM query): the
largest cost of ingestion. The gateway keeps the devices it has seen by token hash in process,
and drops them all whenever the registry changes. Every change to the registry (register,
rotate, revoke, re-assign, attach, the seed at start-up) commits in SQL and then, in one
transaction, increments the registry's *generation* in Redis and publishes on ``CHANNEL``.

Each replica listens on ``CHANNEL`` (``start``). While its subscription is confirmed and
answered a ping within ``LIVE_S``, a post is served from the cache with no Redis round trip
(the generation read per post was a fifth of a post's CPU, issue 16), and a change made on
another replica applies there as soon as its message arrives: milliseconds after the change
commits (on this replica, at once). When the subscription is not live (Redis restarted, the
connection went quiet) lookups read the generation from Redis on each post instead, and a
new subscription drops everything first, since messages may have been missed meanwhile.

A lookup keeps what SQL answers only if no change was seen while it read, so an answer read
before a change is never kept past it. Without Redis the cache is not used (SQL on each post,
for ``REDIS_BACKOFF_S`` after each failure, so posts do not wait out Redis retries); entries
also expire after ``ttl_s``, the bound on staleness if a change's message and generation bump
were lost with Redis down at the moment of a change. Unknown tokens are not kept (a stranger
trying tokens must not fill memory), and the cache holds at most ``max_entries`` devices.
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
CHANNEL = "gateway:devices:changed"
REDIS_BACKOFF_S = 5.0  # after Redis failed, lookups go to SQL alone this long
PING_S = 1.0           # the listener pings its subscription this often
LIVE_S = 3.0           # and trusts it while the last answer is at most this old


class DeviceTokens:
    """Devices by token, cached per registry generation (see the module doc)."""

    def __init__(self, redis: Any, engine: Engine, ttl_s: float = 10.0,
                 max_entries: int = 100_000) -> None:
        self._redis = redis
        self._engine = engine
        self._ttl_s = ttl_s
        self._max = max_entries
        self._generation: Any = None   # what the entries were read under (see _current)
        self._entries: dict[str, tuple[DeviceInfo, float]] = {}
        self._redis_down_until = 0.0   # after a failure, SQL only for a while (no retry waits)
        self._epoch = 0                # changes seen by the listener or made here
        self._heard_at: float | None = None  # the subscription's last answer; None: not live
        self._listener: asyncio.Task[None] | None = None

    @property
    def listening(self) -> bool:
        """Whether changes arrive by subscription now (no Redis read per post)."""
        return self._heard_at is not None and time.monotonic() - self._heard_at <= LIVE_S

    def start(self) -> None:
        """Listen for registry changes (call on the serving event loop)."""
        if self._listener is None:
            self._listener = asyncio.create_task(self._listen(), name="device-tokens-listener")

    async def stop(self) -> None:
        """Stop listening."""
        if self._listener is not None:
            self._listener.cancel()
            await asyncio.gather(self._listener, return_exceptions=True)
            self._listener = None
        self._heard_at = None

    def _invalidate(self) -> None:
        self._epoch += 1
        self._entries.clear()

    async def _listen(self) -> None:
        while True:
            pubsub = self._redis.pubsub()
            try:
                await pubsub.subscribe(CHANNEL)
                pinged = time.monotonic()
                while True:
                    message = await pubsub.get_message(timeout=PING_S)
                    now = time.monotonic()
                    if message is not None:
                        if message["type"] == "subscribe":
                            self._invalidate()  # changes may have been missed until now
                        elif message["type"] == "message":
                            self._invalidate()
                        self._heard_at = now
                    if now - pinged >= PING_S:
                        await pubsub.ping()
                        pinged = now
            except (RedisError, OSError) as exc:
                if self._heard_at is not None:
                    log.warning("device registry subscription lost", extra={"error": repr(exc)})
                self._heard_at = None
            finally:
                await pubsub.aclose()
            await asyncio.sleep(PING_S)

    async def _current(self) -> Any:
        """What cached entries must have been read under (raises RedisError).

        The epoch while the subscription is live, else the generation in Redis.
        """
        if self.listening:
            return ("epoch", self._epoch)
        return ("generation", await self._redis.get(GENERATION_KEY), self._epoch)

    async def by_token(self, token: str) -> DeviceInfo | None:
        """The device holding ``token`` (revoked ones included), or None."""
        now = time.monotonic()
        if now < self._redis_down_until:
            return await asyncio.to_thread(registry.by_token, self._engine, token)
        try:
            generation = await self._current()
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
        epoch = self._epoch
        device = await asyncio.to_thread(registry.by_token, self._engine, token)
        if device is not None and self._generation == generation and self._epoch == epoch:
            if len(self._entries) >= self._max:
                self._entries.clear()
            self._entries[key] = (device, now)
        return device

    async def changed(self) -> None:
        """Call after a change to the registry is committed: every replica reads SQL again."""
        self._invalidate()
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                await pipe.incr(GENERATION_KEY).publish(CHANNEL, "changed").execute()
        except RedisError as exc:
            # Other replicas keep what they hold for at most ttl_s.
            log.warning("device registry generation not bumped", extra={"error": repr(exc)})
