"""Batched device ingestion (issue 16 item 3) against the real stack: a ward hub's sets.

A hub posts ``{"hub_id", "sets": [...]}`` to ``/api/devices/medical/readings:batch`` with its
token; the gateway checks every set as its device's single post would be checked, plus that
the device is attached to this hub, and publishes all of them as ONE record on
``medical.vitals.batches`` keyed by the hub, or none of them. The hubs and devices are
registered through the admin API under fresh ids, so other modules' devices are not touched;
"nothing was published" is read from Kafka (a marker batch posted after the refusals is the
first record the hub has there) and from the gateway's counters.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import httpx
import pytest
from kafka import KafkaConsumer, TopicPartition
from localinfra.metrics import sample
from zezhou5g.medical.v1 import medical_pb2
from zezhou5g.platform.kafka import ensure_topics

TOPIC = "medical.vitals.batches"
BATCH = "/api/devices/medical/readings:batch"
OK = {"heart_rate_bpm": 78, "resp_rate_per_min": 16, "spo2_pct": 97, "systolic_mmhg": 124,
      "temperature_c": 36.9, "consciousness": "CONSCIOUSNESS_ALERT"}


def _rejected(url: str, reason: str) -> float:
    return sample(url, "z5g_gateway_device_rejected_total", reason=reason)


def _accepted(url: str) -> float:
    return sample(url, "z5g_gateway_device_accepted_total", scenario="medical")


Record = tuple[bytes | None, medical_pb2.VitalSignsBatch]  # key, value


class Batches:
    """Every record on the batch topic from the moment it is made, as (key, batch)."""

    def __init__(self, bootstrap: str) -> None:
        ensure_topics(bootstrap, [TOPIC])
        self.consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
        partitions: set[int] = set()
        for _ in range(50):
            partitions = self.consumer.partitions_for_topic(TOPIC) or set()
            if partitions:
                break
            time.sleep(0.2)
        parts = [TopicPartition(TOPIC, p) for p in sorted(partitions)]
        assert parts, f"{TOPIC} does not exist"
        self.consumer.assign(parts)
        self.consumer.seek_to_end(*parts)
        for tp in parts:
            self.consumer.position(tp)  # resolve the end now, before any post
        self.seen: list[Record] = []

    def of(self, hubs: set[str], until_seq: int, timeout: float = 20) -> list[Record]:
        """The records of ``hubs`` seen so far, once one holding a set of ``until_seq`` came."""
        deadline = time.monotonic() + timeout
        while True:
            for records in self.consumer.poll(timeout_ms=250).values():
                self.seen += [(r.key, medical_pb2.VitalSignsBatch.FromString(r.value))
                              for r in records]
            mine = [(k, b) for k, b in self.seen if b.hub_id in hubs]
            if any(s.seq == until_seq for _, b in mine for s in b.sets):
                return mine
            assert time.monotonic() < deadline, f"no batch of {hubs} with seq {until_seq}"

    def close(self) -> None:
        self.consumer.close()


@pytest.fixture(scope="module")
def ward(stack, sign_in):
    """Three hubs (one revoked) and their devices under fresh ids, and a batch-topic reader."""
    admin = sign_in(stack, "admin")
    tag = uuid.uuid4().hex[:6]
    ids = SimpleNamespace(hub=f"hub-t{tag}", other=f"hub-u{tag}", gone_hub=f"hub-v{tag}",
                          bed=f"bed-t{tag}", wear=f"wear-t{tag}", stranger=f"bed-u{tag}",
                          gone=f"bed-v{tag}")

    def register(device_id: str, kind: str, subject: str, hub: str | None = None) -> str:
        body = {"device_id": device_id, "scenario": "medical", "kind": kind, "subject": subject}
        r = admin.post("/api/admin/devices", json=body | ({"hub": hub} if hub else {}))
        assert r.status_code == 201, r.text
        return str(r.json()["token"])

    tokens = SimpleNamespace(hub=register(ids.hub, "ward_hub", "team-a"),
                             other=register(ids.other, "ward_hub", "team-b"),
                             gone_hub=register(ids.gone_hub, "ward_hub", "team-a"))
    register(ids.bed, "bedside_monitor", "p-1003", ids.hub)
    tokens.wear = register(ids.wear, "wearable", "p-1002", ids.hub)
    register(ids.stranger, "bedside_monitor", "p-1006", ids.other)
    register(ids.gone, "bedside_monitor", "p-1001", ids.hub)
    for device in (ids.gone, ids.gone_hub):
        assert admin.delete(f"/api/admin/devices/{device}").status_code == 204
    batches = Batches(stack["env"]["Z5G_KAFKA_BOOTSTRAP"])
    yield SimpleNamespace(url=stack["url"], admin=admin, ids=ids, tokens=tokens,
                          batches=batches)
    batches.close()
    admin.close()


def _post(url: str, body: object, token: str | None, path: str = BATCH) -> httpx.Response:
    """Post ``body`` as JSON, or as it is when it is already bytes."""
    auth = {"Authorization": f"Bearer {token}"} if token else {}
    if isinstance(body, bytes):
        return httpx.post(f"{url}{path}", content=body, timeout=10,
                          headers=auth | {"Content-Type": "application/json"})
    return httpx.post(f"{url}{path}", json=body, timeout=10, headers=auth)


def _set(device: str, patient: str, seq: int, **values: object) -> dict[str, object]:
    return {"device_id": device, "patient_id": patient, "seq": seq, **OK, **values}


def _good_sets(ward: SimpleNamespace, seq: int) -> list[dict[str, object]]:
    return [_set(ward.ids.bed, "p-1003", seq), _set(ward.ids.wear, "p-1002", seq + 1)]


def _hubs(ward: SimpleNamespace) -> set[str]:
    return {ward.ids.hub, ward.ids.other, ward.ids.gone_hub}


def _nothing_was_published(ward: SimpleNamespace, marker: int) -> None:
    """Post a good batch: it must be the only record of the test's hubs since the last one.

    Every test that gets a batch accepted waits for it here (or reads it) and then forgets
    what was read, so a refused batch that was published all the same would show up first.
    """
    r = _post(ward.url, {"hub_id": ward.ids.hub, "sets": _good_sets(ward, marker)},
              ward.tokens.hub)
    assert r.status_code == 202, r.text
    mine = ward.batches.of(_hubs(ward), marker)
    assert [b.meta.event_id for _, b in mine] == [r.json()["event_id"]], mine
    ward.batches.seen.clear()


def test_the_batch_route_is_documented_like_the_single_one(stack):
    spec = httpx.get(f"{stack['url']}/openapi.json", timeout=10).json()
    single = spec["paths"]["/api/devices/{scenario}/{kind}"]["post"]["responses"]
    batch = spec["paths"]["/api/devices/{scenario}/{kind}:batch"]["post"]["responses"]
    assert {"401", "403", "404", "413", "422", "503"} <= set(batch)
    assert set(batch) == set(single)


def test_an_accepted_batch_is_one_record_keyed_by_the_hub_with_every_set_in_order(ward):
    url, ids = ward.url, ward.ids
    now = datetime.now(UTC).replace(microsecond=0)
    delivered, measured = (t.isoformat().replace("+00:00", "Z")
                           for t in (now, now - timedelta(seconds=90)))
    sets = [_set(ids.bed, "p-1003", 1001), _set(ids.wear, "p-1002", 1002),
            _set(ids.bed, "p-1003", 1003, meta={"event_time": measured})]
    accepted = _accepted(url)
    r = _post(url, {"hub_id": ids.hub, "sets": sets, "meta": {"event_time": delivered}},
              ward.tokens.hub)
    assert r.status_code == 202, r.text
    answer = r.json()
    assert answer["topic"] == TOPIC and answer["sets"] == 3 and answer["event_id"]
    assert _accepted(url) == accepted + 3
    mine = ward.batches.of(_hubs(ward), 1003)
    assert len(mine) == 1, mine
    key, batch = mine[0]
    assert key == ids.hub.encode()
    assert batch.hub_id == ids.hub and batch.meta.event_id == answer["event_id"]
    assert batch.meta.source == "gateway"
    assert [(s.device_id, s.patient_id, s.seq) for s in batch.sets] == [
        (ids.bed, "p-1003", 1001), (ids.wear, "p-1002", 1002), (ids.bed, "p-1003", 1003)]
    assert batch.sets[1].heart_rate_bpm == 78
    # Every set carries when it was measured: its own time, else the delivery's.
    assert batch.meta.event_time.ToJsonString() == delivered
    assert [s.meta.event_time.ToJsonString() for s in batch.sets] == [
        delivered, delivered, measured]
    ward.batches.seen.clear()


def test_a_batch_is_refused_before_its_sets_are_read(ward):
    url, ids, tokens = ward.url, ward.ids, ward.tokens
    good = {"hub_id": ids.hub, "sets": _good_sets(ward, 2001)}
    cases = [  # (what, path, body, token, status, reason)
        ("no token", BATCH, good, None, 401, "no_token"),
        ("unknown token", BATCH, good, "tok-not-a-registered-device-0", 401, "bad_token"),
        ("revoked hub", BATCH, good | {"hub_id": ids.gone_hub}, tokens.gone_hub, 401,
         "revoked_token"),
        ("a wearable's token", BATCH, good, tokens.wear, 403, "wrong_kind"),
        ("another hub named", BATCH, good | {"hub_id": ids.other}, tokens.hub, 403,
         "hub_mismatch"),
        ("the other hub naming this one", BATCH, good, tokens.other, 403, "hub_mismatch"),
        ("no sets", BATCH, good | {"sets": []}, tokens.hub, 422, "empty_batch"),
        ("sets not a list", BATCH, good | {"sets": {"a": 1}}, tokens.hub, 422,
         "invalid_body"),
        ("an unknown field", BATCH, good | {"ward": "w1"}, tokens.hub, 422, "invalid_body"),
        ("a body that is not JSON", BATCH, b'{"hub_id": ', tokens.hub, 422, "invalid_body"),
        ("a body that is not text", BATCH, b'{"hub_id": "\xff"}', tokens.hub, 400,
         "bad_request"),
        ("over 500 sets", BATCH,
         good | {"sets": [_set(ids.bed, "p-1003", 3000 + i) for i in range(501)]},
         tokens.hub, 413, "batch_too_large"),
        ("a kind without batches", "/api/devices/medical/ambulance:batch", good, tokens.hub,
         404, "unknown_device_kind"),
        ("another scenario's kind", "/api/devices/tourism/readings:batch", good, tokens.hub,
         404, "unknown_device_kind"),
        ("the hub on the single route", "/api/devices/medical/readings",
         _set(ids.bed, "p-1003", 2001), tokens.hub, 403, "wrong_kind"),
    ]
    accepted = _accepted(url)
    for what, path, body, token, code, reason in cases:
        before = _rejected(url, reason)
        r = _post(url, body, token, path)
        assert r.status_code == code, (what, r.text)
        assert _rejected(url, reason) == before + 1, what
        if code == 401:
            assert r.headers["www-authenticate"] == "Bearer"
    assert _accepted(url) == accepted
    _nothing_was_published(ward, 2101)


@pytest.mark.parametrize(("what", "bad", "code", "reason"), [
    ("a device of another hub", lambda ids: _set(ids.stranger, "p-1006", 4001), 403,
     "wrong_hub"),
    ("a revoked device", lambda ids: _set(ids.gone, "p-1001", 4001), 403, "revoked_device"),
    ("an unregistered device", lambda ids: _set("bed-nobody", "p-1003", 4001), 403,
     "unknown_device"),
    ("the wrong patient", lambda ids: _set(ids.bed, "p-1001", 4001), 403, "subject_mismatch"),
    ("a hub as a device", lambda ids: _set(ids.hub, "p-1003", 4001), 403, "wrong_kind"),
    ("an implausible value", lambda ids: _set(ids.bed, "p-1003", 4001, heart_rate_bpm=400),
     422, "implausible"),
    ("a field no set has", lambda ids: _set(ids.bed, "p-1003", 4001, pulse=70), 422,
     "invalid_body"),
    ("a measurement from the future", lambda ids: _set(
        ids.bed, "p-1003", 4001, meta={"event_time": "2999-01-01T00:00:00Z"}), 422,
     "event_time_out_of_bounds"),
])
def test_one_failing_set_refuses_the_whole_batch(ward, what, bad, code, reason):
    url, ids = ward.url, ward.ids
    sets = [_set(ids.bed, "p-1003", 4000), bad(ids), _set(ids.wear, "p-1002", 4002)]
    before, batches_before = _rejected(url, reason), _rejected(url, "batch_rejected")
    accepted = _accepted(url)
    r = _post(url, {"hub_id": ids.hub, "sets": sets}, ward.tokens.hub)
    assert r.status_code == code, (what, r.text)
    detail = r.json()["detail"]
    assert "nothing was published" in detail["message"]
    assert [(x["index"], x["reason"]) for x in detail["rejected"]] == [(1, reason)], detail
    # Fields, limits and the ids the hub sent; never a value or a device's registered patient.
    text = detail["rejected"][0]["detail"]
    assert "p-1003" not in text, text
    if reason == "implausible":
        assert text == "implausible: heart_rate_bpm outside 20..250"
    assert _rejected(url, reason) == before + 1
    assert _rejected(url, "batch_rejected") == batches_before + 1
    assert _accepted(url) == accepted
    _nothing_was_published(ward, 4101)


def test_every_failing_set_is_listed_and_any_authorisation_failure_makes_it_403(ward):
    url, ids, hub = ward.url, ward.ids, ward.tokens.hub
    invalid = [_set(ids.bed, "p-1003", 5000, spo2_pct=20), _set(ids.wear, "p-1002", 5001),
               "not a set", _set(ids.wear, "p-1002", 5003, temperature_c=50)]
    r = _post(url, {"hub_id": ids.hub, "sets": invalid}, hub)
    assert r.status_code == 422, r.text
    assert [(x["index"], x["reason"]) for x in r.json()["detail"]["rejected"]] == [
        (0, "implausible"), (2, "invalid_body"), (3, "implausible")]
    assert "spo2_pct outside 50..100" in r.json()["detail"]["rejected"][0]["detail"]
    mixed = [*invalid, _set(ids.stranger, "p-1006", 5004)]
    r = _post(url, {"hub_id": ids.hub, "sets": mixed}, hub)
    assert r.status_code == 403, r.text
    assert [(x["index"], x["reason"]) for x in r.json()["detail"]["rejected"]] == [
        (0, "implausible"), (2, "invalid_body"), (3, "implausible"), (4, "wrong_hub")]
    _nothing_was_published(ward, 5101)


def test_the_admin_api_attaches_devices_to_a_registered_hub_of_their_scenario(ward):
    admin, ids = ward.admin, ward.ids
    listed = {d["device_id"]: d for d in admin.get("/api/admin/devices").json()}
    assert listed[ids.bed]["hub"] == ids.hub and listed[ids.hub]["hub"] is None
    device = {"device_id": f"bed-w{uuid.uuid4().hex[:6]}", "scenario": "medical",
              "kind": "bedside_monitor", "subject": "p-1003"}
    for hub in ("hub-nobody", ids.bed):  # not registered; not a hub
        r = admin.post("/api/admin/devices", json=device | {"hub": hub})
        assert r.status_code == 422, r.text
    r = admin.post("/api/admin/devices", json=device | {"kind": "ward_hub", "hub": ids.hub})
    assert r.status_code == 422, r.text  # a hub is attached to no hub
    assert admin.post("/api/admin/devices", json={
        "device_id": device["device_id"], "scenario": "agri", "kind": "soil_probe",
        "subject": "field-e1", "hub": ids.hub}).status_code == 422  # another scenario's hub
    assert device["device_id"] not in {d["device_id"] for d in
                                       admin.get("/api/admin/devices").json()}


def test_an_existing_device_is_attached_and_detached_without_a_new_token(ward, sign_in, stack):
    admin, ids, url = ward.admin, ward.ids, ward.url
    device = f"bed-x{uuid.uuid4().hex[:6]}"
    r = admin.post("/api/admin/devices", json={"device_id": device, "scenario": "medical",
                                               "kind": "bedside_monitor", "subject": "p-1004"})
    assert r.status_code == 201, r.text
    token = r.json()["token"]

    def batch(seq: int) -> httpx.Response:
        return _post(url, {"hub_id": ids.hub, "sets": [_set(device, "p-1004", seq)]},
                     ward.tokens.hub)

    refused = batch(6001)
    assert refused.status_code == 403, refused.text
    assert [x["reason"] for x in refused.json()["detail"]["rejected"]] == ["wrong_hub"]
    for bad, code in (({"hub": ids.bed}, 422), ({"hub": "hub-nobody"}, 422), ({}, 422)):
        assert admin.put(f"/api/admin/devices/{device}/hub", json=bad).status_code == code
    assert admin.put("/api/admin/devices/bed-nobody/hub",
                     json={"hub": ids.hub}).status_code == 404
    clinician = sign_in(stack, "dr-wang")
    assert clinician.put(f"/api/admin/devices/{device}/hub",
                         json={"hub": ids.hub}).status_code == 403
    clinician.close()
    r = admin.put(f"/api/admin/devices/{device}/hub", json={"hub": ids.hub})
    assert r.status_code == 200, r.text
    assert r.json()["hub"] == ids.hub and "token" not in r.json()
    accepted = batch(6002)
    assert accepted.status_code == 202, accepted.text
    mine = ward.batches.of(_hubs(ward), 6002)
    assert [b.meta.event_id for _, b in mine] == [accepted.json()["event_id"]]
    ward.batches.seen.clear()
    # The device's own token is the one it was registered with.
    single = _post(url, _set(device, "p-1004", 6003), token, "/api/devices/medical/readings")
    assert single.status_code == 202, single.text
    r = admin.put(f"/api/admin/devices/{device}/hub", json={"hub": None})
    assert r.status_code == 200 and r.json()["hub"] is None
    assert batch(6004).status_code == 403
    _nothing_was_published(ward, 6101)
    trail = admin.get(f"/api/admin/devices/{device}/audit").json()
    assert [(t["action"], t["detail"]) for t in trail if t["action"] == "attach"] == [
        ("attach", f"- → {ids.hub}"), ("attach", f"{ids.hub} → -")]


def test_a_field_gateway_batch_reaches_the_agri_service_reading_by_reading(stack, sign_in):
    """End to end: the agri service counts each reading of an accepted gateway batch once."""
    admin = sign_in(stack, "admin")
    tag = uuid.uuid4().hex[:6]
    gw, probe = f"gw-t{tag}", f"soil-t{tag}"

    def register(device_id: str, kind: str, subject: str, hub: str | None = None) -> str:
        body = {"device_id": device_id, "scenario": "agri", "kind": kind, "subject": subject}
        r = admin.post("/api/admin/devices", json=body | ({"hub": hub} if hub else {}))
        assert r.status_code == 201, r.text
        return str(r.json()["token"])

    token = register(gw, "field_gateway", "farm-east")
    register(probe, "soil_probe", "field-e3", gw)
    register(f"soil-u{tag}", "soil_probe", "field-e3")             # not behind this gateway
    farmer = sign_in(stack, "agri-bureau")

    def total() -> int:
        fields = farmer.get("/api/agri/fields").json()
        return int(next((f.get("status", {}).get("readings_total", 0) for f in fields
                         if f["id"] == "field-e3"), 0))

    before = total()
    # A probe's readings measured a minute apart (one at the same time would be a repeat).
    now = datetime.now(UTC)
    readings = [{"device_id": probe, "field_id": "field-e3", "soil_moisture_vwc": v,
                 "battery_pct": 88, "meta": {"event_time": (now - timedelta(minutes=3 - i))
                                             .isoformat().replace("+00:00", "Z")}}
                for i, v in enumerate((0.31, 0.30, 0.29))]
    r = _post(stack["url"], {"gateway_id": gw, "readings": readings}, token,
              "/api/devices/agri/readings:batch")
    assert r.status_code == 202, r.text
    assert r.json()["topic"] == "agri.telemetry.batches" and r.json()["readings"] == 3
    deadline = time.monotonic() + 30
    while total() < before + 3:
        assert time.monotonic() < deadline, "the agri service did not count the readings"
        time.sleep(0.3)
    assert total() == before + 3
    # A probe not attached to this gateway: the whole batch is refused with its index.
    r = _post(stack["url"], {"gateway_id": gw, "readings": [
        readings[0], dict(readings[1], device_id=f"soil-u{tag}")]}, token,
        "/api/devices/agri/readings:batch")
    assert r.status_code == 403, r.text
    assert [(x["index"], x["reason"]) for x in r.json()["detail"]["rejected"]] == [
        (1, "wrong_hub")]
    farmer.close()
    admin.close()
