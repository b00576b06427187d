"""Clinicians through the real gateway and medical service: care-team access with an audit log,
a deteriorating patient's alert on the team's live stream, acknowledgement, FHIR export."""

import json
import threading
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from zezhou5g.medical.v1 import medical_pb2
from zezhou5g.platform.kafka import EventProducer

SICK = dict(resp_rate_per_min=26, spo2_pct=91, on_oxygen=False, systolic_mmhg=95,
            heart_rate_bpm=125, temperature_c=39.2, consciousness=medical_pb2.CONSCIOUSNESS_ALERT)


def _listen(client: httpx.Client, got: list[dict], stop: threading.Event) -> None:
    try:
        with client.stream("GET", "/api/stream/medical", timeout=30) as r:
            for line in r.iter_lines():
                if stop.is_set():
                    return
                # Heartbeats ("event: heartbeat") carry no topic: only events count here.
                if line.startswith("data: ") and "topic" in (event := json.loads(line[6:])):
                    got.append(event)
    except httpx.HTTPError:
        pass  # the stack stops at the end of the module


@pytest.fixture
def producer(kafka):
    p = EventProducer(kafka.bootstrap, "test-wearable")
    yield p
    p.close()


def test_clinician_of_team_a_gets_403_on_team_b_patient_and_it_is_audited(stack, sign_in):
    wang = sign_in(stack, "dr-wang")
    r = wang.get("/api/medical/patients/p-1006")  # p-1006 is in care team B
    assert r.status_code == 403, r.text
    assert wang.get("/api/medical/patients/p-1006/fhir").status_code == 403
    mine = wang.get("/api/medical/patients")
    assert mine.status_code == 200
    assert {p["patient"]["care_team"] for p in mine.json()} == {"team-a"}

    admin = sign_in(stack, "admin")
    entries = admin.get("/api/medical/audit").json()
    denied = [e for e in entries if e["user"] == "dr-wang" and e["patient_id"] == "p-1006"]
    assert {e["action"] for e in denied} == {"read_patient", "export_fhir"}
    assert all(e.get("allowed", False) is False for e in denied)
    assert wang.get("/api/medical/audit").status_code == 403


def test_deteriorating_patient_alerts_own_team_only_and_ack_is_once(stack, producer, wait, sign_in):
    wang, li = sign_in(stack, "dr-wang"), sign_in(stack, "dr-li")
    got_a: list[dict] = []
    got_b: list[dict] = []
    stop = threading.Event()
    threads = [threading.Thread(target=_listen, args=(c, g, stop), daemon=True)
               for c, g in ((wang, got_a), (li, got_b))]
    for t in threads:
        t.start()
    time.sleep(1.5)  # both streams subscribed
    t0 = datetime.now(UTC)
    for n in range(1, 4):
        v = medical_pb2.VitalSigns(patient_id="p-1002", device_id="wear-1002x", seq=n, **SICK)
        v.meta.event_time.FromDatetime(t0 + timedelta(milliseconds=n))
        producer.publish("medical.vitals", v, key="p-1002")
    producer.flush(20)
    sent_at = time.monotonic()
    alert = wait(lambda: next((e["data"] for e in got_a if e["topic"] == "medical.alerts"
                               and e["data"]["patient_id"] == "p-1002"), None), 20,
                 "alert on team A's stream")
    assert time.monotonic() - sent_at < 2.0, "alert reached the clinician's stream late"
    assert alert["clinical_risk"] == "CLINICAL_RISK_HIGH" and alert["state"] == "ALERT_STATE_RAISED"
    assert alert["why"] == {"code": "ALERT_REASON_CODE_BAND_ROSE"}  # a code, no sentence
    assert alert["routed_to"] == "team-a"
    time.sleep(0.5)
    assert not [e for e in got_b if e["data"].get("patient_id") == "p-1002"], \
        "team B saw team A's patient"

    listed = wang.get("/api/medical/alerts").json()
    assert alert["alert_id"] in {a["alert_id"] for a in listed}
    assert li.post(f"/api/medical/alerts/{alert['alert_id']}/ack").status_code == 403
    r = wang.post(f"/api/medical/alerts/{alert['alert_id']}/ack")
    assert r.status_code == 200 and r.json()["acknowledged_by"] == "dr-wang"
    again = wang.post(f"/api/medical/alerts/{alert['alert_id']}/ack")
    assert again.status_code == 409 and "already acknowledged" in again.text
    stop.set()

    bundle = wait(lambda: (lambda b: b if len(b.get("entry", [])) > 1 else None)(
        wang.get("/api/medical/patients/p-1002/fhir").json()), 20, "observations in SQL")
    assert bundle["resourceType"] == "Bundle"
    codes = {e["resource"]["code"]["coding"][0]["code"] for e in bundle["entry"][1:]}
    assert {"8867-4", "9279-1", "2708-6", "8310-5", "85354-9"} <= codes
    # Opening the live stream of patient data is audited too.
    entries = sign_in(stack, "admin").get("/api/medical/audit").json()
    assert {("dr-wang", "open_stream"), ("dr-li", "open_stream")} <= {
        (e["user"], e["action"]) for e in entries}


def test_no_patient_identifier_in_application_logs(stack, sign_in):
    """Runs after the tests above in this module: their requests and events named patients."""
    wang = sign_in(stack, "dr-wang")
    assert wang.get("/api/medical/patients/p-1003").status_code == 200
    time.sleep(0.5)
    for proc in stack["procs"]:
        if proc.module in ("gateway", "medical"):
            text = proc.log.read_text(errors="replace")
            assert "/api/medical/patients/<patient>" in text or proc.module == "medical"
            for pid in ("p-1002", "p-1003", "p-1006"):
                assert pid not in text, f"{pid} in the {proc.module} log"
