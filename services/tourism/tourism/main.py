"""Wires the tourism service: Kafka consumer, Redis, gRPC API."""

from __future__ import annotations

import asyncio

from zezhou5g.platform.redis import make_redis
from zezhou5g.platform.runtime import ServiceRuntime, registrar
from zezhou5g.platform.settings import load_settings
from zezhou5g.tourism.v1 import tourism_pb2, tourism_pb2_grpc

from tourism.adapters.environment_store import EnvironmentStore
from tourism.config import TourismSettings
from tourism.environment import EnvironmentProcessor
from tourism.grpc_api import TourismApi
from tourism.topics import CONSUMES, ENV_STATUS

NAME = "tourism"
SERVICE = tourism_pb2.DESCRIPTOR.services_by_name["TourismService"].full_name


async def serve(settings: TourismSettings, stop: asyncio.Event | None = None) -> None:
    """Run the service until a signal (or ``stop``)."""
    runtime = ServiceRuntime(NAME, settings)
    runtime.declare_topics(ENV_STATUS)
    store = EnvironmentStore(make_redis(settings.redis_url))
    runtime.add_consumer(CONSUMES, EnvironmentProcessor(store, runtime.producer,
                                                        settings.sensor_stale_s).handle)
    await runtime.run(registrar(tourism_pb2_grpc.add_TourismServiceServicer_to_server,
                                TourismApi(store), SERVICE), stop)


def main() -> None:
    """Console entry point: ``python -m tourism``."""
    asyncio.run(serve(load_settings(TourismSettings)))
