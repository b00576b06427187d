"""Wires the agri service: stores, outboxes, use cases, the consumer, loops and the gRPC API."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from pathlib import Path

from zezhou5g.agri.v1 import agri_pb2, agri_pb2_grpc
from zezhou5g.platform.db import make_engine, migrate
from zezhou5g.platform.events import ConsumedEvent
from zezhou5g.platform.kafka import RejectEvent, ensure_topics
from zezhou5g.platform.outbox import RedisOutbox, SqlOutbox
from zezhou5g.platform.redis import make_redis
from zezhou5g.platform.runtime import ServiceRuntime, registrar
from zezhou5g.platform.settings import load_settings

from agri.adapters.alarm_store import AlarmStore
from agri.adapters.db import writer_engine
from agri.adapters.dispatch_store import DispatchStore
from agri.adapters.field_state import FieldState
from agri.adapters.history_store import HistoryStore
from agri.adapters.records_queue import RecordsQueue
from agri.adapters.tables import OUTBOX_TABLES
from agri.adapters.trace_store import TraceStore, seed_demo
from agri.app.alarms import Alarms
from agri.app.dispatch import Dispatch
from agri.app.records import RecordsRelay
from agri.app.telemetry import Telemetry
from agri.app.views import Views
from agri.config import AgriSettings
from agri.domain import farm as farmlib
from agri.domain import rules as ruleslib
from agri.grpc_api import AgriApi
from agri.topics import ALARMS, CONSUMES, FIELD_STATUS, MACHINE_POSITIONS, ORDERS, PRODUCES

NAME = "agri"
SERVICE = agri_pb2.DESCRIPTOR.services_by_name["AgriService"].full_name
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
PRODUCED = {FIELD_STATUS: agri_pb2.FieldStatus, ALARMS: agri_pb2.Alarm,
            ORDERS: agri_pb2.WorkOrder}
HOUSEKEEPING_S = 3600.0


async def serve(settings: AgriSettings, stop: asyncio.Event | None = None) -> None:
    """Run the service until a signal (or ``stop``)."""
    farm = farmlib.load(settings.agri_farm_file)
    rules = ruleslib.load(settings.agri_rules_file)
    await asyncio.to_thread(migrate, settings.database_url, MIGRATIONS)
    engine = make_engine(settings.database_url)
    writer = writer_engine(settings.database_url)
    client = make_redis(settings.redis_url)
    runtime = ServiceRuntime(NAME, settings)
    runtime.declare_topics(*PRODUCES)
    producer = runtime.producer
    redis_outbox = RedisOutbox(client, producer, NAME, PRODUCED)
    sql_outbox = SqlOutbox(writer, OUTBOX_TABLES, producer, NAME, PRODUCED)

    state = FieldState(client)
    alarm_store = AlarmStore(engine, lambda t: rules.timing_of(t).repeat_every_s)
    queue = RecordsQueue(client)
    history = HistoryStore(engine, writer)
    trace = TraceStore(engine)
    dispatch_store = DispatchStore(engine)
    dispatch = Dispatch(sql_outbox, dispatch_store, farm)
    records = RecordsRelay(queue, sql_outbox, alarm_store, history, dispatch)
    alarms = Alarms(redis_outbox, sql_outbox, alarm_store, state, queue, records, farm, rules)
    telemetry = Telemetry(redis_outbox, state, alarm_store, queue, farm, rules,
                          settings.agri_max_skew_s, settings.agri_backlog_s)
    views = Views(farm, state, alarm_store, dispatch_store, history, trace, records)
    await asyncio.to_thread(seed_demo, trace)

    def handle(event: ConsumedEvent) -> None:
        rejects = handle_batch([event])
        if rejects:
            raise RejectEvent(rejects[0])

    def handle_batch(events: Sequence[ConsumedEvent]) -> dict[int, str]:
        fixes = [i for i, e in enumerate(events) if e.topic == MACHINE_POSITIONS]
        readings = [i for i, e in enumerate(events) if e.topic != MACHINE_POSITIONS]
        rejects = {fixes[j]: r for j, r in dispatch.on_positions(
            [events[i] for i in fixes]).items()}
        rejects |= {readings[j]: r for j, r in telemetry.handle_batch(
            [events[i] for i in readings]).items()}
        return rejects

    # A batch that fails as a whole goes record by record (retried, then dead-lettered).
    runtime.add_batch_consumer(CONSUMES, handle_batch, NAME, per_record=handle)
    tick = settings.agri_tick_s
    runtime.every(tick, lambda: alarms.silent_devices(time.time(), runtime.behind_s()),
                  "silent-devices")
    runtime.every(tick, lambda: alarms.repeat_critical(time.time()), "repeat-critical")
    runtime.every(tick, dispatch.silent_machines, "silent-machines")
    runtime.every(tick, records.catch_up, "records")
    runtime.every(HOUSEKEEPING_S, records.housekeeping, "housekeeping")
    # What a previous run left staged goes out first; its topics must exist for that.
    await asyncio.to_thread(ensure_topics, settings.kafka_bootstrap, sorted(PRODUCES))
    await asyncio.to_thread(redis_outbox.start)
    await asyncio.to_thread(sql_outbox.start)
    # Alarms raised before the set of alarmed originators and the repeat index existed (both
    # are kept in step from then on).
    await asyncio.to_thread(AlarmStore.index_alarmed, client)
    await asyncio.to_thread(alarms.index_repeats)
    runtime.on_shutdown(redis_outbox.stop)
    runtime.on_shutdown(sql_outbox.stop)
    api = AgriApi(farm, views, alarms, dispatch)
    try:
        await runtime.run(registrar(agri_pb2_grpc.add_AgriServiceServicer_to_server, api,
                                    SERVICE), stop)
    finally:
        engine.dispose()
        writer.dispose()


def main() -> None:
    """Console entry point: ``python -m agri``."""
    asyncio.run(serve(load_settings(AgriSettings)))
