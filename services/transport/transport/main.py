"""Wires the transport service: stores, outboxes, use cases, Kafka consumers, gRPC API."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import signal
import threading
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from zezhou5g import contracts
from zezhou5g.platform.db import make_engine, migrate
from zezhou5g.platform.logging import log_fields
from zezhou5g.platform.outbox import SEEN_TTL_S, Outbox, RedisOutbox, SqlOutbox, Staged
from zezhou5g.platform.redis import make_redis
from zezhou5g.platform.runtime import ServiceRuntime, registrar
from zezhou5g.platform.settings import load_settings
from zezhou5g.transport.v1 import transport_pb2, transport_pb2_grpc

from transport.adapters.crypto import FaceCipher
from transport.adapters.ownership import OwnershipStore
from transport.adapters.sms import OutboxSms
from transport.adapters.sql import Repository
from transport.adapters.state import FaceCache, FigureStore, GateStore, PassageStore
from transport.adapters.tables import OUTBOX_TABLES
from transport.adapters.vision import FacePipeline
from transport.app.decisions import DecisionLog, FaceLane
from transport.app.enrolment import Enrolment
from transport.app.figures import Figures
from transport.app.gallery import GalleryNode
from transport.app.heartbeats import Heartbeats
from transport.app.manual import ManualLane
from transport.app.payments import Payments
from transport.config import TransportSettings
from transport.grpc_api import TransportApi
from transport.topics import CONSUMES, DECISION_EVENTS, ENROLMENT_EVENTS, PRODUCES

NAME = "transport"
SERVICE = transport_pb2.DESCRIPTOR.services_by_name["TransportService"].full_name
MIGRATIONS = Path(__file__).parent / "migrations"

log = logging.getLogger(__name__)


def face_key(settings: TransportSettings) -> str:
    """The configured template key, or (dev only) a random one for this process."""
    if settings.transport_face_key is not None:
        return settings.transport_face_key.get_secret_value()
    log.warning("Z5G_TRANSPORT_FACE_KEY not set: using a random key for this process; "
                "enrolled faces will not survive a restart")
    return secrets.token_urlsafe(48)


def crash_before_publish(outbox: Outbox, topic: str) -> None:
    """Test hook: SIGKILL this process once a unit staging an event on ``topic`` committed.

    The kill comes after the commit and before the relay hands the event to the broker, the
    window a crash leaves a decision recorded but unpublished (dev only, see config.py).
    """
    send = outbox.send

    def send_or_die(staged: Iterable[Staged]) -> None:
        staged = list(staged)
        if any(s.topic == topic for s in staged):
            log.warning("crash_before_publish: killing the process after the commit",
                        extra=log_fields(topic=topic))
            os.kill(os.getpid(), signal.SIGKILL)
        send(staged)

    outbox.send = send_or_die  # type: ignore[method-assign]


async def serve(settings: TransportSettings, stop: asyncio.Event | None = None) -> None:
    """Run the service until a signal (or ``stop``)."""
    runtime = ServiceRuntime(NAME, settings)
    runtime.declare_topics(*PRODUCES)
    await asyncio.to_thread(migrate, settings.database_url, MIGRATIONS)
    engine = make_engine(settings.database_url)
    client = make_redis(settings.redis_url)
    classes = {t: contracts.get(t).message for t in PRODUCES}
    sql_outbox = SqlOutbox(engine, OUTBOX_TABLES, runtime.producer, NAME, classes)
    redis_outbox = RedisOutbox(client, runtime.producer, NAME, classes)
    if settings.transport_crash_before_publish:
        crash_before_publish(sql_outbox, settings.transport_crash_before_publish)

    repo = Repository(engine)
    own = OwnershipStore(engine)
    faces = FaceCache(client)
    cipher = FaceCipher(face_key(settings))
    pipeline = FacePipeline()
    node = GalleryNode(settings.node_name(), repo, faces, redis_outbox, cipher)
    loaded = await asyncio.to_thread(node.load_all)
    log.info("gallery loaded", extra=log_fields(faces=loaded, node=node.name))
    decisions = DecisionLog(sql_outbox, repo)
    gates = settings.gates()
    face = FaceLane(decisions, repo, PassageStore(client), redis_outbox, pipeline, node, gates,
                    settings.policies(), settings.challenges(),
                    settings.transport_challenge_timeout_s)
    manual = ManualLane(sql_outbox, repo, own, cipher, decisions, gates)
    payments = Payments(sql_outbox, repo)
    figures = Figures(redis_outbox, FigureStore(client), repo, node)
    heartbeats = Heartbeats(redis_outbox, GateStore(client))
    # The demo's SMS gateway is an outbox station-ops read (adapters/sms.py).
    enrolment = Enrolment(sql_outbox, redis_outbox, repo, own, faces, cipher, pipeline, node,
                          timedelta(hours=settings.transport_retention_h),
                          OutboxSms(engine))

    # What a previous run committed and did not get to publish goes out first.
    await asyncio.to_thread(sql_outbox.start)
    await asyncio.to_thread(redis_outbox.start)
    runtime.on_shutdown(sql_outbox.stop)
    runtime.on_shutdown(redis_outbox.stop)
    runtime.add_consumer(CONSUMES, heartbeats.handle)
    runtime.add_consumer(ENROLMENT_EVENTS, node.handle, group_id=f"transport-gallery-{node.name}")
    runtime.add_consumer(DECISION_EVENTS, payments.handle, group_id="transport-payments")
    runtime.add_consumer(DECISION_EVENTS, figures.handle, group_id="transport-figures")
    runtime.every(settings.transport_purge_interval_s, enrolment.purge_expired, "purge")
    runtime.every(3600, lambda: sql_outbox.forget_consumed_before(
        datetime.now(UTC) - timedelta(seconds=SEEN_TTL_S)), "forget-consumed")
    if settings.transport_warm_up:
        threading.Thread(target=pipeline.warm_up, name="models-warm-up", daemon=True).start()
    api = TransportApi(heartbeats, enrolment, face, manual, payments, figures, node)
    await runtime.run(registrar(transport_pb2_grpc.add_TransportServiceServicer_to_server,
                                api, SERVICE), stop)


def main() -> None:
    """Console entry point: ``python -m transport``."""
    asyncio.run(serve(load_settings(TransportSettings)))
