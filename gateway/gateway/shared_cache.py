"""Public answers cached in Redis for a short time, shared by every gateway worker.

A public page that many visitors open at once (a product's trace, scanned from its label)
would otherwise ask the service once per visitor. :class:`SharedCache` keeps each answer for
``ttl_s`` seconds in Redis, so all workers and replicas share it, and within one worker
concurrent misses of the same key wait for one fetch (no stampede when an entry expires).
Only successful answers are kept; an error is the service's to give each time. When Redis is
unreachable the answer is fetched directly: the cache never makes a page fail.

Each answer says when it was fetched (``fetched_at``, ISO 8601), so the page can show its age.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import redis.asyncio as aioredis
from prometheus_client import Counter
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
LOOKUPS = Counter("z5g_gateway_cache_lookups_total",
                  "Shared cache lookups of public answers", ["cache", "result"])


class SharedCache:
    """Answers (JSON objects) by key, kept ``ttl_s`` seconds in Redis under ``prefix``."""

    def __init__(self, client: aioredis.Redis, prefix: str, ttl_s: float) -> None:
        if ttl_s <= 0:
            raise ValueError("ttl_s must be positive")
        self.client = client
        self.prefix = prefix
        self.ttl_ms = int(ttl_s * 1000)
        self._inflight: dict[str, asyncio.Future[dict[str, Any]]] = {}

    async def get(self, key: str,
                  fetch: Callable[[], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
        """The cached answer for ``key``, else ``fetch()``'s (kept, with ``fetched_at``).

        Raises:
            Whatever ``fetch`` raises (nothing is kept then).
        """
        name = f"{self.prefix}:{key}"
        try:
            raw = await self.client.get(name)
        except (RedisError, OSError) as exc:
            LOOKUPS.labels(self.prefix, "unavailable").inc()
            log.warning("shared cache unavailable, fetching", extra={"error": repr(exc)})
            return await self._fetch(fetch)
        if raw is not None:
            LOOKUPS.labels(self.prefix, "hit").inc()
            answer: dict[str, Any] = json.loads(raw)
            return answer
        if (waiting := self._inflight.get(name)) is not None:
            LOOKUPS.labels(self.prefix, "joined").inc()
            return await asyncio.shield(waiting)
        LOOKUPS.labels(self.prefix, "miss").inc()
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._inflight[name] = future
        try:
            answer = await self._fetch(fetch)
            future.set_result(answer)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no "never retrieved" warning without joiners
            raise
        finally:
            del self._inflight[name]
        try:
            await self.client.set(name, json.dumps(answer, separators=(",", ":")),
                                  px=self.ttl_ms)
        except (RedisError, OSError) as exc:
            log.warning("shared cache unavailable, not kept", extra={"error": repr(exc)})
        return answer

    @staticmethod
    async def _fetch(fetch: Callable[[], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
        answer = dict(await fetch())
        answer["fetched_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        return answer
