"""Ticket takeover through the real stack's public API (issue 14), with the stored rows compared.

Ticketing (station-ops, signed in) imports a manifest; the passenger proves ownership with the
ID number and the SMS code (read from the demo SMS outbox, as their phone would show it) and
enrols; a stranger then tries to re-enrol the ticket with their own ID and face, to enrol an
unknown ticket id, and to withdraw the passenger's consent by guessing. Every attempt is
refused, and the ticket, its enrolment and its consent record stay byte for byte the same.

Photos: shared/testdata/faces_ageitgey (ageitgey/face_recognition @
2e2dccea9dd0ce730c8d464d0f67c6eebb40c9d1, MIT).
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa
from zezhou5g.platform import paths
from zezhou5g.platform.kafka import EventProducer
from zezhou5g.transport.v1 import transport_pb2

TD = paths.testdata_dir()
LIN = TD / "faces_ageitgey/examples/lin-manuel-miranda.png"
OBAMA = TD / "faces_ageitgey/tests/test_images/obama.jpg"
CONSENT = {"consent": "true", "consent_version": "face-2025-06"}


def rows(db: Path, ticket_id: str) -> dict[str, list[tuple[object, ...]]]:
    """Everything stored about a ticket's holder and face (not the audit log)."""
    eng = sa.create_engine(f"sqlite:///{db}")
    out = {}
    with eng.connect() as c:
        for table in ("transport_tickets", "transport_enrolments", "transport_consent_log"):
            out[table] = [tuple(r) for r in c.execute(
                sa.text(f"SELECT * FROM {table} WHERE ticket_id = :t"), {"t": ticket_id})]  # noqa: S608
    eng.dispose()
    return out


def outbox(staff: httpx.Client, ticket_id: str) -> list[dict[str, str]]:
    r = staff.get("/api/transport/sms-outbox", params={"ticket_id": ticket_id})
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def code_for(public: httpx.Client, staff: httpx.Client, ticket_id: str, id_number: str,
             purpose: str = "enrol") -> str:
    """Ask for a code on the public API; read it off the 'phone' (the outbox)."""
    r = public.post("/api/transport/codes", json={"ticket_id": ticket_id,
                                                  "id_number": id_number, "purpose": purpose})
    assert r.status_code == 200 and r.json()["accepted"] is True, r.text
    m = re.search(r"(?<!\d)(\d{6})(?!\d)", outbox(staff, ticket_id)[0]["body"])
    assert m
    return m.group(1)


