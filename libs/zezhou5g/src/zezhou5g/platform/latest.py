"""Latest-state store in Redis: one protobuf message per key, readable as a set.

Services keep "the latest status of each area / patient / field / gate" here so that the gRPC
API answers from hot state and a restarted service carries on where it stopped.
"""

from __future__ import annotations

from typing import Generic, TypeVar

import redis
from google.protobuf import json_format
from google.protobuf.message import Message

M = TypeVar("M", bound=Message)


class LatestStore(Generic[M]):
    """``prefix:<key>`` holds the message as JSON; ``prefix:keys`` the set of keys."""

    def __init__(self, client: redis.Redis, prefix: str, cls: type[M]) -> None:
        self.client = client
        self.prefix = prefix
        self.cls = cls

    def put(self, key: str, message: M) -> None:
        """Store ``message`` as the latest for ``key``."""
        pipe = self.client.pipeline()
        self.stage(pipe, key, message)
        pipe.execute()

    def stage(self, pipe: redis.client.Pipeline, key: str, message: M) -> None:
        """Queue the write of :meth:`put` on ``pipe`` (e.g. a unit of work's transaction)."""
        pipe.set(f"{self.prefix}:{key}", json_format.MessageToJson(message, indent=None))
        pipe.sadd(f"{self.prefix}:keys", key)

    def get(self, key: str) -> M | None:
        """The latest message for ``key``, or None."""
        raw = self.client.get(f"{self.prefix}:{key}")
        return None if raw is None else json_format.Parse(str(raw), self.cls())

    def all(self) -> list[M]:
        """Every stored message, ordered by key."""
        keys = sorted(str(k) for k in self.client.smembers(f"{self.prefix}:keys"))  # type: ignore[union-attr]
        if not keys:
            return []
        raws = self.client.mget([f"{self.prefix}:{k}" for k in keys])
        return [json_format.Parse(str(r), self.cls()) for r in raws if r is not None]  # type: ignore[union-attr]

    def many(self, keys: list[str]) -> dict[str, M]:
        """The latest message of each of ``keys`` that has one (one round trip)."""
        if not keys:
            return {}
        raws = self.client.mget([f"{self.prefix}:{k}" for k in keys])
        return {k: json_format.Parse(str(r), self.cls())
                for k, r in zip(keys, raws, strict=True) if r is not None}  # type: ignore[arg-type]
