"""The transport service for real: two gate nodes on the test session's Kafka, Redis and SQL,
real models on the shared test photos and video (sources cited in conftest.py)."""

from __future__ import annotations

import json
import time
import uuid

import cv2
import grpc
import numpy as np
import pytest
import redis
import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from kafka import KafkaConsumer
from transport.adapters.crypto import FaceCipher
from transport.adapters.state import FaceCache
from transport.adapters.tables import consent_log, enrolments
from transport.domain.thresholds import StationPolicy
from transport.wire import mode_name, outcome_name, reason_name
from zezhou5g.platform.kafka import EventProducer
from zezhou5g.transport.v1 import transport_pb2
from zezhou5g.vision import samples

from .conftest import GATE, LIN, LIVE, OBAMA, enrol, issue, jpeg, start, still_frames, ticket


@pytest.fixture(scope="module")
def people(cluster, td, lin_kiosk):
    """Lin-Manuel Miranda enrolled with ticket L, Obama with ticket O (both on node a)."""
    run = uuid.uuid4().hex[:6]
    ids = {"L": f"L-{run}", "O": f"O-{run}"}
    lin = enrol(cluster.a.stub, ticket(ids["L"]), lin_kiosk, f"1401{run}L")
    obama = enrol(cluster.a.stub, ticket(ids["O"]), (td / OBAMA).read_bytes(), f"1401{run}O")
    assert lin.ok, lin.refusals
    assert obama.ok, obama.refusals
    return {"tickets": ids, "lin": lin, "obama": obama, "id_L": f"1401{run}L"}


def words(d):
    """A decision's outcome, reason and mode in the domain's words (transport.wire)."""
    return outcome_name(d.gate_outcome), reason_name(d.why), mode_name(d.match_mode)


def decide(stub, passage_id, frames, request_id=None):
    return stub.Decide(transport_pb2.DecideRequest(
        passage_id=passage_id, request_id=request_id or str(uuid.uuid4()), frames=frames),
        timeout=120)


def ledger_rows(cluster, decision_id):
    eng = sa.create_engine(cluster.db_url)
    with eng.connect() as c:
        rows = c.execute(sa.text("SELECT kind, amount_fen FROM transport_ledger "
                                 "WHERE decision_id = :d"), {"d": decision_id}).all()
    eng.dispose()
    return [tuple(r) for r in rows]


def test_enrolled_passenger_is_admitted_with_own_ticket(cluster, people, clip_frames):
    pid = start(cluster.a.stub, LIVE, people["tickets"]["L"])
    r = decide(cluster.a.stub, pid, clip_frames)
    d = r.decision
    assert words(d) == ("open", "match_1to1", "1:1"), r
    assert d.score >= d.threshold == pytest.approx(StationPolicy().thresholds_1to1()[0])
    assert d.ticket_id == people["tickets"]["L"] and d.fare_fen == 1250


def test_other_enrolled_person_with_that_ticket_is_denied(cluster, people, clip_frames):
    """Lin-Manuel (enrolled, live) presents Obama's ticket."""
    pid = start(cluster.b.stub, LIVE, people["tickets"]["O"])
    d = decide(cluster.b.stub, pid, clip_frames).decision
    assert words(d) == ("deny", "not_ticket_holder", "1:1")
    assert d.score < d.threshold and d.fare_fen == 0


def test_1ton_finds_the_passenger_without_a_ticket(cluster, people, clip_frames):
    # Ticket L was used in the first test: the search finds him, the ticket is spent.
    pid = start(cluster.b.stub, LIVE)
    d = decide(cluster.b.stub, pid, clip_frames).decision
    assert words(d)[2] == "1:N" and d.ticket_id == people["tickets"]["L"]
    assert d.score >= d.threshold
    assert words(d)[:2] in {("open", "match_1ton"), ("deny", "ticket_used")}


@pytest.mark.parametrize("photo", [
    "antispoof_samples/image_F1.jpg",  # printed photo
    "antispoof_samples/image_F2.jpg",  # tablet-screen replay
    LIN,                               # the enrolled passenger's own photo held up
])
@pytest.mark.parametrize("challenge", ["turn_right,blink", LIVE])
def test_spoof_without_the_challenge_is_denied(cluster, people, td, photo, challenge):
    img = samples.imread(td / photo)
    pid = start(cluster.a.stub, challenge, people["tickets"]["L"] if photo == LIN else "")
    r = decide(cluster.a.stub, pid, still_frames(img))
    assert words(r.decision)[:2] == ("deny", "liveness_failed"), r
    assert r.details and r.decision.fare_fen == 0


