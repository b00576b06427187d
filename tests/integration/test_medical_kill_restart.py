"""SIGKILL the medical service mid-stream, its supervisor restarts it: every set has exactly one
outcome.

20 patients each send 65 observation sets that swing between well (NEWS2 0) and septic
(NEWS2 12) every 5 sets, ending well, so each patient must see exactly 6 alerts raised and 6
resolved. Half of them send from their own device (``medical.vitals``, one set per record), the
other half through two ward hubs (``medical.vitals.batches``, one record per hub per round).
The service runs under the project's supervisor (``localinfra.supervise``, the
``supervised`` fixture) and is SIGKILLed twice while the sets stream in. Afterwards, counted by
event id: every input set has exactly one ``PatientVitals`` status (its id derived from the set's),
none is dead-lettered, the ``medical.alerts`` topic holds exactly the expected transitions, and
the SQL records hold each set and alert once.
"""

import json
import threading
import time
import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

from kafka import KafkaConsumer, TopicPartition
from localinfra.proc import free_port
from medical.adapters.patient_store import PatientStore
from sqlalchemy import create_engine, text
from zezhou5g.medical.v1 import medical_pb2
from zezhou5g.platform.kafka import EventProducer
from zezhou5g.platform.outbox import derived_id

PATIENTS = [f"k-{i:03d}" for i in range(1, 21)]
SETS = 65
# Seconds between rounds: the sets keep coming for ~26 s, so both kills land mid-stream.
ROUND_S = 0.4
ALERTS_EACH = 6
WELL = dict(resp_rate_per_min=16, spo2_pct=97, on_oxygen=False, systolic_mmhg=120,
            heart_rate_bpm=75, temperature_c=37.0, consciousness=medical_pb2.CONSCIOUSNESS_ALERT)
SICK = dict(WELL, resp_rate_per_min=26, spo2_pct=91, systolic_mmhg=95, heart_rate_bpm=125,
            temperature_c=39.2)


# Patients from the 11th on send through two hubs of five.
HUBS = {"hub-k1": PATIENTS[10:15], "hub-k2": PATIENTS[15:20]}


def _processed(redis_client) -> int:
    store = PatientStore(redis_client)
    return sum(store.total(p) for p in PATIENTS)


def _records(kafka, topic: str) -> list:
    """Every record on ``topic`` now (its partitions read to their end, no consumer group)."""
    consumer = KafkaConsumer(bootstrap_servers=kafka.bootstrap, consumer_timeout_ms=1000)
    parts = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic))]
    consumer.assign(parts)
    consumer.seek_to_beginning()
    ends = consumer.end_offsets(parts)
    records: list = []
    while any(consumer.position(tp) < ends[tp] for tp in parts):
        records.extend(consumer)
    consumer.close()
    return records


