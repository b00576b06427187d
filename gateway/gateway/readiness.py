"""Readiness: can this gateway reach Kafka, Redis and every service's gRPC health?"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from kafka.admin import KafkaAdminClient
from kafka.errors import KafkaError
from redis.asyncio import Redis


@dataclass
class Check:
    """Outcome of one dependency check."""

    ok: bool
    detail: str


def _kafka_check(bootstrap: str) -> Check:
    try:
        admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=2500,
                                 bootstrap_timeout_ms=2500, reconnect_backoff_max_ms=1000)
    except (KafkaError, OSError, ValueError) as exc:
        return Check(False, f"unreachable: {type(exc).__name__}")
    try:
        cluster = admin.describe_cluster()
        return Check(True, f"{len(cluster['brokers'])} broker(s)")
    except (KafkaError, OSError, ValueError) as exc:
        return Check(False, f"unreachable: {type(exc).__name__}")
    finally:
        admin.close()


async def _redis_check(redis: Redis) -> Check:
    try:
        await asyncio.wait_for(redis.ping(), timeout=2)
        return Check(True, "PONG")
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        return Check(False, f"unreachable: {type(exc).__name__}")


async def _grpc_check(channel: grpc.aio.Channel) -> Check:
    try:
        reply = await health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service=""), timeout=1.5)
    except grpc.aio.AioRpcError as exc:
        return Check(False, exc.code().name)
    status = health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)
    return Check(reply.status == health_pb2.HealthCheckResponse.SERVING, status)


class KafkaProbe:
    """Asks the broker for its cluster description every ``interval_s`` in a thread.

    Readiness reads the latest answer instead of asking inline, so ``/readyz`` stays fast
    while a dead broker makes the client wait; an answer older than ``max_age_s`` counts as
    "not ready".
    """

    def __init__(self, bootstrap: str, interval_s: float = 2.0, max_age_s: float = 8.0) -> None:
        self.bootstrap = bootstrap
        self.interval_s = interval_s
        self.max_age_s = max_age_s
        self._latest: tuple[float, Check] = (time.monotonic(), Check(False, "not checked yet"))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kafka-probe", daemon=True)

    def start(self) -> None:
        """Begin probing."""
        self._thread.start()

    def stop(self) -> None:
        """Stop probing (returns without waiting for a probe in flight)."""
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            result = _kafka_check(self.bootstrap)
            self._latest = (started, result)
            self._stop.wait(self.interval_s)

    def current(self) -> Check:
        """The latest answer, or "no answer" when the probe has been waiting too long."""
        at, result = self._latest
        age = time.monotonic() - at
        if age > self.max_age_s:
            return Check(False, f"no answer for {age:.0f}s")
        return result


class Readiness:
    """Runs all checks concurrently; results are cached for ``ttl_s`` to spare probes' load."""

    def __init__(self, kafka: KafkaProbe, redis: Redis, channels: dict[str, grpc.aio.Channel],
                 ttl_s: float = 1.0) -> None:
        self.kafka = kafka
        self.redis = redis
        self.channels = channels
        self.ttl_s = ttl_s
        self._cached: tuple[float, dict[str, Check]] | None = None
        self._lock = asyncio.Lock()

    async def check(self) -> dict[str, Check]:
        """Name → outcome for kafka, redis and each service."""
        async with self._lock:
            if self._cached and time.monotonic() - self._cached[0] < self.ttl_s:
                return self._cached[1]
            names = ["redis", *self.channels]
            results = await asyncio.gather(_redis_check(self.redis),
                                           *(_grpc_check(ch) for ch in self.channels.values()))
            checks = {"kafka": self.kafka.current(), **dict(zip(names, results, strict=True))}
            self._cached = (time.monotonic(), checks)
            return checks