def test_replayed_turn_to_the_wrong_side_is_denied(cluster, people, clip_frames):
    pid = start(cluster.a.stub, "turn_left,move_closer", people["tickets"]["O"])
    r = decide(cluster.a.stub, pid, clip_frames)
    assert words(r.decision)[:2] == ("deny", "liveness_failed")
    assert "wrong way" in r.details[0]


def test_a_passage_is_decided_once(cluster, people, clip_frames):
    pid = start(cluster.a.stub, LIVE, people["tickets"]["O"])
    decide(cluster.a.stub, pid, clip_frames[:3])
    with pytest.raises(grpc.RpcError) as err:
        decide(cluster.a.stub, pid, clip_frames)
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION


def test_decision_retried_three_times_charges_once(cluster, lin_kiosk, clip_frames, wait):
    run = uuid.uuid4().hex[:6]
    t = ticket(f"R-{run}", fare=880)
    assert enrol(cluster.a.stub, t, lin_kiosk, f"id-{run}").ok
    pid = start(cluster.b.stub, LIVE, t.ticket_id)
    request_id = str(uuid.uuid4())
    replies = [decide(cluster.b.stub, pid, clip_frames, request_id) for _ in range(3)]
    assert [r.replayed for r in replies] == [False, True, True]
    assert {r.decision.meta.event_id for r in replies} == {request_id}
    assert replies[0].decision.gate_outcome == transport_pb2.OUTCOME_OPEN
    wait(lambda: ledger_rows(cluster, request_id), 20, "the charge")
    # The same decision event delivered three more times by Kafka: still one charge.
    producer = EventProducer(cluster.kafka, "test")
    for _ in range(3):
        producer.publish("transport.gate.decisions", replies[0].decision, key=GATE)
    producer.flush(10)
    producer.close()
    time.sleep(3)
    assert ledger_rows(cluster, request_id) == [("charge", 880)]
    # Staff reverse the passage: refunded once, however often they press the button.
    refunds = [cluster.a.stub.Refund(transport_pb2.RefundRequest(
        decision_id=request_id), timeout=10) for _ in range(2)]
    assert [(r.refunded, r.amount_fen) for r in refunds] == [(True, 880), (False, 880)]
    assert sorted(ledger_rows(cluster, request_id)) == [("charge", 880), ("refund", 880)]


def test_withdrawal_removes_face_data_everywhere_within_5s(cluster, td, wait):
    run = uuid.uuid4().hex[:6]
    t = ticket(f"W-{run}")
    res = enrol(cluster.a.stub, t, (td / LIN).read_bytes(), f"id-{run}")
    assert res.ok
    eid = res.enrolment_id
    cache = FaceCache(redis.Redis.from_url(cluster.redis_url, decode_responses=True))
    eng = sa.create_engine(cluster.db_url)

    def cached() -> bool:
        return cache.face(eid) is not None

    def in_db() -> bool:
        with eng.connect() as c:
            return c.execute(sa.select(enrolments.c.enrolment_id)
                             .where(enrolments.c.enrolment_id == eid)).first() is not None

    def in_gallery(node) -> bool:
        info = node.stub.GalleryInfo(transport_pb2.GalleryInfoRequest(), timeout=5)
        return eid in info.enrolment_ids

    wait(lambda: in_gallery(cluster.b), 10, "node b to learn the enrolment")
    assert in_gallery(cluster.a) and in_db() and cached()
    with pytest.raises(grpc.RpcError) as err:  # a stranger cannot withdraw
        cluster.b.stub.Withdraw(transport_pb2.WithdrawRequest(
            ticket_id=t.ticket_id, id_number="wrong"), timeout=10)
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED

    t0 = time.monotonic()
    w = cluster.b.stub.Withdraw(transport_pb2.WithdrawRequest(
        ticket_id=t.ticket_id, withdrawal_code=res.withdrawal_code), timeout=10)
    assert w.withdrawn
    while time.monotonic() - t0 < 5.0:
        if not (in_db() or cached() or in_gallery(cluster.a)
                or in_gallery(cluster.b)):
            break
        time.sleep(0.05)
    elapsed = time.monotonic() - t0
    assert not in_db() and not cached()
    assert not in_gallery(cluster.a) and not in_gallery(cluster.b), f"after {elapsed:.1f}s"
    assert elapsed < 5.0
    with eng.connect() as c:
        actions = [a for (a,) in c.execute(sa.select(consent_log.c.action)
                                           .where(consent_log.c.ticket_id == t.ticket_id))]
    assert actions == ["granted", "withdrawn"], "consent record kept, face data gone"
    eng.dispose()


