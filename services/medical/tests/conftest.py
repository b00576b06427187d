"""The medical service's parts wired to the test session's real Kafka and Redis."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from types import SimpleNamespace

import pytest
from medical.adapters.patient_store import PatientStore
from medical.app.alerting import AlertDesk
from medical.app.vitals import VitalsIntake
from medical.domain.alerts import EscalationPolicy
from medical.topics import PRODUCES
from zezhou5g.medical.v1 import medical_pb2
from zezhou5g.platform.events import ConsumedEvent
from zezhou5g.platform.kafka import EventProducer
from zezhou5g.platform.outbox import RedisOutbox

TEAMS = {"p-9": "team-a", "p-copd": "team-b", "p-r": "team-a", "p-alert": "team-a"}


@pytest.fixture
def parts(kafka, redis_client) -> Iterator[SimpleNamespace]:
    producer = EventProducer(kafka.bootstrap, "medical-test")
    store = PatientStore(redis_client)
    store.register([medical_pb2.Patient(patient_id=p, care_team=t, spo2_scale2=p == "p-copd")
                    for p, t in TEAMS.items()])
    outbox = RedisOutbox(redis_client, producer, "medical", PRODUCES)
    outbox.start()
    policy = EscalationPolicy((60.0, 60.0))
    yield SimpleNamespace(store=store, outbox=outbox, producer=producer, policy=policy,
                          bootstrap=kafka.bootstrap,
                          intake=VitalsIntake(store, outbox, policy),
                          desk=AlertDesk(store, outbox, policy))
    outbox.stop()
    producer.close()


def event(vitals: medical_pb2.VitalSigns, at: datetime, n: int) -> ConsumedEvent:
    """A consumed ``medical.vitals`` event with a fixed id (``n``) and event time."""
    vitals.meta.event_id = f"ev-{vitals.patient_id}-{n}"
    vitals.meta.event_time.FromDatetime(at)
    return ConsumedEvent("medical.vitals", 0, n, vitals.patient_id, vitals,
                         vitals.meta.event_id, None, 0)
