"""Builds the FastAPI application; ``main.py`` only configures and serves it."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Response, status
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest, make_asgi_app
from sqlalchemy import Engine
from zezhou5g.platform.db import make_engine, migrate
from zezhou5g.platform.kafka import EventProducer
from zezhou5g.platform.redis import make_async_redis

from gateway import devices, docs, errors, openapi, registry
from gateway.config import GatewaySettings
from gateway.device_tokens import DeviceTokens
from gateway.grpc_clients import open_channels
from gateway.middleware import BodyLimitMiddleware, SecurityHeadersMiddleware
from gateway.ratelimit import parse_networks
from gateway.readiness import KafkaProbe, Readiness
from gateway.routes import (
    agri,
    auth,
    device_admin,
    fhir,
    health,
    medical,
    public,
    streams,
    tourism,
    transport,
)
from gateway.scenarios import STATUS_STREAMS
from gateway.shared_cache import SharedCache
from gateway.stream import StreamHub
from gateway.users import seed_demo_users

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Body limits of the upload routes, bytes: an 8 MB photo plus its form fields; a passage's
# frames as base64 JSON (a few seconds of 640×480 JPEG frames is ~3-8 MB).
UPLOAD_LIMITS = (("/api/transport/enrol", 9 * 1024 * 1024),
                 ("/api/transport/passages/", 24 * 1024 * 1024),
                 ("/api/transport/manifest", 3 * 1024 * 1024))  # a 2 MB CSV as a form
# A send waits this long for broker metadata before going to the producer's resend queue, ms.
PRODUCER_MAX_BLOCK_MS = 1500


def web_dir() -> Path:
    """Static front ends: ``$Z5G_WEB_DIR`` or ``gateway/web`` beside the package."""
    return Path(os.environ.get("Z5G_WEB_DIR", Path(__file__).resolve().parents[1] / "web"))


class LazyProducer:
    """Creates the Kafka producer on first use, so the gateway starts while Kafka is down."""

    def __init__(self, bootstrap: str) -> None:
        self.bootstrap = bootstrap
        self._producer: EventProducer | None = None
        self._lock = threading.Lock()

    def publish(self, *args, **kwargs) -> str:  # type: ignore[no-untyped-def]
        """Like :meth:`EventProducer.publish`; 503 while no broker is reachable."""
        from kafka.errors import KafkaError

        with self._lock:
            if self._producer is None:
                try:
                    self._producer = EventProducer(self.bootstrap, "gateway",
                                                   max_block_ms=PRODUCER_MAX_BLOCK_MS)
                except KafkaError as exc:
                    raise errors.ApiError(status.HTTP_503_SERVICE_UNAVAILABLE, "unavailable",
                                          "event broker unavailable, retry later",
                                          {"dependency": "kafka"}) from exc
        return self._producer.publish(*args, **kwargs)

    def sends_without_blocking(self, topic: str) -> bool:
        """Whether a publish to ``topic`` returns at once: the producer exists and knows it."""
        producer = self._producer
        return producer is not None and producer.sends_without_blocking(topic)

    def close(self) -> None:
        """Flush and close if created."""
        if self._producer is not None:
            self._producer.close()


def _prepare_database(settings: GatewaySettings) -> Engine:
    migrate(settings.database_url, MIGRATIONS)
    engine = make_engine(settings.database_url)
    if settings.env == "dev" and settings.demo_password is not None:
        seed_demo_users(engine, settings.demo_password.get_secret_value())
    registry.seed(engine, settings.device_token_map(),
                  Path(settings.device_registry_file) if settings.device_registry_file
                  else registry.DEFAULT_FILE)
    return engine


def create_app(settings: GatewaySettings) -> FastAPI:
    """The gateway application for ``settings``; resources open in the lifespan."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.engine = await asyncio.to_thread(_prepare_database, settings)
        app.state.redis = make_async_redis(settings.redis_url)
        app.state.device_tokens = DeviceTokens(app.state.redis, app.state.engine)
        await app.state.device_tokens.changed()  # the seed may have changed the registry
        app.state.device_tokens.start()
        app.state.trace_cache = SharedCache(app.state.redis, "gateway:cache:trace",
                                            settings.trace_cache_s)
        app.state.channels = open_channels({
            "tourism": settings.tourism_grpc, "medical": settings.medical_grpc,
            "agri": settings.agri_grpc, "transport": settings.transport_grpc})
        app.state.kafka_probe = KafkaProbe(settings.kafka_bootstrap)
        app.state.kafka_probe.start()
        app.state.readiness = Readiness(app.state.kafka_probe, app.state.redis,
                                        app.state.channels)
        app.state.producer = LazyProducer(settings.kafka_bootstrap)
        app.state.hub = StreamHub(settings.kafka_bootstrap,
                                  {t: s.message for t, s in STATUS_STREAMS.items()},
                                  {t: s.scope_field for t, s in STATUS_STREAMS.items()
                                   if s.scope_field})
        app.state.hub.start(asyncio.get_running_loop())
        try:
            yield
        finally:
            app.state.kafka_probe.stop()
            await asyncio.to_thread(app.state.hub.stop)
            await asyncio.to_thread(app.state.producer.close)
            for channel in app.state.channels.values():
                await channel.close()
            await app.state.device_tokens.stop()
            await app.state.redis.aclose()
            app.state.engine.dispose()

    # /docs and /redoc are served by gateway.docs from local copies of the viewers (offline).
    app = FastAPI(title="Zezhou 5G+ gateway", version="0.1.0", lifespan=lifespan,
                  description="REST and live streams of the Zezhou 5G+ scenario platform.",
                  docs_url=None, redoc_url=None,
                  # The platform traces with its own W3C traceparent (zezhou5g.platform.events)
                  # and counts with Prometheus; FastAPI's OpenTelemetry hooks would only look
                  # for providers that are never set, on every request.
                  telemetry={"tracing": False, "metrics": False, "logs": False})
    app.state.settings = settings
    app.state.trusted_proxies = parse_networks(settings.trusted_proxies)
    # Device posts are the gateway's hottest route: matched first (routes match in order).
    for router in (devices.router, health.router, auth.router, public.router, streams.router,
                   device_admin.router):
        app.include_router(router)
    # Each of these routes calls its scenario's service: its refusals and outages come back.
    for router in (tourism.router, medical.router, fhir.export_router, agri.router,
                   transport.router):
        app.include_router(router, responses=openapi.SERVICE)
    # The FHIR facade answers its errors as OperationOutcome resources (routes/fhir.py).
    app.include_router(fhir.router)
    errors.install(app)
    openapi.install(app)
    metrics = make_asgi_app()

    # Prometheus scrapes /metrics; the mount below answers only /metrics/ and what is under it.
    @app.get("/metrics", include_in_schema=False)
    async def metrics_page() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    app.mount("/metrics", metrics)
    web = web_dir()
    docs.install(app, web / "node_modules")
    echarts = web / "node_modules" / "echarts" / "dist"
    if echarts.exists():
        app.mount("/vendor/echarts", StaticFiles(directory=echarts), name="echarts")
    app.mount("/", StaticFiles(directory=web / "static", html=True), name="web")
    # Outermost last: headers go on everything, including the body limit's 413.
    app.add_middleware(BodyLimitMiddleware, default_limit=settings.max_body_bytes,
                       limits=UPLOAD_LIMITS)
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.env != "dev")
    return app