def test_template_is_encrypted_and_photo_kept_only_on_opt_in(cluster, td):
    run = uuid.uuid4().hex[:6]
    photo = (td / OBAMA).read_bytes()
    plain = enrol(cluster.a.stub, ticket(f"E1-{run}"), photo, f"a-{run}")
    kept = enrol(cluster.a.stub, ticket(f"E2-{run}"), photo, f"b-{run}", keep_photo=True)
    eng = sa.create_engine(cluster.db_url)
    with eng.connect() as c:
        rows = {row.enrolment_id: row for row in c.execute(sa.select(enrolments).where(
            enrolments.c.enrolment_id.in_([plain.enrolment_id, kept.enrolment_id])))}
    eng.dispose()
    assert rows[plain.enrolment_id].photo is None
    assert rows[kept.enrolment_id].photo is not None
    assert photo not in rows[kept.enrolment_id].photo, "photo stored encrypted"
    template = rows[plain.enrolment_id].template
    assert len(template) == 1 + 12 + 128 * 4 + 16  # version, nonce, float32 x 128 (SFace), GCM tag
    cipher = FaceCipher(cluster.key)
    vec = cipher.open_vector(template, plain.enrolment_id)
    assert float(np.linalg.norm(vec)) == pytest.approx(1.0, abs=1e-4)
    assert vec.tobytes() not in template, "no plaintext in the row"
    other = rows[kept.enrolment_id].template
    assert other != template, "same photo, different nonce and ciphertext"
    with pytest.raises(InvalidTag):  # bound to its enrolment id: cannot be moved to another row
        cipher.open(template, kept.enrolment_id)
    with pytest.raises(InvalidTag):
        FaceCipher("another-key-" + "k" * 30).open(template, plain.enrolment_id)


@pytest.mark.parametrize(("photo", "consent", "reason"), [
    ("faces_ageitgey/examples/two_people.jpg", True, "several_faces"),
    ("blurred", True, "face_blurred"),
    ("tiny", True, "face_too_small"),
    (OBAMA, False, "consent_missing"),
])
def test_enrolment_refusals_say_why(cluster, td, photo, consent, reason):
    img = samples.imread(td / OBAMA)
    if photo == "blurred":
        data = jpeg(cv2.GaussianBlur(img, (0, 0), 12))
    elif photo == "tiny":
        data = jpeg(cv2.resize(img, (120, 150), interpolation=cv2.INTER_AREA))
    else:
        data = (td / photo).read_bytes()
    c = transport_pb2.Consent(text_version="face-2025-06", accepted=consent)
    r = enrol(cluster.a.stub, ticket(f"Q-{uuid.uuid4().hex[:6]}"), data, "q-1", consent=c)
    want = transport_pb2.EnrolRefusal.Value(f"ENROL_REFUSAL_{reason.upper()}")
    assert not r.ok and r.refusals[0] == want, r.refusals


def test_bad_upload_is_invalid_argument(cluster):
    with pytest.raises(grpc.RpcError) as err:
        enrol(cluster.a.stub, ticket("X-1"), b"not an image", "x-1")
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_manual_lane_qr_and_id_with_staff_confirmation(cluster, wait):
    run = uuid.uuid4().hex[:6]
    t = ticket(f"M-{run}", fare=600)
    issue(cluster.a.stub, t, f"id-{run}")
    wrong = cluster.a.stub.RequestManual(transport_pb2.ManualRequestRequest(
        gate_id=GATE, ticket_id=t.ticket_id, id_number="someone-else"), timeout=10).item
    right = cluster.a.stub.RequestManual(transport_pb2.ManualRequestRequest(
        gate_id=GATE, ticket_id=t.ticket_id, id_number=f"id-{run}"), timeout=10).item
    assert (wrong.id_matches, right.id_matches) == (False, True)
    with pytest.raises(grpc.RpcError) as err:  # opening an ID mismatch needs a reason
        cluster.b.stub.ResolveManual(transport_pb2.ResolveManualRequest(
            item_id=wrong.item_id, approve=True), timeout=10)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    queue = cluster.b.stub.ListManualQueue(transport_pb2.ListManualQueueRequest(
        station_id="zezhou-hsr"), timeout=10).items
    assert {wrong.item_id, right.item_id} <= {i.item_id for i in queue}
    refused = cluster.b.stub.ResolveManual(transport_pb2.ResolveManualRequest(
        item_id=wrong.item_id, approve=False), timeout=10).decision
    assert (refused.lane_code, refused.gate_outcome, refused.why, refused.actor) == (
        transport_pb2.LANE_MANUAL, transport_pb2.OUTCOME_DENY,
        transport_pb2.DECISION_REASON_STAFF_REFUSED, "staff/test-admin")
    opened = [cluster.b.stub.ResolveManual(transport_pb2.ResolveManualRequest(
        item_id=right.item_id, approve=True), timeout=10).decision
        for _ in range(2)]
    assert opened[0] == opened[1] and opened[0].fare_fen == 600
    assert opened[0].gate_outcome == transport_pb2.OUTCOME_OPEN
    wait(lambda: ledger_rows(cluster, opened[0].meta.event_id), 20, "manual lane charge")
    time.sleep(1)
    assert ledger_rows(cluster, opened[0].meta.event_id) == [("charge", 600)]


