"""Wires the tourism service: environment consumer, cameras and detector, Redis, outbox, gRPC."""

from __future__ import annotations

import asyncio
import os
import socket

from zezhou5g import contracts
from zezhou5g.platform.kafka import ensure_topics
from zezhou5g.platform.outbox import RedisOutbox
from zezhou5g.platform.redis import make_redis
from zezhou5g.platform.runtime import ServiceRuntime, registrar
from zezhou5g.platform.settings import load_settings
from zezhou5g.tourism.v1 import tourism_pb2, tourism_pb2_grpc

from tourism.adapters.camera_board import CameraBoard
from tourism.adapters.camera_slots import CameraSlots
from tourism.adapters.density import DensityCounts
from tourism.adapters.environment_store import EnvironmentStore
from tourism.adapters.flow_store import FlowStore
from tourism.app.alerts import Alerts
from tourism.app.cameras import Cameras
from tourism.app.environment import EnvironmentReadings
from tourism.app.flow import FlowPipeline
from tourism.app.forecasts import SpotForecasts
from tourism.app.zones import Zones
from tourism.areas import AreaConfigError, load_areas
from tourism.config import TourismSettings
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
    outbox = RedisOutbox(client, runtime.producer, NAME,
                         {t: contracts.get(t).message for t in PRODUCES})
    env_store, flow_store = EnvironmentStore(client), FlowStore(client)
    board = CameraBoard(make_redis(settings.redis_url, decode_responses=False))
    worker = f"{socket.gethostname()}-{os.getpid()}"
    environment = EnvironmentReadings(env_store, outbox, settings.sensor_stale_s)
    pipeline = FlowPipeline(config, flow_store, outbox, backend=settings.detector,
                            batch=settings.inference_batch, stale_after_s=settings.camera_stale_s,
                            area_interval_s=settings.area_flow_interval_s,
                            make_density=(lambda: DensityCounts(settings.density_interval_s))
                            if settings.density_enabled else None,
                            board=board, worker=worker)
    slots = CameraSlots(settings.kafka_bootstrap, settings.camera_group, config.cameras,
                        settings.camera_slots, pipeline.assign, settings.camera_capacity,
                        worker) if settings.camera_assignment == "group" else None
    api = TourismApi(environment, Zones(config, flow_store),
                     Cameras(config, board, settings.vision_enabled),
                     Alerts(flow_store, outbox), SpotForecasts(config, flow_store))
    runtime.add_consumer(CONSUMES, environment.handle)
    # The flow topics must exist before the relay or the first frame publishes to them.
    await asyncio.to_thread(ensure_topics, settings.kafka_bootstrap, PRODUCES)
    # What a crash left staged goes out first, with the ids it was stored under.
    await asyncio.to_thread(outbox.start)
    if settings.vision_enabled:
        await asyncio.to_thread(pipeline.start, slots is None)
        if slots is not None:
            await asyncio.to_thread(slots.start)
            # Leave the group first, so the cameras move at once, not after the session timeout.
            runtime.on_shutdown(slots.stop)
        runtime.every(2.0, pipeline.check, "camera-flow")
        runtime.every(1.0, lambda: pipeline.post_views(settings.vision_enabled), "camera-views")
    # After the consumers: the pipeline's last frames, then the relay's last acknowledgements.
    runtime.on_shutdown(pipeline.stop)
    runtime.on_shutdown(outbox.stop)
    try:
        await runtime.run(registrar(tourism_pb2_grpc.add_TourismServiceServicer_to_server,
                                    api, SERVICE), stop)
    except BaseException:
        if slots is not None:
            await asyncio.to_thread(slots.stop)
        await asyncio.to_thread(pipeline.stop)   # the cameras' threads must not outlive us
        raise


def main() -> None:
    """Console entry point: ``python -m tourism``."""
    settings = load_settings(TourismSettings)
    try:
        asyncio.run(serve(settings))
    except AreaConfigError as exc:
        raise SystemExit(str(exc)) from None
