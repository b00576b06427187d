"""Wires the medical service: Kafka consumers, Redis state, SQL records, gRPC API."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

from google.protobuf import json_format
from zezhou5g.medical.v1 import medical_pb2, medical_pb2_grpc
from zezhou5g.platform.db import make_engine, migrate
from zezhou5g.platform.logging import log_fields
from zezhou5g.platform.outbox import RedisOutbox
from zezhou5g.platform.redis import make_redis
from zezhou5g.platform.runtime import ServiceRuntime, registrar
from zezhou5g.platform.settings import load_settings

from medical.adapters.patient_store import PatientStore
from medical.adapters.records import Records
from medical.adapters.trip_store import TripStore
from medical.app.alerting import AlertDesk
from medical.app.ambulance import AmbulanceTracker
from medical.app.patients import PatientRegistry
from medical.app.records_writer import RecordsWriter
from medical.app.vitals import VitalsIntake
from medical.config import MedicalSettings
from medical.domain.alerts import EscalationPolicy
from medical.grpc_api import MedicalApi
from medical.topics import AMBULANCE, CONSUMES, PRODUCES, RECORDS, VITALS, VITALS_BATCHES

NAME = "medical"
SERVICE = medical_pb2.DESCRIPTOR.services_by_name["MedicalService"].full_name
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
log = logging.getLogger(__name__)


def load_cohort(path: Path) -> tuple[list[medical_pb2.CareTeam], list[medical_pb2.Patient]]:
    """Care teams and patients from a JSON file (``{"care_teams": [...], "patients": [...]}``)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        teams = [json_format.ParseDict(t, medical_pb2.CareTeam()) for t in data["care_teams"]]
        patients = [json_format.ParseDict(p, medical_pb2.Patient()) for p in data["patients"]]
    except (OSError, ValueError, KeyError, json_format.ParseError) as exc:
        raise SystemExit(f"cannot load the cohort file {path}: {exc}") from exc
    known = {t.team_id for t in teams}
    unknown = sorted({p.care_team for p in patients} - known)
    if unknown:
        raise SystemExit(f"cohort file {path}: patients name unknown care teams {unknown}")
    return teams, patients


async def serve(settings: MedicalSettings, stop: asyncio.Event | None = None) -> None:
    """Run the service until a signal (or ``stop``)."""
    runtime = ServiceRuntime(NAME, settings)
    runtime.declare_topics(*PRODUCES)
    await asyncio.to_thread(migrate, settings.database_url, MIGRATIONS)
    engine = make_engine(settings.database_url)
    records = Records(engine)
    teams, patients = load_cohort(settings.medical_cohort)
    await asyncio.to_thread(records.load_cohort, teams, patients)
    client = make_redis(settings.redis_url)
    store = PatientStore(client)
    await asyncio.to_thread(store.register, await asyncio.to_thread(records.patients))
    # Staged events live in the hash medical:outbox, as they did before the platform outbox.
    outbox = RedisOutbox(client, runtime.producer, NAME, PRODUCES)
    policy = EscalationPolicy((settings.medical_escalate_team_s,
                               settings.medical_escalate_senior_s),
                              resolve_hold_s=settings.medical_resolve_hold_s)
    intake = VitalsIntake(store, outbox, policy, settings.medical_trend_every_s,
                          settings.medical_trend_keep, settings.medical_status_every_s)
    ambulances = AmbulanceTracker(TripStore(client), outbox)
    desk = AlertDesk(store, outbox, policy)
    runtime.add_batch_consumer({t: CONSUMES[t] for t in (VITALS, VITALS_BATCHES)},
                               intake.handle_batch, NAME)
    runtime.add_consumer({AMBULANCE: CONSUMES[AMBULANCE]}, ambulances.handle,
                         group_id=f"{NAME}-ambulance")
    if settings.medical_records:
        writer = RecordsWriter(records)
        runtime.add_batch_consumer(RECORDS, writer.handle_batch, f"{NAME}-records")
        cutoff = datetime.now(UTC) - timedelta(days=settings.medical_retention_days)
        purged = await asyncio.to_thread(records.purge_observations, cutoff)
        log.info("records ready", extra=log_fields(purged_observations=purged))
    await asyncio.to_thread(outbox.start)
    runtime.on_shutdown(outbox.stop)
    runtime.every(1.0, desk.escalate, "escalation")
    api = MedicalApi(store, records, desk, ambulances, PatientRegistry(records, store, outbox))
    runtime.on_refusal(api.audit_refusal)
    try:
        await runtime.run(registrar(medical_pb2_grpc.add_MedicalServiceServicer_to_server, api,
                                    SERVICE), stop)
    finally:
        engine.dispose()


def main() -> None:
    """Console entry point: ``python -m medical``."""
    asyncio.run(serve(load_settings(MedicalSettings)))
