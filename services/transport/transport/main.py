"""Wires the transport service: Kafka consumers, Redis, SQL, models, gRPC API."""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
from datetime import timedelta
from pathlib import Path

from zezhou5g.platform.db import make_engine, migrate
from zezhou5g.platform.logging import log_fields
from zezhou5g.platform.redis import make_redis
from zezhou5g.platform.runtime import ServiceRuntime, registrar
from zezhou5g.platform.settings import load_settings
from zezhou5g.transport.v1 import transport_pb2, transport_pb2_grpc

from transport.adapters.crypto import FaceCipher
from transport.adapters.ownership import OwnershipStore
from transport.adapters.sms import OutboxSms
from transport.adapters.sql import Repository
from transport.adapters.state import State
from transport.adapters.vision import FacePipeline
from transport.config import TransportSettings
from transport.enrol import Enrolment
from transport.gate import Gates
from transport.gates import GateProcessor
from transport.grpc_api import TransportApi
from transport.lanes import ManualLane, Payments
from transport.node import GalleryNode
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


def _purge_loop(enrolment: Enrolment, every_s: float, stop: threading.Event) -> None:
    while not stop.wait(every_s):
        try:
            n = enrolment.purge_expired()
            if n:
                log.info("purged expired face data", extra=log_fields(count=n))
        except Exception:  # noqa: BLE001 - keep purging on the next round
            log.exception("purge failed")


async def serve(settings: TransportSettings, stop: asyncio.Event | None = None) -> None:
    """Run the service until a signal (or ``stop``)."""
    runtime = ServiceRuntime(NAME, settings)
    runtime.declare_topics(*PRODUCES)
    await asyncio.to_thread(migrate, settings.database_url, MIGRATIONS)
    repo = Repository(make_engine(settings.database_url))
    client = make_redis(settings.redis_url)
    state = State(client)
    cipher = FaceCipher(face_key(settings))
    pipeline = FacePipeline()
    node = GalleryNode(settings.node_name(), repo, state, cipher)
    loaded = await asyncio.to_thread(node.load_all)
    log.info("gallery loaded", extra=log_fields(faces=loaded, node=node.name))
    producer = runtime.producer
    # The demo's SMS gateway is an outbox station-ops read (adapters/sms.py).
    enrolment = Enrolment(repo, state, cipher, pipeline, producer, node,
                          timedelta(hours=settings.transport_retention_h),
                          OwnershipStore(repo.engine), OutboxSms(repo.engine))
    gates = Gates(repo, state, pipeline, producer, node, settings.gates(), settings.policies(),
                  settings.challenges(), settings.transport_challenge_timeout_s)
    manual = ManualLane(repo, state, cipher, gates, producer)
    payments = Payments(repo, state, producer)
    heartbeat = GateProcessor(client, producer)
    runtime.add_consumer(CONSUMES, heartbeat.handle)
    runtime.add_consumer(ENROLMENT_EVENTS, node.handle, group_id=f"transport-gallery-{node.name}")
    runtime.add_consumer(DECISION_EVENTS, payments.handle, group_id="transport-payments")
    threading.Thread(target=pipeline.warm_up, name="models-warm-up", daemon=True).start()
    stop_purge = threading.Event()
    purger = threading.Thread(target=_purge_loop, name="purge", daemon=True,
                              args=(enrolment, settings.transport_purge_interval_s, stop_purge))
    purger.start()
    api = TransportApi(heartbeat.gates, enrolment, gates, manual, payments, node)
    try:
        await runtime.run(registrar(transport_pb2_grpc.add_TransportServiceServicer_to_server,
                                    api, SERVICE), stop)
    finally:
        stop_purge.set()


def main() -> None:
    """Console entry point: ``python -m transport``."""
    asyncio.run(serve(load_settings(TransportSettings)))
