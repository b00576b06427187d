"""Wires the tourism service: environment consumer, cameras and detector, Redis, gRPC API."""

from __future__ import annotations

import asyncio
import contextlib

from zezhou5g.platform.kafka import ensure_topics
from zezhou5g.platform.redis import make_redis
from zezhou5g.platform.runtime import ServiceRuntime, registrar
from zezhou5g.platform.settings import load_settings
from zezhou5g.tourism.v1 import tourism_pb2, tourism_pb2_grpc

from tourism.adapters.density import DensityCounts
from tourism.adapters.environment_store import EnvironmentStore
from tourism.adapters.flow_store import FlowStore
from tourism.areas import AreaConfigError, load_areas
from tourism.config import TourismSettings
from tourism.environment import EnvironmentProcessor
from tourism.flow import FlowPipeline
from tourism.grpc_api import TourismApi
from tourism.topics import CONSUMES, PRODUCES

NAME = "tourism"
SERVICE = tourism_pb2.DESCRIPTOR.services_by_name["TourismService"].full_name


async def serve(settings: TourismSettings, stop: asyncio.Event | None = None) -> None:
    """Run the service until a signal (or ``stop``).

    Raises:
        AreaConfigError: the area file is invalid (every problem listed).
    """
    config = load_areas(settings.areas_file)
    runtime = ServiceRuntime(NAME, settings)
    runtime.declare_topics(*PRODUCES)
    client = make_redis(settings.redis_url)
    store = EnvironmentStore(client)
    flow_store = FlowStore(client)
    runtime.add_consumer(CONSUMES, EnvironmentProcessor(store, runtime.producer,
                                                        settings.sensor_stale_s).handle)
    pipeline = FlowPipeline(config, flow_store, runtime.producer, backend=settings.detector,
                            batch=settings.inference_batch, stale_after_s=settings.camera_stale_s,
                            area_interval_s=settings.area_flow_interval_s,
                            make_density=(lambda: DensityCounts(settings.density_interval_s))
                            if settings.density_enabled else None)
    api = TourismApi(store, flow_store, config, pipeline, settings.vision_enabled)
    stop = stop or asyncio.Event()
    if settings.vision_enabled:
        # The flow topics must exist before the first frame is published.
        await asyncio.to_thread(ensure_topics, settings.kafka_bootstrap, PRODUCES)
        pipeline.start()

    async def stop_pipeline() -> None:
        await stop.wait()
        await asyncio.to_thread(pipeline.stop)

    stopper = asyncio.create_task(stop_pipeline())
    try:
        await runtime.run(registrar(tourism_pb2_grpc.add_TourismServiceServicer_to_server,
                                    api, SERVICE), stop)
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await stopper


def main() -> None:
    """Console entry point: ``python -m tourism``."""
    settings = load_settings(TourismSettings)
    try:
        asyncio.run(serve(settings))
    except AreaConfigError as exc:
        raise SystemExit(str(exc)) from None