def enrol(public: httpx.Client, ticket_id: str, id_number: str, otp: str,
          photo: Path) -> dict[str, object]:
    r = public.post("/api/transport/enrol", timeout=90, data={
        "ticket_id": ticket_id, "id_number": id_number, "otp": otp, **CONSENT},
        files={"photo": (photo.name, photo.read_bytes())})
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_ticket_takeover_is_refused_and_changes_nothing(stack, sign_in):
    run = uuid.uuid4().hex[:6]
    db = Path(str(stack["tmp"])) / "transport.db"
    staff = sign_in(stack, "station-ops")
    public = httpx.Client(base_url=str(stack["url"]), timeout=30)
    ticket, owner_id, stranger_id = f"TK-{run}", f"14010219900101{run[:4]}", f"1101{run}X"
    dep = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    manifest = ("ticket_id,trip_id,seat,departure,station_id,passenger_name,id_number,phone,"
                f"fare_fen\n{ticket},G1234,05A,{dep},zezhou-hsr,张三,{owner_id},13800001234,"
                "1250\n")
    r = staff.post("/api/transport/manifest", content=manifest.encode(),
                   headers={"content-type": "text/csv"})
    assert r.json() == {"issued": 1, "unchanged": 0, "refusals": []}, r.text
    assert public.post("/api/transport/manifest", content=manifest.encode(),
                       headers={"content-type": "text/csv"}).status_code == 401

    # The passenger: ID number + SMS code, then the photo. Enrolled.
    res = enrol(public, ticket, owner_id, code_for(public, staff, ticket, owner_id), LIN)
    assert res["ok"] is True, res
    withdrawal_code = str(res["withdrawal_code"])
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", withdrawal_code)
    before = rows(db, ticket)
    assert len(before["transport_enrolments"]) == 1
    sent = len(outbox(staff, ticket))

    # 1. A stranger re-enrols the ticket with their own ID and face: the code request gets
    #    the same answer, but no SMS goes anywhere, and no guessed code works.
    r = public.post("/api/transport/codes", json={"ticket_id": ticket,
                                                  "id_number": stranger_id})
    assert r.status_code == 200 and r.json()["accepted"] is True
    assert len(outbox(staff, ticket)) == sent
    for guess in ("000000", "123456"):
        res = enrol(public, ticket, stranger_id, guess, OBAMA)
        assert res["ok"] is False and res["refusals"] == ["ENROL_REFUSAL_OWNERSHIP_NOT_PROVEN"]
        assert rows(db, ticket) == before
    # ... also with the passenger's ID number (leaked) but without their phone.
    res = enrol(public, ticket, owner_id, "654321", OBAMA)
    assert res["ok"] is False and res["refusals"] == ["ENROL_REFUSAL_OWNERSHIP_NOT_PROVEN"]
    assert rows(db, ticket) == before
    # Even the owner, with a fresh valid code, cannot overwrite the enrolment: withdraw first.
    res = enrol(public, ticket, owner_id, code_for(public, staff, ticket, owner_id), OBAMA)
    assert res["ok"] is False and res["refusals"] == ["ENROL_REFUSAL_ALREADY_ENROLLED"]
    assert rows(db, ticket) == before

    # 2. An unknown ticket id is not created by enrolling it.
    unknown = f"NEW-{run}"
    res = enrol(public, unknown, stranger_id, "000000", OBAMA)
    assert res["ok"] is False and res["refusals"] == ["ENROL_REFUSAL_OWNERSHIP_NOT_PROVEN"]
    assert rows(db, unknown) == {t: [] for t in before}

    # 3. Withdrawing someone else's consent by guessing: the ID number alone is not enough,
    #    nor a guessed SMS code or withdrawal code.
    w = public.post("/api/transport/withdraw", json={"ticket_id": ticket,
                                                     "id_number": owner_id})
    assert w.status_code == 422
    for body in ({"id_number": owner_id, "otp": "000000"},
                 {"withdrawal_code": "AAAA-BBBB-CCCC"}):
        w = public.post("/api/transport/withdraw", json={"ticket_id": ticket, **body})
        assert w.status_code == 403, w.text
        assert rows(db, ticket) == before

    # Station-ops see every refusal in the audit log.
    audit = staff.get("/api/transport/enrolment-audit", params={"ticket_id": ticket}).json()
    actions = [e["action"] for e in reversed(audit)]
    assert actions[:3] == ["ticket_issued", "code_sent", "enrolled"], actions
    assert actions.count("enrol_refused") == 4 and actions.count("withdraw_refused") == 2
    assert "code_refused" in actions

    # 4. The passenger withdraws with the code shown at enrolment; it works once.
    w = public.post("/api/transport/withdraw", json={"ticket_id": ticket,
                                                     "withdrawal_code": withdrawal_code.lower()})
    assert w.status_code == 200 and w.json()["withdrawn"] is True, w.text
    after = rows(db, ticket)
    assert after["transport_enrolments"] == [] and after["transport_tickets"] == \
        before["transport_tickets"]
    assert [r[3] for r in after["transport_consent_log"]] == ["granted", "withdrawn"]
    assert public.post("/api/transport/withdraw", json={
        "ticket_id": ticket, "withdrawal_code": withdrawal_code}).status_code == 403
    # Re-enrolment after withdrawal goes through the same proof and works.
    res = enrol(public, ticket, owner_id, code_for(public, staff, ticket, owner_id), LIN)
    assert res["ok"] is True, res
    w = public.post("/api/transport/withdraw", json={
        "ticket_id": ticket, "id_number": owner_id,
        "otp": code_for(public, staff, ticket, owner_id, "withdraw")})
    assert w.status_code == 200 and w.json()["withdrawn"] is True, w.text
    public.close()
    staff.close()


def test_public_gate_status_needs_no_sign_in(stack, wait):
    """The public page's data: per station its gates, open lanes, wait estimate; retention."""
    producer = EventProducer(stack["env"]["Z5G_KAFKA_BOOTSTRAP"], "test")
    beats = {"gate-hsr-1": (True, 3), "gate-hsr-2": (False, 2), "gate-bus-1": (True, 0)}
    for gate, (camera_ok, queue) in beats.items():
        producer.publish("transport.gate.heartbeats", transport_pb2.GateHeartbeat(
            gate_id=gate, station_id="zezhou-bus" if "bus" in gate else "zezhou-hsr",
            camera_ok=camera_ok, queue_length=queue), key=gate)
    producer.flush(10)
    producer.close()

    def view() -> dict[str, object] | None:
        r = httpx.get(f"{stack['url']}/api/public/transport", timeout=10)
        assert r.status_code == 200
        body = r.json()
        return body if sum(len(s["gates"]) for s in body["stations"]) == 3 else None

    body = wait(view, 60, "the gates' status")
    assert body["retention_h"] == 24
    stations = {s["station_id"]: s for s in body["stations"]}
    hsr = {g["gate_id"]: g for g in stations["zezhou-hsr"]["gates"]}
    assert hsr["gate-hsr-1"]["lanes"] == ["face", "qr_id"] and hsr["gate-hsr-1"]["open"]
    assert hsr["gate-hsr-2"]["lanes"] == ["qr_id"], "camera fault: staffed lane only"
    assert hsr["gate-hsr-1"]["wait_s"] == 24 and hsr["gate-hsr-2"]["wait_s"] == 60
    assert stations["zezhou-hsr"]["wait_s"] == 24 and stations["zezhou-hsr"]["gates_open"] == 2
    assert stations["zezhou-bus"]["wait_s"] == 0
