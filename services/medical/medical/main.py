"""Wires the medical service: Kafka consumer, Redis, gRPC API."""

from __future__ import annotations

import asyncio

from zezhou5g.medical.v1 import medical_pb2, medical_pb2_grpc
from zezhou5g.platform.redis import make_redis
from zezhou5g.platform.runtime import ServiceRuntime, registrar
from zezhou5g.platform.settings import load_settings

from medical.config import MedicalSettings
from medical.grpc_api import MedicalApi
from medical.topics import CONSUMES, PATIENT_STATUS
from medical.vitals import VitalsProcessor

NAME = "medical"
SERVICE = medical_pb2.DESCRIPTOR.services_by_name["MedicalService"].full_name


async def serve(settings: MedicalSettings, stop: asyncio.Event | None = None) -> None:
    """Run the service until a signal (or ``stop``)."""
    runtime = ServiceRuntime(NAME, settings)
    runtime.declare_topics(PATIENT_STATUS)
    processor = VitalsProcessor(make_redis(settings.redis_url), runtime.producer)
    runtime.add_consumer(CONSUMES, processor.handle)
    api = MedicalApi(processor.patients)
    await runtime.run(registrar(medical_pb2_grpc.add_MedicalServiceServicer_to_server, api,
                                SERVICE), stop)


def main() -> None:
    """Console entry point: ``python -m medical``."""
    asyncio.run(serve(load_settings(MedicalSettings)))
