"""Sets from ward hubs (``medical.vitals.batches``) and bounded status events, on the real
Redis and broker: a hub's record is decided set by set, as if each set had come alone."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from kafka import KafkaConsumer, TopicPartition
from medical.adapters.patient_store import PatientStore
from medical.app.vitals import VitalsIntake, status_event_id
from medical.topics import PATIENT_STATUS, VITALS_BATCHES
from zezhou5g.medical.v1 import medical_pb2
from zezhou5g.platform.events import ConsumedEvent
from zezhou5g.platform.kafka import RejectEvent
from zezhou5g.platform.outbox import derived_id

WELL = dict(resp_rate_per_min=16, spo2_pct=97, on_oxygen=False, systolic_mmhg=120,
            heart_rate_bpm=75, temperature_c=37.0, consciousness=medical_pb2.CONSCIOUSNESS_ALERT)
SICK = dict(WELL, resp_rate_per_min=26, spo2_pct=91, systolic_mmhg=95, heart_rate_bpm=125,
            temperature_c=39.2)


@pytest.fixture
def ward(parts) -> list[str]:
    """Three patients of one care team, with ids no other test uses."""
    run = uuid.uuid4().hex[:6]
    patients = [f"p-hub-{run}-{i}" for i in range(3)]
    parts.store.register([medical_pb2.Patient(patient_id=p, care_team="team-h")
                          for p in patients])
    return patients


def _set(pid: str, seq: int, at: datetime, **values: object) -> medical_pb2.VitalSigns:
    v = medical_pb2.VitalSigns(patient_id=pid, device_id=f"mon-{pid}", seq=seq,
                               **(values or WELL))
    v.meta.event_time.FromDatetime(at)
    return v


def _batch(event_id: str, sets: list[medical_pb2.VitalSigns]) -> ConsumedEvent:
    batch = medical_pb2.VitalSignsBatch(hub_id="hub-h", sets=sets)
    batch.meta.event_id = event_id
    return ConsumedEvent(VITALS_BATCHES, 0, 0, "hub-h", batch, event_id, None, 0)


def _statuses(parts, patients: list[str]) -> list[medical_pb2.PatientVitals]:
    """The status events of ``patients`` on the broker, once the outbox has sent them all."""
    deadline = time.monotonic() + 10
    while parts.outbox.pending() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert parts.producer.flush(20)
    consumer = KafkaConsumer(bootstrap_servers=parts.bootstrap,
                             consumer_timeout_ms=1000)
    tps = [TopicPartition(PATIENT_STATUS, p)
           for p in sorted(consumer.partitions_for_topic(PATIENT_STATUS) or [])]
    consumer.assign(tps)
    consumer.seek_to_beginning()
    ends = consumer.end_offsets(tps)
    out = []
    while any(consumer.position(tp) < ends[tp] for tp in tps):
        out += [medical_pb2.PatientVitals.FromString(r.value) for r in consumer
                if r.key and r.key.decode() in patients]
    consumer.close()
    return out


def test_a_hub_record_is_decided_set_by_set_and_its_redelivery_changes_nothing(parts, ward):
    t0 = datetime.now(UTC) - timedelta(seconds=30)
    sets = [_set(p, n, t0 + timedelta(seconds=n)) for n in (1, 2) for p in ward]
    sets[-1] = _set(ward[2], 2, t0 + timedelta(seconds=2), **SICK)
    record = _batch(f"hub-rec-{uuid.uuid4().hex[:6]}", sets)
    assert parts.intake.handle_batch([record]) == {}
    assert parts.intake.handle_batch([record]) == {}        # redelivered: all duplicates
    assert [parts.store.total(p) for p in ward] == [2, 2, 2]
    assert parts.store.status(ward[2]).news2.aggregate == 12
    (alert,) = [a for a in parts.store.recent_alerts() if a.patient_id == ward[2]]
    assert alert.state == medical_pb2.ALERT_STATE_RAISED

    statuses = _statuses(parts, ward)
    # One status per set, in the hub's order per patient, with ids derived from the record's.
    assert sorted(s.meta.event_id for s in statuses) == sorted(
        status_event_id(derived_id("medical.set", record.event_id, str(j)))
        for j in range(len(sets)))
    assert [s.observations_total for s in statuses if s.patient_id == ward[0]] == [1, 2]


def test_a_hub_record_with_an_invalid_set_is_returned_with_its_index_and_the_rest_applied(
        parts, ward):
    at = datetime.now(UTC)
    bad = _set(ward[1], 1, at)
    bad.ClearField("meta")                                  # no event time
    record = _batch("hub-rec-bad", [_set(ward[0], 1, at), bad, _set("p-nobody", 1, at)])
    rejects = parts.intake.handle_batch([record])
    assert set(rejects) == {0}
    assert "set 1: meta.event_time is required" in rejects[0]
    assert "set 2: patient is not registered" in rejects[0] and "p-nobody" not in rejects[0]
    assert parts.store.total(ward[0]) == 1
    with pytest.raises(RejectEvent):
        parts.intake.handle(_batch("hub-rec-empty", []))


def test_status_events_are_sent_on_change_or_every_status_every_s(parts, ward):
    intake = VitalsIntake(parts.store, parts.outbox, parts.policy, status_every_s=5)
    t0 = datetime.now(UTC) - timedelta(seconds=60)
    pid = ward[0]
    # 1 Hz for 12 s, well except septic at seconds 7 and 8. Statuses are sent at 0 (the
    # first), 5 (5 s since), 7 (NEWS2 changed, alert raised) and 9 (changed back); not at 8
    # (same score, no transition) nor 10-11 (same as 9, within 5 s).
    for n in range(12):
        values = SICK if n in (7, 8) else WELL
        intake.handle_batch([_batch(f"hub-p-{pid}-{n}",
                                    [_set(pid, n + 1, t0 + timedelta(seconds=n), **values)])])
    sent = [s.latest.seq - 1 for s in _statuses(parts, [pid])]
    assert sent == [0, 5, 7, 9]
    # The stored status is the last one sent; the state counts every set.
    assert parts.store.status(pid).latest.seq == 10
    assert parts.store.total(pid) == 12


def test_a_patient_stored_by_the_version_before_the_compact_state_keeps_count_and_order(
        parts, ward, redis_client):
    pid, at = ward[0], datetime.now(UTC) - timedelta(seconds=10)
    at_us = int(at.timestamp() * 1e6)
    # What that version wrote: parameter values as JSON, the count, the device's last set.
    redis_client.hset(f"medical:obs:{pid}", mapping={
        "heart_rate_bpm": f'{{"v": 125.0, "t": "{at.isoformat()}"}}'})
    redis_client.set(f"medical:total:{pid}", 41)
    redis_client.hset(f"medical:device:mon-{pid}", mapping={"at_us": at_us, "seq": 41})
    old = _set(pid, 41, at)
    old.meta.event_time.FromMicroseconds(at_us)
    parts.intake.handle_batch([_batch("hub-up-1", [old])])            # a resend: dropped
    assert parts.store.total(pid) == 41
    parts.intake.handle_batch([_batch("hub-up-2", [_set(pid, 42, at + timedelta(seconds=1),
                                                         heart_rate_bpm=80)])])
    assert parts.store.total(pid) == 42
    assert parts.store.status(pid).latest.heart_rate_bpm == 80


def test_a_process_reuses_its_own_last_decision_only_while_nobody_else_wrote(parts, ward):
    # Two service processes (their own stores) decide sets of one patient in turn, as during
    # a rebalance: each must see the other's sets, whatever it remembers of its own.
    other = VitalsIntake(PatientStore(parts.store.client), parts.outbox, parts.policy)
    pid, t0 = ward[0], datetime.now(UTC) - timedelta(seconds=20)
    for n, intake in enumerate((parts.intake, other, parts.intake, parts.intake, other), 1):
        intake.handle_batch([_batch(f"hub-two-{pid}-{n}",
                                    [_set(pid, n, t0 + timedelta(seconds=n))])])
    assert parts.store.total(pid) == 5
    # A resend of set 4 reaching the first process again is a duplicate, not a sixth set.
    parts.intake.handle_batch([_batch(f"hub-two-{pid}-4", [_set(pid, 4, t0 + timedelta(
        seconds=4))])])
    assert parts.store.total(pid) == 5
