"""Wires the transport service: Kafka consumer, Redis, gRPC API."""

from __future__ import annotations

import asyncio

from zezhou5g.platform.redis import make_redis
from zezhou5g.platform.runtime import ServiceRuntime, registrar
from zezhou5g.platform.settings import load_settings
from zezhou5g.transport.v1 import transport_pb2, transport_pb2_grpc

from transport.config import TransportSettings
from transport.gates import GateProcessor
from transport.grpc_api import TransportApi
from transport.topics import CONSUMES, GATE_STATUS

NAME = "transport"
SERVICE = transport_pb2.DESCRIPTOR.services_by_name["TransportService"].full_name


async def serve(settings: TransportSettings, stop: asyncio.Event | None = None) -> None:
    """Run the service until a signal (or ``stop``)."""
    runtime = ServiceRuntime(NAME, settings)
    runtime.declare_topics(GATE_STATUS)
    processor = GateProcessor(make_redis(settings.redis_url), runtime.producer)
    runtime.add_consumer(CONSUMES, processor.handle)
    await runtime.run(registrar(transport_pb2_grpc.add_TransportServiceServicer_to_server,
                                TransportApi(processor.gates), SERVICE), stop)


def main() -> None:
    """Console entry point: ``python -m transport``."""
    asyncio.run(serve(load_settings(TransportSettings)))
