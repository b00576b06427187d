"""Wires the agri service: Kafka consumer, Redis, SQL, rules, dispatch, gRPC API."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from zezhou5g.agri.v1 import agri_pb2, agri_pb2_grpc
from zezhou5g.platform.db import make_engine, migrate
from zezhou5g.platform.events import ConsumedEvent
from zezhou5g.platform.kafka import ensure_topics
from zezhou5g.platform.redis import make_redis
from zezhou5g.platform.runtime import ServiceRuntime, registrar
from zezhou5g.platform.settings import load_settings

from agri.adapters.alarm_store import AlarmStore
from agri.adapters.dispatch_store import Dispatcher
from agri.adapters.history_store import HistoryStore
from agri.adapters.trace_store import TraceStore, seed_demo
from agri.config import AgriSettings
from agri.domain import farm as farmlib
from agri.domain import rules as ruleslib
from agri.grpc_api import AgriApi
from agri.telemetry import TelemetryProcessor
from agri.ticker import Ticker
from agri.topics import CONSUMES, MACHINE_POSITIONS, PRODUCES

NAME = "agri"
SERVICE = agri_pb2.DESCRIPTOR.services_by_name["AgriService"].full_name
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


async def serve(settings: AgriSettings, stop: asyncio.Event | None = None) -> None:
    """Run the service until a signal (or ``stop``)."""
    farm = farmlib.load(settings.agri_farm_file)
    rules = ruleslib.load(settings.agri_rules_file)
    await asyncio.to_thread(migrate, settings.database_url, MIGRATIONS)
    engine = make_engine(settings.database_url)
    client = make_redis(settings.redis_url)
    runtime = ServiceRuntime(NAME, settings)
    runtime.declare_topics(*PRODUCES)
    # The runtime stops the consumer, then the gRPC server, then the ticker (on_shutdown), and
    # closes this producer last.
    producer = runtime.producer
    alarms = AlarmStore(client, engine, producer)
    dispatcher = Dispatcher(client, engine, producer, farm)
    alarms.listeners.append(dispatcher.on_alarm)
    history = HistoryStore(engine)
    trace = TraceStore(engine)
    await asyncio.to_thread(seed_demo, trace)
    processor = TelemetryProcessor(client, producer, farm, rules, alarms, history,
                                   settings.agri_max_skew_s, settings.agri_backlog_s)

    def handle(event: ConsumedEvent) -> None:
        if event.topic == MACHINE_POSITIONS:
            dispatcher.on_position(event.message)  # type: ignore[arg-type]
        else:
            processor.handle(event)

    def handle_batch(events: Sequence[ConsumedEvent]) -> dict[int, str]:
        readings = [i for i, e in enumerate(events) if e.topic != MACHINE_POSITIONS]
        for e in events:
            if e.topic == MACHINE_POSITIONS:
                dispatcher.on_position(e.message)  # type: ignore[arg-type]
        rejects = processor.handle_batch([events[i] for i in readings])
        return {readings[j]: reason for j, reason in rejects.items()}

    # A batch that fails as a whole goes record by record (retried, then dead-lettered).
    runtime.add_batch_consumer(CONSUMES, handle_batch, NAME, per_record=handle)
    # The ticker publishes silence alarms at once: its topics must exist before it starts.
    await asyncio.to_thread(ensure_topics, settings.kafka_bootstrap, sorted(PRODUCES))
    ticker = Ticker(client, farm, alarms, dispatcher, history, settings.agri_tick_s, rules)
    ticker.start()
    runtime.on_shutdown(ticker.stop)
    api = AgriApi(processor.fields, farm, alarms, dispatcher, history, trace)
    try:
        await runtime.run(registrar(agri_pb2_grpc.add_AgriServiceServicer_to_server, api,
                                    SERVICE), stop)
    finally:
        engine.dispose()


def main() -> None:
    """Console entry point: ``python -m agri``."""
    asyncio.run(serve(load_settings(AgriSettings)))
