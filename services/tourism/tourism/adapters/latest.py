"""Writing a :class:`~zezhou5g.platform.latest.LatestStore` entry inside a unit of work.

``LatestStore.put`` runs its own pipeline; a unit must queue the same two commands on its
transaction instead, so the latest state commits with the events it goes with.
"""

from __future__ import annotations

from typing import TypeVar

import redis
from google.protobuf import json_format
from google.protobuf.message import Message
from zezhou5g.platform.latest import LatestStore

M = TypeVar("M", bound=Message)


def stage_latest(w: redis.client.Pipeline, store: LatestStore[M], key: str, message: M) -> None:
    """Queue ``message`` as the latest for ``key`` of ``store`` on the transaction ``w``."""
    w.set(f"{store.prefix}:{key}", json_format.MessageToJson(message, indent=None))
    w.sadd(f"{store.prefix}:keys", key)
