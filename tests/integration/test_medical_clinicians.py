"""Clinicians through the real gateway and medical service: care-team access with an audit log,
a deteriorating patient's alert on the team's live stream, acknowledgement, FHIR export."""

import json
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

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


ROOT = Path(__file__).resolve().parents[2]
R4_VALIDATOR = ROOT / "services" / "medical" / "tests" / "r4_validate.py"
# What a wearable pulse oximeter streams at 1 Hz: heart rate and SpO2 (two Observations a
# second, 172,800 a day). The full vital set, BP panel included, is validated in
# services/medical/tests/test_fhir_export.py and by the live sets of p-1002 above.
WEARABLE_SET = dict(heart_rate_bpm=72.0, spo2_pct=97.0)
OBS_PER_SET = len(WEARABLE_SET)
DAY_S = 24 * 3600


def _r4_problems(docs: list[dict]) -> list[str]:
    done = subprocess.run([sys.executable, str(R4_VALIDATOR)], input=json.dumps(docs),  # noqa: S603
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def day_of_vitals(stack):
    """24 h of 1 Hz wearable vital sets of p-1004, ending now, in the stack's medical records (the
    rows the records writer would have stored; 86,400 through Kafka would take minutes)."""
    from medical.adapters.records import ObservationRow
    from sqlalchemy import create_engine, insert
    from sqlalchemy.orm import Session

    end = datetime.now(UTC).replace(microsecond=0)
    start = end - timedelta(seconds=DAY_S - 1)
    engine = create_engine(f"sqlite:///{stack['tmp']}/medical.db")
    rows = [{"event_id": str(uuid.UUID(int=n + 1)), "patient_id": "p-1004", "device_id": "w-1004",
             "at": start + timedelta(seconds=n), "consciousness": 1, "on_oxygen": False,
             "news2": 0, "risk": "low", **WEARABLE_SET} for n in range(DAY_S)]
    with Session(engine) as s, s.begin():
        s.execute(insert(ObservationRow), rows)
    engine.dispose()
    return start, end


def test_a_day_of_1hz_vitals_pages_through_the_fhir_facade(stack, sign_in, day_of_vitals):
    """Issue 17: a 24-hour export of 1 Hz vitals works through the gateway, in bounded pages."""
    start, end = day_of_vitals
    wang = sign_in(stack, "dr-wang")
    wang.timeout = 60
    url = (f"{stack['url']}/fhir/Observation?patient=p-1004"
           f"&date=ge{start:%Y-%m-%dT%H:%M:%SZ}&date=le{end:%Y-%m-%dT%H:%M:%SZ}&_count=1000")
    seen: set[str] = set()
    kept, pages, largest, total = [], 0, 0, 0
    last_at: datetime | None = None
    began = time.monotonic()
    while url:
        r = wang.get(url)
        assert r.status_code == 200, r.text[:500]
        assert r.headers["content-type"].startswith("application/fhir+json")
        largest = max(largest, len(r.content))
        page = r.json()
        # The day's 86,400 sets, and whatever else the stack's other tests sent for p-1004 now.
        total = total or page["total"]
        assert page["type"] == "searchset" and page["total"] == total >= DAY_S * OBS_PER_SET
        matches = [e for e in page["entry"] if e["search"]["mode"] == "match"]
        assert 0 < len(matches) <= 1000
        # In time order (as instants: "…:29Z" and "…:29.5Z" do not sort as strings).
        times = [datetime.fromisoformat(e["resource"]["effectiveDateTime"]) for e in matches]
        assert times == sorted(times) and (last_at is None or times[0] >= last_at)
        last_at = times[-1]
        seen.update(e["resource"]["id"] for e in matches)
        links = {link["relation"]: link["url"] for link in page["link"]}
        assert links["self"] == url
        url = links.get("next", "")
        if pages in (0, 200) or not url:
            kept.append(page)
        pages += 1
    took = time.monotonic() - began
    print(f"24 h of 1 Hz vitals: {pages} pages, {len(seen)} Observations, "
          f"largest page {largest / 1e6:.2f} MB, {took:.1f} s")
    assert len(seen) == total and pages == -(-total // 1000)
    assert largest < 1_000_000
    patient = wang.get("/fhir/Patient/p-1004")
    assert patient.status_code == 200
    assert patient.headers["content-type"].startswith("application/fhir+json")
    assert _r4_problems([*kept, patient.json()]) == []


def test_the_patient_page_download_is_one_valid_bundle_past_the_old_4mb_limit(
        stack, sign_in, day_of_vitals):
    wang = sign_in(stack, "dr-wang")
    wang.timeout = 60
    r = wang.get("/api/medical/patients/p-1004/fhir?minutes=60")
    assert r.status_code == 200, r.text[:500]
    assert len(r.content) > 4 * 1024 * 1024  # one gRPC message could not have carried it
    bundle = r.json()
    matches = [e for e in bundle["entry"] if e["search"]["mode"] == "match"]
    assert [e["search"]["mode"] for e in bundle["entry"]].count("include") == 1
    assert bundle["total"] == len(matches)
    elapsed = (datetime.now(UTC) - day_of_vitals[1]).total_seconds()
    # The last hour of the day, not the day (the shared stack's other tests may add a few live
    # sets of p-1004).
    assert (3600 - elapsed - 5) * OBS_PER_SET <= len(matches) < 2 * 3600 * OBS_PER_SET
    assert len({e["fullUrl"] for e in bundle["entry"]}) == len(bundle["entry"])
    assert {e["resource"]["subject"]["reference"] for e in matches} == {
        e["fullUrl"] for e in bundle["entry"] if e["search"]["mode"] == "include"}
    # Every resource has one of a few shapes: the R4 models check the Patient and the first
    # and last thousand Observations (all 7,200 would take the validator half a minute here).
    assert _r4_problems([{**bundle, "entry": bundle["entry"][:1001] + matches[-1000:]}]) == []


def test_fhir_facade_refuses_another_team_audited_and_answers_operation_outcomes(
        stack, sign_in, day_of_vitals):
    li = sign_in(stack, "dr-li")  # care team B; p-1004 is in team A
    for path in ("/fhir/Patient/p-1004", "/fhir/Observation?patient=Patient/p-1004&_count=5"):
        r = li.get(path)
        assert r.status_code == 403, r.text
        assert r.headers["content-type"].startswith("application/fhir+json")
        assert r.json()["resourceType"] == "OperationOutcome"
        assert r.json()["issue"][0]["code"] == "forbidden"
    entries = sign_in(stack, "admin").get("/api/medical/audit").json()
    denied = {e["action"] for e in entries if e["user"] == "dr-li"
              and e["patient_id"] == "p-1004" and not e.get("allowed", False)}
    assert denied == {"read_fhir_patient", "export_fhir"}

    wang = sign_in(stack, "dr-wang")
    answers = {
        "/fhir/Observation?patient=p-1004&date=ge2026-13-01": (400, "invalid"),
        "/fhir/Observation?patient=p-1004&_cursor=bm90LWEtY3Vyc29y": (400, "invalid"),
        "/fhir/Observation?patient=p-1004&_count=0": (400, "invalid"),
        "/fhir/Patient/p-none": (404, "not-found"),
    }
    for path, (status, code) in answers.items():
        r = wang.get(path)
        assert (r.status_code, r.json()["issue"][0]["code"]) == (status, code), path
    outsider = httpx.get(f"{stack['url']}/fhir/Patient/p-1004", timeout=10)
    assert outsider.status_code == 401 and outsider.json()["issue"][0]["code"] == "login"
    assert _r4_problems([r.json(), outsider.json()]) == []

    # The day's first minute: no other test's live sets of p-1004 can fall 24 h back (the last
    # minute can hold sets that an earlier module's simulators published on the same broker).
    start, _end = day_of_vitals
    first_minute = wang.get("/fhir/Observation", params={
        "patient": "p-1004", "date": [f"gt{(start - timedelta(seconds=1)).isoformat()}",
                                      f"le{(start + timedelta(seconds=59)).isoformat()}"],
        "_count": 500}).json()
    assert first_minute["total"] == 60 * OBS_PER_SET and len(first_minute["entry"]) == \
        60 * OBS_PER_SET + 1
    assert [link["relation"] for link in first_minute["link"]] == ["self"]  # nothing next


def test_fhir_metadata_is_an_r4_capability_statement_of_what_the_facade_serves(stack):
    """A FHIR client's first request, answered signed out (it reveals no patient data)."""
    r = httpx.get(f"{stack['url']}/fhir/metadata", timeout=10)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/fhir+json")
    cap = r.json()
    assert _r4_problems([cap]) == []
    assert (cap["resourceType"], cap["fhirVersion"], cap["kind"]) == (
        "CapabilityStatement", "4.0.1", "instance")
    served = {res["type"]: res for res in cap["rest"][0]["resource"]}
    assert [i["code"] for i in served["Patient"]["interaction"]] == ["read"]
    assert [i["code"] for i in served["Observation"]["interaction"]] == ["search-type"]
    assert {p["name"] for p in served["Observation"]["searchParam"]} == {
        "patient", "date", "_count"}


def test_no_patient_identifier_in_application_logs(stack, sign_in):
    """Runs after the tests above in this module: their requests and events named patients."""
    wang = sign_in(stack, "dr-wang")
    assert wang.get("/api/medical/patients/p-1003").status_code == 200
    time.sleep(0.5)
    for proc in stack["procs"]:
        if proc.module in ("gateway", "medical"):
            text = proc.log.read_text(errors="replace")
            assert "/api/medical/patients/<patient>" in text or proc.module == "medical"
            for pid in ("p-1002", "p-1003", "p-1004", "p-1006"):
                assert pid not in text, f"{pid} in the {proc.module} log"
