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
from zezhou5g.platform.redis import make_redis
from zezhou5g.platform.runtime import ServiceRuntime, registrar
from zezhou5g.platform.settings import load_settings

from medical.adapters.outbox import OutboxRelay
from medical.adapters.records import Records
from medical.adapters.state import PatientState
from medical.alerting import AlertDesk
from medical.ambulance import AmbulanceTracker
from medical.config import MedicalSettings
from medical.domain.alerts import EscalationPolicy
from medical.grpc_api import MedicalApi
from medical.records_writer import RecordsWriter
from medical.topics import AMBULANCE, CONSUMES, PRODUCES, RECORDS, VITALS
from medical.vitals import VitalsProcessor

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


async def _escalate_forever(desk: AlertDesk, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            await asyncio.to_thread(desk.escalate)
        except Exception:  # noqa: BLE001 - Redis away: try again next second
            log.exception("escalation round failed")
        try:
            await asyncio.wait_for(stop.wait(), timeout=1.0)
        except TimeoutError:
            pass


async def serve(settings: MedicalSettings, stop: asyncio.Event | None = None) -> None:
    """Run the service until a signal (or ``stop``)."""
    stop = stop or asyncio.Event()
    runtime = ServiceRuntime(NAME, settings)
    runtime.declare_topics(*PRODUCES)
    await asyncio.to_thread(migrate, settings.database_url, MIGRATIONS)
    engine = make_engine(settings.database_url)
    records = Records(engine)
    teams, patients = load_cohort(settings.medical_cohort)
    await asyncio.to_thread(records.load_cohort, teams, patients)
    state = PatientState(make_redis(settings.redis_url))
    await asyncio.to_thread(state.register, await asyncio.to_thread(records.patients))
    relay = OutboxRelay(state.client, runtime.producer, PRODUCES)
    policy = EscalationPolicy((settings.medical_escalate_team_s,
                               settings.medical_escalate_senior_s),
                              resolve_hold_s=settings.medical_resolve_hold_s)
    processor = VitalsProcessor(state, relay, policy, settings.medical_trend_every_s,
                                settings.medical_trend_keep)
    ambulances = AmbulanceTracker(state.client, relay)
    desk = AlertDesk(state, relay, policy)
    runtime.add_batch_consumer({VITALS: CONSUMES[VITALS]}, processor.handle_batch, NAME)
    runtime.add_consumer({AMBULANCE: CONSUMES[AMBULANCE]}, ambulances.handle,
                         group_id=f"{NAME}-ambulance")
    if settings.medical_records:
        writer = RecordsWriter(records)
        runtime.add_batch_consumer(RECORDS, writer.handle_batch, f"{NAME}-records")
        cutoff = datetime.now(UTC) - timedelta(days=settings.medical_retention_days)
        purged = await asyncio.to_thread(records.purge_observations, cutoff)
        log.info("records ready", extra=log_fields(purged_observations=purged))
    await asyncio.to_thread(relay.start)
    runtime.on_shutdown(relay.stop)
    escalation = asyncio.create_task(_escalate_forever(desk, stop))
    api = MedicalApi(state, records, desk, ambulances)
    runtime.on_refusal(api.audit_refusal)
    try:
        await runtime.run(registrar(medical_pb2_grpc.add_MedicalServiceServicer_to_server, api,
                                    SERVICE), stop)
    finally:
        stop.set()
        await escalation
        engine.dispose()


def main() -> None:
    """Console entry point: ``python -m medical``."""
    asyncio.run(serve(load_settings(MedicalSettings)))
