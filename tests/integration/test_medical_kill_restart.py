"""SIGKILL the medical service mid-stream, start it again: no alert lost, none duplicated.

20 patients each send 65 observation sets that swing between well (NEWS2 0) and septic
(NEWS2 12) every 5 sets, ending well, so each patient must see exactly 6 alerts raised and 6
resolved. The
service is killed twice while the sets stream in. Afterwards the ``medical.alerts`` topic and
the SQL records are counted.
"""

import json
import os
import signal
import threading
import time
import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from kafka import KafkaConsumer
from localinfra.proc import free_port
from sqlalchemy import create_engine, text
from zezhou5g.medical.v1 import medical_pb2
from zezhou5g.platform.kafka import EventProducer

PATIENTS = [f"k-{i:03d}" for i in range(1, 21)]
SETS = 65
ALERTS_EACH = 6
WELL = dict(resp_rate_per_min=16, spo2_pct=97, on_oxygen=False, systolic_mmhg=120,
            heart_rate_bpm=75, temperature_c=37.0, consciousness=medical_pb2.CONSCIOUSNESS_ALERT)
SICK = dict(WELL, resp_rate_per_min=26, spo2_pct=91, systolic_mmhg=95, heart_rate_bpm=125,
            temperature_c=39.2)


def _start(spawn, env, port, wait):
    proc = spawn("medical", env)
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    health = health_pb2_grpc.HealthStub(channel)
    wait(lambda: health.Check(health_pb2.HealthCheckRequest(), timeout=2).status
         == health_pb2.HealthCheckResponse.SERVING, 60, "medical SERVING", (proc,))
    channel.close()
    return proc


def _processed(redis_client) -> int:
    return sum(int(redis_client.get(f"medical:total:{p}") or 0) for p in PATIENTS)


def test_sigkill_mid_stream_loses_and_duplicates_no_alert(spawn, base_env, kafka, redis_client,
                                                          tmp_path, wait):
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
    proc = _start(spawn, env, port, wait)

    producer = EventProducer(kafka.bootstrap, "test-wearables")
    t0 = datetime.now(UTC)
    done = threading.Event()

    def stream() -> None:
        for n in range(1, SETS + 1):
            for i, pid in enumerate(PATIENTS):
                values = SICK if (n - 1) // 5 % 2 else WELL
                v = medical_pb2.VitalSigns(patient_id=pid, device_id=f"dev-{pid}", seq=n,
                                           **values)
                v.meta.event_time.FromDatetime(t0 + timedelta(seconds=n, milliseconds=i))
                producer.publish("medical.vitals", v, key=pid)
            time.sleep(0.05)
        producer.flush(30)
        done.set()

    started = time.monotonic()
    sender = threading.Thread(target=stream)
    sender.start()
    total = len(PATIENTS) * SETS
    kills = 0
    for fraction in (0.25, 0.6):
        wait(lambda f=fraction: _processed(redis_client) >= total * f, 90,
             f"{fraction:.0%} processed", (proc,))
        os.kill(proc.popen.pid, signal.SIGKILL)
        proc.popen.wait(10)
        kills += 1
        proc = _start(spawn, env, port, wait)
    print(f"killed twice at {time.monotonic() - started:.1f} s")
    sender.join(60)
    assert done.is_set()
    wait(lambda: _processed(redis_client) == total, 120, "every set processed", (proc,))
    wait(lambda: redis_client.hlen("medical:outbox") == 0, 30, "outbox drained", (proc,))
    print(f"all processed at {time.monotonic() - started:.1f} s")

    consumer = KafkaConsumer("medical.alerts", bootstrap_servers=kafka.bootstrap,
                             group_id=f"count-{uuid.uuid4()}", auto_offset_reset="earliest",
                             consumer_timeout_ms=3000)
    records = [medical_pb2.Alert.FromString(r.value) for r in consumer]
    consumer.close()
    mine = [a for a in records if a.patient_id in PATIENTS]
    by_event = Counter(a.meta.event_id for a in mine)
    transitions = {a.meta.event_id: a for a in mine}.values()
    per_patient = defaultdict(Counter)
    for a in transitions:
        per_patient[a.patient_id][medical_pb2.AlertState.Name(a.state)] += 1
    expected = {"ALERT_STATE_RAISED": ALERTS_EACH, "ALERT_STATE_RESOLVED": ALERTS_EACH}
    assert kills == 2
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
    print(f"alert records {len(mine)}, distinct transitions {len(by_event)}, re-sent {resent}")

    engine = create_engine(f"sqlite:///{tmp_path}/medical.db")
    wait(lambda: engine.connect().execute(text(
        "select count(*) from alerts where state = 'resolved'")).scalar()
        == len(PATIENTS) * ALERTS_EACH, 30, "alerts in SQL", (proc,))
    with engine.connect() as c:
        assert c.execute(text("select count(*) from alerts")).scalar() == len(versions)
        assert c.execute(text("select count(*) from observations")).scalar() == total
    engine.dispose()
    producer.close()
