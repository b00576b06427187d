"""Proof of ticket ownership on two real gate nodes (Kafka, Redis, SQL, models): one-time
codes are single use, die after 5 wrong tries, are throttled per ticket; ticketing cannot
rebind an enrolled ticket to another ID; the pure rules table-tested. Photos: see conftest.py.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import grpc
import pytest
import sqlalchemy as sa
from transport.domain.enrolment import (
    OtpState,
    mask_phone,
    new_otp,
    new_withdrawal_code,
    normalise_code,
    normalise_phone,
    otp_problem,
    sms_text,
)
from zezhou5g.platform import refusals
from zezhou5g.transport.v1 import transport_pb2

from .conftest import CONSENT, LIN, enrol, issue, sms_code, ticket

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
NOT_PROVEN = transport_pb2.ENROL_REFUSAL_OWNERSHIP_NOT_PROVEN


@pytest.mark.parametrize(("otp", "problem"), [
    (None, "no_code"),
    (OtpState("h", NOW + timedelta(minutes=5), 0, False), None),
    (OtpState("h", NOW + timedelta(minutes=5), 4, False), None),
    (OtpState("h", NOW + timedelta(minutes=5), 5, False), "code_locked"),
    (OtpState("h", NOW, 0, False), "code_expired"),
    (OtpState("h", NOW + timedelta(minutes=5), 0, True), "code_used"),
])
def test_otp_rules(otp, problem):
    assert otp_problem(otp, NOW) == problem


def test_codes_and_phone_formats():
    codes = {new_otp() for _ in range(200)}
    assert all(len(c) == 6 and c.isdigit() for c in codes) and len(codes) > 150
    wd = new_withdrawal_code()
    assert len(wd) == 14 and wd.count("-") == 2 and normalise_code(wd.lower()) == \
        wd.replace("-", "")
    assert mask_phone("13800001234") == "138****1234"
    assert normalise_phone("+86 138-0000-1234") == "+8613800001234"
    with pytest.raises(ValueError):
        normalise_phone("call me")


def test_the_sms_is_written_in_one_language_the_passengers():
    zh, en = sms_text("enrol", "123456"), sms_text("withdraw", "654321", "en")
    assert "123456" in zh and "人脸进站登记" in zh and not any("a" <= c <= "z" for c in zh)
    assert "654321" in en and "withdrawing your face data" in en
    assert not any("\u4e00" <= c <= "\u9fff" for c in en)
    with pytest.raises(ValueError, match="zh-CN"):
        sms_text("enrol", "123456", "fr")


def test_the_code_is_texted_in_the_language_asked_for(cluster):
    run = uuid.uuid4().hex[:6]
    t = ticket(f"T-{run}")
    issue(cluster.a.stub, t, f"id-{run}")
    cluster.a.stub.RequestCode(transport_pb2.RequestCodeRequest(
        ticket_id=t.ticket_id, id_number=f"id-{run}", lang="en"), timeout=10)
    (sms,) = cluster.a.stub.ListSmsOutbox(transport_pb2.ListSmsOutboxRequest(
        ticket_id=t.ticket_id), timeout=10).messages
    assert sms.lang == "en" and sms.body.startswith("[Zezhou 5G+] Code ")
    with pytest.raises(grpc.RpcError) as err:
        cluster.a.stub.RequestCode(transport_pb2.RequestCodeRequest(
            ticket_id=t.ticket_id, id_number=f"id-{run}", lang="fr"), timeout=10)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert refusals.read(err.value.trailing_metadata())[0] == "REFUSAL_LANGUAGE_UNKNOWN"


def _enrol(stub, ticket_id, id_number, otp, photo=b"\x89PNG not needed when refused"):
    return stub.Enrol(transport_pb2.EnrolRequest(ticket_id=ticket_id, id_number=id_number,
                                                 otp=otp, consent=CONSENT, photo=photo), timeout=60)


def test_code_is_single_use_and_dies_after_five_wrong_tries(cluster, td):
    run = uuid.uuid4().hex[:6]
    t, id_number = ticket(f"C-{run}"), f"id-{run}"
    issue(cluster.a.stub, t, id_number)
    code = sms_code(cluster.a.stub, t.ticket_id, id_number)
    wrong = f"{(int(code) + 1) % 10 ** 6:06d}"
    for _ in range(5):
        assert not _enrol(cluster.b.stub, t.ticket_id, id_number, wrong).ok
    r = _enrol(cluster.b.stub, t.ticket_id, id_number, code, (td / LIN).read_bytes())
    assert not r.ok and list(r.refusals) == [NOT_PROVEN], "locked"
    # A new code works once; the same code a second time does not.
    code = sms_code(cluster.a.stub, t.ticket_id, id_number)
    assert _enrol(cluster.a.stub, t.ticket_id, id_number, code, (td / LIN).read_bytes()).ok
    # Proof is checked before "already enrolled": this says the code itself is spent.
    r = _enrol(cluster.a.stub, t.ticket_id, id_number, code, (td / LIN).read_bytes())
    assert not r.ok and list(r.refusals) == [NOT_PROVEN], r.refusals


def test_enrolment_code_cannot_withdraw(cluster, td):
    run = uuid.uuid4().hex[:6]
    t, id_number = ticket(f"U-{run}"), f"id-{run}"
    res = enrol(cluster.a.stub, t, (td / LIN).read_bytes(), id_number)
    assert res.ok
    code = sms_code(cluster.a.stub, t.ticket_id, id_number)  # an "enrol" code
    with pytest.raises(grpc.RpcError) as err:
        cluster.a.stub.Withdraw(transport_pb2.WithdrawRequest(
            ticket_id=t.ticket_id, id_number=id_number, otp=code), timeout=10)
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    w = cluster.a.stub.Withdraw(transport_pb2.WithdrawRequest(
        ticket_id=t.ticket_id, id_number=id_number,
        otp=sms_code(cluster.a.stub, t.ticket_id, id_number, "withdraw")), timeout=10)
    assert w.withdrawn


def test_code_requests_are_throttled_per_ticket(cluster):
    run = uuid.uuid4().hex[:6]
    t = ticket(f"T-{run}")
    issue(cluster.a.stub, t, f"id-{run}")
    for _ in range(5):  # right or wrong ID number: the same answer, counted alike
        cluster.a.stub.RequestCode(transport_pb2.RequestCodeRequest(
            ticket_id=t.ticket_id, id_number="guess-1234"), timeout=10)
    with pytest.raises(grpc.RpcError) as err:
        cluster.a.stub.RequestCode(transport_pb2.RequestCodeRequest(
            ticket_id=t.ticket_id, id_number=f"id-{run}"), timeout=10)
    assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert refusals.read(err.value.trailing_metadata()) == ("REFUSAL_TOO_MANY_CODE_REQUESTS",
                                                            {"minutes": 10})
    assert not cluster.a.stub.ListSmsOutbox(transport_pb2.ListSmsOutboxRequest(
        ticket_id=t.ticket_id), timeout=10).messages, "no SMS for a wrong ID number"


def test_ticketing_cannot_rebind_an_enrolled_ticket(cluster, td):
    run = uuid.uuid4().hex[:6]
    t, id_number = ticket(f"B-{run}"), f"id-{run}"
    assert enrol(cluster.a.stub, t, (td / LIN).read_bytes(), id_number).ok
    eng = sa.create_engine(cluster.db_url)

    def stored():
        with eng.connect() as c:
            return c.execute(sa.text("SELECT * FROM transport_tickets WHERE ticket_id = :t"),
                             {"t": t.ticket_id}).all()

    before = stored()
    with pytest.raises(grpc.RpcError) as err:
        issue(cluster.a.stub, t, "someone-else")
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert refusals.read(err.value.trailing_metadata()) == ("REFUSAL_ENROLLED_OTHER_ID", {})
    assert stored() == before
    res = cluster.a.stub.IssueTickets(transport_pb2.IssueTicketsRequest(tickets=[
        transport_pb2.RegisterTicketRequest(ticket=t, id_number="someone-else",
                                            phone="13900000000"),
        transport_pb2.RegisterTicketRequest(ticket=t, id_number=id_number,
                                            phone="13900000000")]), timeout=10)
    assert (res.issued, res.unchanged, len(res.refusals)) == (1, 0, 1)  # phone changed
    assert res.refusals[0] == transport_pb2.TicketRefusal(
        ticket_id=t.ticket_id, why=transport_pb2.REFUSAL_ENROLLED_OTHER_ID)
    eng.dispose()