def test_sigkill_twice_mid_stream_every_set_has_exactly_one_outcome(
        supervised, base_env, kafka, redis_client, tmp_path):
    cohort = tmp_path / "cohort.json"
    cohort.write_text(json.dumps({
        "care_teams": [{"team_id": "team-k", "name": "kill test"}],
        "patients": [{"patient_id": p, "name": f"Test {p}", "gender": "unknown",
                      "birth_date": "1970-01-01", "care_team": "team-k"} for p in PATIENTS]}))
    port = free_port()
    env = base_env | {"Z5G_GRPC_PORT": str(port), "Z5G_METRICS_PORT": "0",
                      "Z5G_DATABASE_URL": f"sqlite:///{tmp_path}/medical.db",
                      "Z5G_MEDICAL_COHORT": str(cohort),
                      # No escalation during the test: its count depends on wall time.
                      "Z5G_MEDICAL_ESCALATE_TEAM_S": "86400",
                      # Resolve on the first lower set, so each swing is one raise + resolve.
                      "Z5G_MEDICAL_RESOLVE_HOLD_S": "0"}
    medical = supervised("medical", env)

    producer = EventProducer(kafka.bootstrap, "test-wearables")
    t0 = datetime.now(UTC)
    done = threading.Event()
    run = uuid.uuid4().hex[:8]
    sent: list[str] = []
    # The event id each set is decided as: its own, or derived from its hub record's.
    cause: dict[str, str] = {}
    hub_of = {p: h for h, ps in HUBS.items() for p in ps}

    def stream() -> None:
        for n in range(1, SETS + 1):
            batches = {h: medical_pb2.VitalSignsBatch(hub_id=h) for h in HUBS}
            for h, batch in batches.items():
                batch.meta.event_id = f"kill-{run}-{h}-{n}"
            for i, pid in enumerate(PATIENTS):
                values = SICK if (n - 1) // 5 % 2 else WELL
                v = medical_pb2.VitalSigns(patient_id=pid, device_id=f"dev-{pid}", seq=n,
                                           **values)
                v.meta.event_id = f"kill-{run}-{pid}-{n}"
                v.meta.event_time.FromDatetime(t0 + timedelta(seconds=n, milliseconds=i))
                if pid in hub_of:
                    batch = batches[hub_of[pid]]
                    cause[v.meta.event_id] = derived_id("medical.set", batch.meta.event_id,
                                                        str(len(batch.sets)))
                    batch.sets.append(v)
                else:
                    cause[v.meta.event_id] = v.meta.event_id
                    producer.publish("medical.vitals", v, key=pid)
                sent.append(v.meta.event_id)
            for h, batch in batches.items():
                producer.publish("medical.vitals.batches", batch, key=h)
            time.sleep(ROUND_S)
        producer.flush(30)
        done.set()

    started = time.monotonic()
    sender = threading.Thread(target=stream)
    sender.start()
    total = len(PATIENTS) * SETS
    kills = 0
    for fraction in (0.25, 0.6):
        medical.wait(lambda f=fraction: _processed(redis_client) >= total * f, 90,
                     f"{fraction:.0%} processed")
        medical.kill()
        kills += 1
        at_kill = _processed(redis_client)
        print(f"kill {kills} at {time.monotonic() - started:.1f} s ({at_kill}/{total} processed, "
              f"{len(sent)} sent)")
        assert at_kill < total, "the kill must interrupt the stream, not follow it"
        medical.wait_restarted()
    print(f"killed twice at {time.monotonic() - started:.1f} s")
    sender.join(60)
    assert done.is_set()
    medical.wait(lambda: _processed(redis_client) == total, 120, "every set processed")
    medical.wait(lambda: redis_client.hlen("medical:outbox") == 0, 30, "outbox drained")
    print(f"all processed at {time.monotonic() - started:.1f} s")

    assert kills == 2 and len(sent) == total == len(set(sent))

    # Every input set: exactly one status, whose id is derived from the set's own id. A status
    # the broker had but whose outbox entry a kill left behind is sent again with its id.
    statuses = [medical_pb2.PatientVitals.FromString(r.value)
                for r in _records(kafka, "medical.patient.status")]
    outcome_ids: dict[str, set[str]] = defaultdict(set)
    counts: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for st in statuses:
        if st.latest.meta.event_id.startswith(f"kill-{run}-"):
            outcome_ids[st.latest.meta.event_id].add(st.meta.event_id)
            counts[st.patient_id].add((st.latest.meta.event_id, st.observations_total))
    lost = sorted(set(sent) - set(outcome_ids))
    doubled = {i: ids for i, ids in outcome_ids.items() if len(ids) != 1}
    assert not lost, f"{len(lost)} sets without a status, e.g. {lost[:3]}"
    assert not doubled, f"{len(doubled)} sets decided twice, e.g. {list(doubled.items())[:2]}"
    assert set(outcome_ids) == set(sent)
    assert all(ids == {derived_id("medical.status", cause[i])} for i, ids in outcome_ids.items())
    # Applied once each, in order: a set decided again would count the patient's sets twice
    # and show up as a second count for the same set (a re-sent copy repeats the first).
    assert {p: sorted(n for _, n in c) for p, c in counts.items()} == {
        p: list(range(1, SETS + 1)) for p in PATIENTS}
    # Valid sets are never dead-lettered, whatever the kills interrupted.
    dead = [r for r in _records(kafka, "medical.vitals.dlq")
            if r.key and r.key.decode() in PATIENTS]
    dead += [r for r in _records(kafka, "medical.vitals.batches.dlq")
             if r.key and r.key.decode() in HUBS]
    assert not dead, f"{len(dead)} valid sets dead-lettered: {dead[0].headers}"

    records = [medical_pb2.Alert.FromString(r.value) for r in _records(kafka, "medical.alerts")]
    mine = [a for a in records if a.patient_id in PATIENTS]
    by_event = Counter(a.meta.event_id for a in mine)
    transitions = {a.meta.event_id: a for a in mine}.values()
    per_patient = defaultdict(Counter)
    for a in transitions:
        per_patient[a.patient_id][medical_pb2.AlertState.Name(a.state)] += 1
    expected = {"ALERT_STATE_RAISED": ALERTS_EACH, "ALERT_STATE_RESOLVED": ALERTS_EACH}
    assert {p: dict(c) for p, c in per_patient.items()} == {p: expected for p in PATIENTS}
    # Each alert id went through exactly raised (v1) → resolved (v2).
    versions = defaultdict(set)
    for a in transitions:
        versions[a.alert_id].add(a.version)
    assert len(versions) == len(PATIENTS) * ALERTS_EACH
    assert all(v == {1, 2} for v in versions.values())
    # A record the broker had but whose outbox entry the kill left behind is sent again with
    # the same event id; consumers drop it. Say how many there were.
    resent = sum(c - 1 for c in by_event.values())
    status_records = sum(1 for st in statuses if st.latest.meta.event_id in outcome_ids)
    print(f"sets {total}: status records {status_records}, distinct {len(outcome_ids)}; "
          f"alert records {len(mine)}, distinct transitions {len(by_event)}, re-sent {resent}")

    engine = create_engine(f"sqlite:///{tmp_path}/medical.db")
    medical.wait(lambda: engine.connect().execute(text(
        "select count(*) from alerts where state = 'resolved'")).scalar()
        == len(PATIENTS) * ALERTS_EACH, 30, "alerts in SQL")
    medical.wait(lambda: engine.connect().execute(text(
        "select count(*) from observations")).scalar() >= total, 30, "observation sets in SQL")
    with engine.connect() as c:
        assert c.execute(text("select count(*) from alerts")).scalar() == len(versions)
        assert c.execute(text("select count(*) from observations")).scalar() == total
    engine.dispose()
    producer.close()
