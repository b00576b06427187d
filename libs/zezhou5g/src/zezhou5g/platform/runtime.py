"""The process skeleton of every scenario service.

A service builds a :class:`ServiceRuntime`, adds its Kafka consumers and gRPC servicers, and calls
:meth:`ServiceRuntime.run`: metrics on ``/metrics``, a ``grpc.aio`` server with the standard
``grpc.health.v1`` service (and reflection in dev), consumers in threads, and on SIGTERM/SIGINT
a graceful stop: health goes NOT_SERVING, consumers commit and close, in-flight RPCs finish.
Every RPC but the health checks passes :class:`~zezhou5g.platform.principal.PrincipalInterceptor`
first: no valid gateway-signed principal, no call.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import signal
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from typing import ParamSpec, TypeVar

import grpc
from google.protobuf.message import Message
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1._async import HealthServicer
from grpc_reflection.v1alpha import reflection

from zezhou5g.contracts.topic import DLQ_SUFFIX
from zezhou5g.platform.failures import is_infrastructure
from zezhou5g.platform.kafka import (
    BatchHandler,
    EventConsumer,
    EventProducer,
    Handler,
    consume_in_thread,
    ensure_topics,
)
from zezhou5g.platform.logging import log_fields, setup_logging
from zezhou5g.platform.metrics import serve_metrics
from zezhou5g.platform.principal import PrincipalInterceptor, RefusalHook, RolePolicy
from zezhou5g.platform.settings import ServiceSettings

log = logging.getLogger(__name__)

# Registers servicers on the server and returns their full service names (for health/reflection).
Registrar = Callable[[grpc.aio.Server], list[str]]

P = ParamSpec("P")
R = TypeVar("R")

# Blocking adapter calls (Redis, SQL, models) made from grpc.aio handlers run here, not on the
# event loop: a slow store must not stall every other RPC and the health checks.
_BLOCKING = ThreadPoolExecutor(max_workers=16, thread_name_prefix="rpc-blocking")


async def blocking(fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
    """Run a blocking call from an async RPC handler in the RPC thread pool.

    The caller's context (trace id, principal) goes with it. Use it for every adapter call
    made from a ``grpc.aio`` servicer: ``status = await blocking(self.store.get, area_id)``.
    """
    loop = asyncio.get_running_loop()
    ctx = copy_context()
    call = functools.partial(ctx.run, fn, *args, **kwargs)
    return await loop.run_in_executor(_BLOCKING, call)


class ServiceRuntime:
    """Wires one service process; nothing starts until :meth:`run`."""

    def __init__(self, name: str, settings: ServiceSettings) -> None:
        self.name = name
        self.settings = settings
        self._producer: EventProducer | None = None
        self._consumers: list[EventConsumer] = []
        self._threads: list[threading.Thread] = []
        self._consumer_specs: list[
            tuple[Mapping[str, type[Message]], Handler | None, BatchHandler | None, str]] = []
        self.health = HealthServicer()
        self.bound_port: int | None = None
        self._topics: set[str] = set()
        self._on_shutdown: list[Callable[[], None]] = []
        self._on_refusal: list[RefusalHook] = []
        self._loops: list[tuple[float, Callable[[], object], str]] = []
        self._stopping = threading.Event()
        self._away: set[str] = set()
        self._away_lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._service_names: list[str] = []

    @property
    def producer(self) -> EventProducer:
        """The process's one Kafka producer (created on first use)."""
        if self._producer is None:
            self._producer = EventProducer(self.settings.kafka_bootstrap, self.name)
        return self._producer

    def declare_topics(self, *topics: str) -> None:
        """Topics this service produces; created (with their DLQs) at start if missing."""
        self._topics.update(topics)

    def add_consumer(self, topics: Mapping[str, type[Message]], handler: Handler,
                     group_id: str | None = None) -> None:
        """Consume ``topics`` with ``handler`` once the service runs (group defaults to name)."""
        self._consumer_specs.append((topics, handler, None, group_id or self.name))

    def behind_s(self) -> float:
        """How far behind the service's furthest-behind consumer is, s (0: all caught up)."""
        return max((c.behind_s for c in self._consumers), default=0.0)

    def on_shutdown(self, fn: Callable[[], None]) -> None:
        """Call ``fn`` (blocking is fine) once consumers stopped, before the producer closes."""
        self._on_shutdown.append(fn)

    def on_refusal(self, fn: RefusalHook) -> None:
        """Call ``fn(service, method, subject, code, reason)`` on each UNAUTHENTICATED refusal.

        It runs in a worker thread; e.g. medical writes the refusal to its audit log.
        """
        self._on_refusal.append(fn)

    def every(self, seconds: float, fn: Callable[[], object], name: str) -> None:
        """Call ``fn()`` (blocking is fine) every ``seconds`` while the service runs.

        One thread per loop, started with the consumers and stopped before them. A failure is
        logged and the loop goes on; an infrastructure failure also turns health NOT_SERVING
        until ``fn`` succeeds again.
        """
        self._loops.append((seconds, fn, name))

    def _run_every(self, seconds: float, fn: Callable[[], object], name: str) -> None:
        while not self._stopping.wait(seconds):
            try:
                fn()
                self._availability(name, True)
            except Exception as exc:  # noqa: BLE001 - a loop must survive one bad round
                if is_infrastructure(exc):
                    log.warning("background loop waits for a dependency",
                                extra=log_fields(loop=name, error=repr(exc)))
                    self._availability(name, False)
                else:
                    log.exception("background loop failed", extra=log_fields(loop=name))

    def _availability(self, part: str, available: bool) -> None:
        """Health is NOT_SERVING while any consumer or loop waits for a dependency."""
        with self._away_lock:
            before = bool(self._away)
            (self._away.discard if available else self._away.add)(part)
            after = bool(self._away)
        if before == after or self._loop is None or self._stopping.is_set():
            return
        status = (health_pb2.HealthCheckResponse.NOT_SERVING if after
                  else health_pb2.HealthCheckResponse.SERVING)

        async def publish() -> None:
            for service_name in ("", *self._service_names):
                await self.health.set(service_name, status)

        asyncio.run_coroutine_threadsafe(publish(), self._loop)

    def add_batch_consumer(self, topics: Mapping[str, type[Message]], handler: BatchHandler,
                           group_id: str, per_record: Handler | None = None) -> None:
        """Consume ``topics`` a poll at a time.

        ``per_record`` handles a failed batch's records one by one (see :class:`EventConsumer`).
        """
        self._consumer_specs.append((topics, per_record, handler, group_id))

    async def run(self, register: Registrar, stop: asyncio.Event | None = None) -> None:
        """Serve until SIGTERM/SIGINT (or ``stop`` is set), then stop gracefully."""
        setup_logging(self.name, self.settings.log_level)
        # Handlers first: a SIGTERM that arrives while the service is still starting (a
        # supervisor stopping a program it has just restarted) stops it gracefully once started
        # instead of killing it mid-way with the default action.
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            try:
                loop.add_signal_handler(sig, stop.set)
            except (NotImplementedError, RuntimeError):
                pass  # not the main thread (tests drive ``stop`` themselves)
        if self.settings.metrics_port:
            serve_metrics(self.settings.metrics_port, self.settings.metrics_host)
        key = self.settings.service_principal_key.get_secret_value()
        guard = PrincipalInterceptor(key, self.name, tuple(self._on_refusal))
        # Gate kiosks send a few dozen camera frames in one request: allow 16 MB (default 4).
        server = grpc.aio.server(options=[("grpc.max_receive_message_length", 16 * 2**20)],
                                 interceptors=[guard])
        names = register(server)
        guard.roles = getattr(register, "roles", None)
        health_pb2_grpc.add_HealthServicer_to_server(self.health, server)
        if self.settings.env == "dev":
            reflection.enable_server_reflection(
                [*names, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
                 reflection.SERVICE_NAME], server)
        self.bound_port = server.add_insecure_port(
            f"{_host(self.settings.grpc_host)}:{self.settings.grpc_port}")
        await server.start()
        consumed = {t for topics, *_ in self._consumer_specs for t in topics}
        wanted = self._topics | consumed | {t + DLQ_SUFFIX for t in consumed}
        await asyncio.to_thread(ensure_topics, self.settings.kafka_bootstrap, sorted(wanted))
        self._loop = asyncio.get_running_loop()
        self._service_names = list(names)
        for topics, handler, batch_handler, group in self._consumer_specs:
            part = f"consumer:{group}:{','.join(sorted(topics))}"
            consumer = EventConsumer(
                self.settings.kafka_bootstrap, group, topics, handler, self.name,
                dlq=self.producer, batch_handler=batch_handler,
                on_availability=functools.partial(self._availability, part))
            self._consumers.append(consumer)
            self._threads.append(consume_in_thread(consumer, f"consume-{group}"))
        loops = []
        for seconds, fn, loop_name in self._loops:
            thread = threading.Thread(target=self._run_every, args=(seconds, fn, loop_name),
                                      name=f"every-{loop_name}", daemon=True)
            thread.start()
            loops.append(thread)
        for service_name in ("", *names):
            await self.health.set(service_name, health_pb2.HealthCheckResponse.SERVING)
        log.info("serving", extra=log_fields(grpc_host=self.settings.grpc_host,
                                             grpc_port=self.bound_port,
                                             metrics_port=self.settings.metrics_port))

        await stop.wait()
        log.info("stopping")
        self._stopping.set()
        await self.health.enter_graceful_shutdown()
        for thread in loops:
            await asyncio.to_thread(thread.join, 15)
        for consumer in self._consumers:
            consumer.stop()
        for thread in self._threads:
            await asyncio.to_thread(thread.join, 15)
        await server.stop(grace=5)
        for fn in self._on_shutdown:
            await asyncio.to_thread(fn)
        if self._producer is not None:
            await asyncio.to_thread(self._producer.close)
        log.info("stopped")


def _host(host: str) -> str:
    """``host`` as the address part of a gRPC bind target (IPv6 literals in brackets)."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def registrar(add: Callable[[object, grpc.aio.Server], None], servicer: object,
              service_full_name: str) -> Registrar:
    """A :data:`Registrar` adding one servicer with its generated ``add_*_to_server``.

    A servicer with a ``ROLES`` attribute (:data:`~zezhou5g.platform.principal.RolePolicy`) has
    it enforced for every RPC before its handler runs; one without checks callers itself.
    """

    def register(server: grpc.aio.Server) -> list[str]:
        add(servicer, server)
        return [service_full_name]

    roles: RolePolicy | None = getattr(servicer, "ROLES", None)
    register.roles = roles  # type: ignore[attr-defined]
    return register
