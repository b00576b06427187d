"""Which failures are the infrastructure's (retry later) and which are the input's (reject).

A consumer that meets an infrastructure failure — Redis, the database or the broker away, a
peer service unavailable, a transaction that kept conflicting — keeps the batch, backs off and
tries again without committing offsets; the service reports NOT_SERVING meanwhile. Only an
event that is invalid as sent goes to the dead-letter topic.
"""

from __future__ import annotations

import grpc
import redis
from kafka.errors import KafkaError
from sqlalchemy import exc as sa_exc

from zezhou5g.platform.outbox import Contention


class Unavailable(Exception):  # noqa: N818 - reads as the condition
    """Raised by an adapter when a dependency it needs is down (retry later)."""


_INFRA: tuple[type[BaseException], ...] = (
    Unavailable, Contention, ConnectionError, TimeoutError,
    redis.ConnectionError, redis.TimeoutError, redis.exceptions.BusyLoadingError,
    redis.exceptions.TryAgainError, redis.exceptions.ReadOnlyError,
    redis.exceptions.ClusterDownError,
    sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError,
    sa_exc.DisconnectionError,
    KafkaError,
)
_GRPC_RETRY = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED,
               grpc.StatusCode.RESOURCE_EXHAUSTED}


def is_infrastructure(exc: BaseException) -> bool:
    """True when ``exc`` (or what caused it) means "a dependency is away", not "bad input"."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _INFRA):
            return True
        if isinstance(current, sa_exc.DBAPIError) and current.connection_invalidated:
            return True
        if isinstance(current, grpc.RpcError) and callable(getattr(current, "code", None)):
            if current.code() in _GRPC_RETRY:
                return True
        current = current.__cause__
    return False
