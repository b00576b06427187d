"""Wires the agri service: Kafka consumer, Redis, gRPC API."""

from __future__ import annotations

import asyncio

from zezhou5g.agri.v1 import agri_pb2, agri_pb2_grpc
from zezhou5g.platform.redis import make_redis
from zezhou5g.platform.runtime import ServiceRuntime, registrar
from zezhou5g.platform.settings import load_settings

from agri.config import AgriSettings
from agri.grpc_api import AgriApi
from agri.telemetry import TelemetryProcessor
from agri.topics import CONSUMES, FIELD_STATUS

NAME = "agri"
SERVICE = agri_pb2.DESCRIPTOR.services_by_name["AgriService"].full_name


async def serve(settings: AgriSettings, stop: asyncio.Event | None = None) -> None:
    """Run the service until a signal (or ``stop``)."""
    runtime = ServiceRuntime(NAME, settings)
    runtime.declare_topics(FIELD_STATUS)
    processor = TelemetryProcessor(make_redis(settings.redis_url), runtime.producer)
    runtime.add_consumer(CONSUMES, processor.handle)
    await runtime.run(registrar(agri_pb2_grpc.add_AgriServiceServicer_to_server,
                                AgriApi(processor.fields), SERVICE), stop)


def main() -> None:
    """Console entry point: ``python -m agri``."""
    asyncio.run(serve(load_settings(AgriSettings)))