def test_face_data_is_purged_after_departure_plus_retention(cluster, td, wait):
    """Retention 24 h (default): a ticket that left 24 h - 3 s ago is purged within seconds."""
    run = uuid.uuid4().hex[:6]
    t = ticket(f"P-{run}", minutes=-24 * 60 + 3 / 60)
    res = enrol(cluster.a.stub, t, (td / OBAMA).read_bytes(), f"id-{run}")
    assert res.ok, res.refusals
    cache = FaceCache(redis.Redis.from_url(cluster.redis_url, decode_responses=True))
    wait(lambda: cache.face(res.enrolment_id) is None and all(
        res.enrolment_id not in n.stub.GalleryInfo(transport_pb2.GalleryInfoRequest(),
                                                    timeout=5).enrolment_ids
        for n in (cluster.a, cluster.b)), 15, "purge")


def test_events_on_kafka_carry_no_face_data(cluster, people):
    consumer = KafkaConsumer("transport.face.enrolments", bootstrap_servers=cluster.kafka,
                             auto_offset_reset="earliest", consumer_timeout_ms=3000)
    values = [m.value for m in consumer]
    consumer.close()
    assert values
    events = [transport_pb2.FaceEnrolmentEvent.FromString(v) for v in values]
    assert {e.action for e in events} >= {"enrolled"}
    assert max(len(v) for v in values) < 400, "ids and times only"


def test_simulated_gate_camera_replays_real_footage(cluster, td, tmp_path, base_env):
    """The demo device (simulators/transport.py) against the real service: one whole cycle at
    the bus station gate (no other passenger enrolled there), then a restart's clean-up."""
    from simulators.transport import GateCamera, load_footage

    ledger = tmp_path / "camera.json"
    cam = GateCamera(f"127.0.0.1:{cluster.a.port}", td, ledger=ledger, gate="gate-bus-1",
                     principal_key=base_env["Z5G_SERVICE_PRINCIPAL_KEY"])
    footage = load_footage(td)
    results = [cam.step(kind, footage) for kind in range(5)]
    assert results == ["open/match_1to1", "deny/liveness_failed", "deny/liveness_failed",
                       "open/match_1ton", "queued/qr_id_check"], results
    # Consent withdrawn after each passenger: no demo face is left.
    assert cam.enrolled == {} and json.loads(ledger.read_text()) == {}
    # Two more cycles' staffed-lane requests: the queue stays short (nobody staffs the demo).
    queued = []
    for _ in range(3):
        cam._enrol()
        queued.append(cam.step(4, footage))
    assert queued == ["queued/qr_id_check", "queued/qr_id_check", "skipped/queue_full"]
    assert cam.enrolled == {}
    # A camera stopped mid-cycle leaves a ticket enrolled; the next one withdraws it first.
    cam._enrol()
    left = dict(cam.enrolled)
    restarted = GateCamera(f"127.0.0.1:{cluster.a.port}", td, ledger=ledger, gate="gate-bus-1",
                     principal_key=base_env["Z5G_SERVICE_PRINCIPAL_KEY"])
    restarted._withdraw_leftovers()
    assert restarted.enrolled == {}
    (ticket_id, proof), = left.items()
    with pytest.raises(grpc.RpcError) as err:  # its withdrawal code died with the enrolment
        cluster.a.stub.Withdraw(transport_pb2.WithdrawRequest(
            ticket_id=ticket_id, withdrawal_code=proof["withdrawal_code"]),
            timeout=10)
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as err:  # nor can anyone withdraw by knowing its ID
        cluster.a.stub.Withdraw(transport_pb2.WithdrawRequest(
            ticket_id=ticket_id, id_number=proof["id_number"]), timeout=10)
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
