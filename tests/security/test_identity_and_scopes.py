"""Service identity and scopes (issue 13, items 1 and 5) against the real stack.

The attacks of the issue, replayed: direct gRPC to each service port claiming a role, with no
principal, a forged one, an expired one, one for another service, and a valid one of the wrong
role or scope; the ports seen from this machine's non-loopback address; cross-scope reads and
acknowledgements through the gateway. Each refusal is checked with its status code, the
``z5g_grpc_refused_total`` counter of the service, and for medical the audit row.
"""

from __future__ import annotations

import socket
import subprocess
import time
import uuid
from pathlib import Path

import grpc
import httpx
import pytest
import redis
from zezhou5g.agri.v1 import agri_pb2, agri_pb2_grpc
from zezhou5g.medical.v1 import medical_pb2, medical_pb2_grpc
from zezhou5g.platform.kafka import EventProducer
from zezhou5g.platform.principal import METADATA_KEY, PrincipalSigner
from zezhou5g.tourism.v1 import flow_pb2, tourism_pb2_grpc
from zezhou5g.transport.v1 import transport_pb2, transport_pb2_grpc

# One operator-only RPC per service, called as an outsider would (roles claimed in the body
# where the contract has a field for it).
CLAIMED_ADMIN = medical_pb2.Requester(user="mallory", care_team="", role="admin")
PROBES = {
    "medical": lambda ch, **kw: medical_pb2_grpc.MedicalServiceStub(ch).GetPatientVitals(
        medical_pb2.GetPatientVitalsRequest(patient_id="p-1003", requester=CLAIMED_ADMIN),
        timeout=5, **kw),
    "tourism": lambda ch, **kw: tourism_pb2_grpc.TourismServiceStub(ch).ListAlerts(
        flow_pb2.ListAlertsRequest(), timeout=5, **kw),
    "agri": lambda ch, **kw: agri_pb2_grpc.AgriServiceStub(ch).GetEmergency(
        agri_pb2.GetEmergencyRequest(), timeout=5, **kw),
    "transport": lambda ch, **kw: transport_pb2_grpc.TransportServiceStub(ch).GetStationSummary(
        transport_pb2.StationSummaryRequest(), timeout=5, **kw),
}
# A caller the platform knows whose role the probe does not allow.
WRONG_ROLE = {"medical": ("farmer-li", "farmer", {}), "tourism": ("farmer-li", "farmer", {}),
              "agri": ("dr-wang", "clinician", {"team": ["team-a"]}),
              "transport": ("anonymous", "public", {})}
SERVICES = tuple(PROBES)


def _code(fn) -> grpc.StatusCode:  # type: ignore[no-untyped-def]
    with pytest.raises(grpc.RpcError) as err:
        fn()
    return err.value.code()  # type: ignore[no-any-return]


def _refused(stack: dict, service: str, code: str, reason: str) -> float:
    """The service's ``z5g_grpc_refused_total`` for one code and reason (summed over methods)."""
    port = stack["metrics_ports"][service]
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    total = 0.0
    for line in text.splitlines():
        if (line.startswith("z5g_grpc_refused_total{") and f'code="{code}"' in line
                and f'reason="{reason}"' in line and f'service="{service}"' in line):
            total += float(line.rsplit(" ", 1)[1])
    return total


@pytest.fixture(scope="module")
def channels(stack):  # type: ignore[no-untyped-def]
    chans = {s: grpc.insecure_channel(f"127.0.0.1:{stack['ports'][s]}") for s in SERVICES}
    yield chans
    for ch in chans.values():
        ch.close()


@pytest.fixture(scope="module")
def signer(stack) -> PrincipalSigner:  # type: ignore[no-untyped-def]
    return PrincipalSigner(stack["env"]["Z5G_SERVICE_PRINCIPAL_KEY"])


def _audit(channels, signer) -> list:  # type: ignore[no-untyped-def]
    md = signer.metadata("medical", "admin", "admin")
    return list(medical_pb2_grpc.MedicalServiceStub(channels["medical"]).ListAudit(
        medical_pb2.ListAuditRequest(limit=50), timeout=5, metadata=md).entries)


@pytest.mark.parametrize("service", SERVICES)
def test_direct_grpc_without_a_valid_principal_is_unauthenticated(
        service, stack, channels, signer):
    ch, probe = channels[service], PROBES[service]
    before = {r: _refused(stack, service, "UNAUTHENTICATED", r)
              for r in ("missing", "signature", "expired", "audience", "algorithm")}
    assert _code(lambda: probe(ch)) == grpc.StatusCode.UNAUTHENTICATED
    forged = PrincipalSigner("x" * 40).metadata(service, "mallory", "admin")
    assert _code(lambda: probe(ch, metadata=forged)) == grpc.StatusCode.UNAUTHENTICATED
    stale = ((METADATA_KEY, signer.token(service, "admin", "admin", now=time.time() - 300)),)
    assert _code(lambda: probe(ch, metadata=stale)) == grpc.StatusCode.UNAUTHENTICATED
    other = "tourism" if service != "tourism" else "agri"
    elsewhere = signer.metadata(other, "admin", "admin")
    assert _code(lambda: probe(ch, metadata=elsewhere)) == grpc.StatusCode.UNAUTHENTICATED
    # alg "none" with the claims of a valid token: refused before any signature check.
    body = signer.token(service, "admin", "admin").split(".")[1]
    unsigned = ((METADATA_KEY, f"eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{body}."),)
    assert _code(lambda: probe(ch, metadata=unsigned)) == grpc.StatusCode.UNAUTHENTICATED
    after = {r: _refused(stack, service, "UNAUTHENTICATED", r) for r in before}
    assert {r: after[r] - before[r] for r in before} == {
        "missing": 1, "signature": 1, "expired": 1, "audience": 1, "algorithm": 1}
    # The same call with the gateway's principal for an administrator goes through (or fails
    # for a reason of its own, never for the caller).
    try:
        probe(ch, metadata=signer.metadata(service, "admin", "admin"))
    except grpc.RpcError as exc:
        assert exc.code() == grpc.StatusCode.NOT_FOUND, exc  # medical: no vitals yet


def test_medical_refusals_are_audited(stack, channels, signer):
    ch = channels["medical"]
    assert _code(lambda: PROBES["medical"](ch)) == grpc.StatusCode.UNAUTHENTICATED
    rows = _audit(channels, signer)
    assert any(not r.allowed and r.action == "GetPatientVitals"
               and r.detail == "UNAUTHENTICATED: missing" for r in rows[:5]), rows[:5]
    # Dr Li (team B) asks for a team A patient with a body claiming to be an administrator.
    md = signer.metadata("medical", "dr-li", "clinician", {"team": ["team-b"]})
    before = _refused(stack, "medical", "PERMISSION_DENIED", "scope")
    assert _code(lambda: PROBES["medical"](ch, metadata=md)) == \
        grpc.StatusCode.PERMISSION_DENIED
    assert _refused(stack, "medical", "PERMISSION_DENIED", "scope") == before + 1
    rows = _audit(channels, signer)
    assert any(r.user == "dr-li" and r.care_team == "team-b" and r.patient_id == "p-1003"
               and not r.allowed for r in rows[:5]), rows[:5]
    # Only administrators read the audit log: a clinician's attempt is refused and audited.
    stub = medical_pb2_grpc.MedicalServiceStub(ch)
    assert _code(lambda: stub.ListAudit(medical_pb2.ListAuditRequest(), timeout=5,
                                        metadata=md)) == grpc.StatusCode.PERMISSION_DENIED
    assert any(r.user == "dr-li" and r.action == "read_audit" and not r.allowed
               for r in _audit(channels, signer)[:5])


@pytest.mark.parametrize("service", SERVICES)
def test_valid_principal_of_the_wrong_role_is_denied_and_counted(
        service, stack, channels, signer):
    subject, role, scopes = WRONG_ROLE[service]
    md = signer.metadata(service, subject, role, scopes)
    before = _refused(stack, service, "PERMISSION_DENIED", "role")
    assert _code(lambda: PROBES[service](channels[service], metadata=md)) == \
        grpc.StatusCode.PERMISSION_DENIED
    assert _refused(stack, service, "PERMISSION_DENIED", "role") == before + 1


def test_health_checks_stay_open_for_probes(stack, channels):
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    for service in SERVICES:
        reply = health_pb2_grpc.HealthStub(channels[service]).Check(
            health_pb2.HealthCheckRequest(), timeout=5)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING, service


def _outside_address() -> str:
    out = subprocess.run(["hostname", "-I"], capture_output=True, text=True, check=False)
    addrs = [a for a in out.stdout.split() if ":" not in a and not a.startswith("127.")]
    if not addrs:
        pytest.skip("this machine has no non-loopback IPv4 address")
    return addrs[0]


def test_service_ports_are_not_reachable_from_outside_loopback(stack):
    addr = _outside_address()
    for service in SERVICES:
        for port in (stack["ports"][service], stack["metrics_ports"][service]):
            with socket.create_connection(("127.0.0.1", port), timeout=2):
                pass  # listening on loopback: the refusal below is not a dead port
            with pytest.raises(OSError):
                socket.create_connection((addr, port), timeout=2).close()


# ---- scopes through the gateway -------------------------------------------------------


def test_farmer_emergency_view_shows_only_own_fields(stack, kafka, sign_in, wait):
    producer = EventProducer(kafka.bootstrap, "test-frost")
    # A frost night on farmer Zhao's field-e1 and farmer Li's field-e3 (critical for both).
    for device, field in (("air-e1-1", "field-e1"), ("air-e3-1", "field-e3")):
        producer.publish("agri.telemetry", agri_pb2.SensorReading(
            device_id=device, field_id=field, air_temp_c=-8.0), key=device)
    producer.flush(10)
    producer.close()
    bureau, zhao = sign_in(stack, "agri-bureau"), sign_in(stack, "farmer-zhao")

    def fields(client: httpx.Client) -> set[str]:
        body = client.get("/api/agri/emergency").json()
        return {a["field_id"] for a in body.get("critical", [])} | {
            f["id"] for f in body.get("fields", [])}

    wait(lambda: {"field-e1", "field-e3"} <= fields(bureau), 40, "both frosts county-wide")
    body = zhao.get("/api/agri/emergency").json()
    assert {a["field_id"] for a in body["critical"]} == {"field-e1"}, body
    assert {f["id"] for f in body["fields"]} == {"field-e1"}, body
    assert all(o["field_id"] == "field-e1" for o in body.get("orders", [])), body
    li_alarm = next(a for a in bureau.get("/api/agri/alarms").json()
                    if a["field_id"] == "field-e3")
    assert zhao.post(f"/api/agri/alarms/{li_alarm['id']}/ack").status_code == 403


def test_a_farmer_outside_their_fields_is_refused_by_the_agri_service(stack, sign_in):
    """The gateway forwards in one RPC; the refusal is the service's, counted there."""
    zhao = sign_in(stack, "farmer-zhao")
    attempts = [  # farmer Li's field-e3, and ids that exist nowhere (a farmer learns nothing)
        ("scope", lambda: zhao.post("/api/agri/alarms/no-such-alarm/ack")),
        ("scope", lambda: zhao.get("/api/agri/history/soil-e3-1/soil_moisture_vwc")),
        ("scope", lambda: zhao.post("/api/agri/orders", json={"task": "irrigation",
                                                             "field_id": "field-e3"})),
        ("role", lambda: zhao.post("/api/agri/orders/no-such-order/state",
                                   json={"state": "done"})),
    ]
    for reason, attempt in attempts:
        before = _refused(stack, "agri", "PERMISSION_DENIED", reason)
        r = attempt()
        assert r.status_code == 403 and r.json()["code"] == "service.permission_denied", r.text
        assert _refused(stack, "agri", "PERMISSION_DENIED", reason) == before + 1, r.url


def test_scenic_operator_acks_only_own_area(stack, sign_in):
    from tourism.adapters.flow_store import FlowStore

    store = FlowStore(redis.Redis.from_url(stack["redis_url"], decode_responses=True))
    ids = {}
    for area, zone in (("dayang", "dayang-old-street"), ("jueshan", "jueshan-gate-plaza")):
        alert = flow_pb2.ZoneAlert(alert_id=f"sec-{area}-{uuid.uuid4().hex[:8]}", zone_id=zone,
                                   area_id=area, alert_state=flow_pb2.ZONE_ALERT_STATE_RAISED,
                                   count=90, capacity=60, occupancy=1.5,
                                   crowd_level=flow_pb2.CROWD_LEVEL_OVER_CAPACITY)
        alert.raised_at.GetCurrentTime()
        store.put_alert(alert)
        ids[area] = alert.alert_id
    ops, admin = sign_in(stack, "jueshan-ops"), sign_in(stack, "admin")
    before = _refused(stack, "tourism", "PERMISSION_DENIED", "scope")
    r = ops.post(f"/api/tourism/alerts/{ids['dayang']}/ack")
    assert r.status_code == 403, r.text
    assert _refused(stack, "tourism", "PERMISSION_DENIED", "scope") == before + 1
    assert store.alert(ids["dayang"]).acknowledged is False
    r = ops.post(f"/api/tourism/alerts/{ids['jueshan']}/ack")
    assert r.status_code == 200 and r.json()["acknowledged_by"] == "jueshan-ops", r.text
    r = admin.post(f"/api/tourism/alerts/{ids['dayang']}/ack")
    assert r.status_code == 200 and r.json()["acknowledged_by"] == "admin", r.text


# ---- the access matrix of gateway/README.md, cell by cell -----------------------------

README = Path(__file__).resolve().parents[2] / "gateway" / "README.md"


def _matrix() -> tuple[list[str], list[tuple[str, str, str, list[str]]]]:
    text = README.read_text(encoding="utf-8")
    table = text.split("<!-- access-matrix:start -->")[1].split("<!-- access-matrix:end -->")[0]
    rows = [[c.strip() for c in line.strip().strip("|").split("|")]
            for line in table.strip().splitlines()]
    header, body = rows[0], [r for r in rows[2:] if r]
    out = []
    for name, request, *cells in body:
        method, path = request.strip("`").split(" ", 1)
        out.append((name, method, path, cells))
    return header[2:], out


ACCOUNTS, MATRIX = _matrix()


@pytest.fixture(scope="module")
def clients(stack, sign_in):  # type: ignore[no-untyped-def]
    out = {a: sign_in(stack, a) for a in ACCOUNTS if a != "signed out"}
    out["signed out"] = httpx.Client(base_url=str(stack["url"]), timeout=10)
    return out


# Bodies for the state-changing rows (the ids do not exist: allowed callers get 404).
BODIES = {"/api/agri/orders/sec-none/state": {"state": "done"}}


@pytest.mark.parametrize("row", MATRIX, ids=[r[0] for r in MATRIX])
def test_access_matrix_row(row, clients):  # type: ignore[no-untyped-def]
    name, method, path, cells = row
    assert len(cells) == len(ACCOUNTS), f"row {name!r} has {len(cells)} cells"
    for account, cell in zip(ACCOUNTS, cells, strict=True):
        r = clients[account].request(method, path, json=BODIES.get(path))
        if cell == "no":
            assert r.status_code == (401 if account == "signed out" else 403), \
                (name, account, r.status_code, r.text[:200])
        else:
            assert cell in ("yes", "own"), f"unknown cell {cell!r}"
            assert r.status_code < 500 and r.status_code not in (401, 403), \
                (name, account, r.status_code, r.text[:200])


def test_transport_records_the_verified_caller_not_a_claimed_actor(stack, channels, signer):
    """Ticketing RPCs audit who the principal says: the contract has no field to claim it."""
    stub = transport_pb2_grpc.TransportServiceStub(channels["transport"])
    md = signer.metadata("transport", "station-ops", "station_operator")
    ticket_id = f"T-actor-{uuid.uuid4().hex[:8]}"
    ticket = transport_pb2.Ticket(ticket_id=ticket_id, trip_id="G1", station_id="zezhou-hsr")
    ticket.departure.GetCurrentTime()
    request = transport_pb2.RegisterTicketRequest(ticket=ticket, id_number="110101199001011234",
                                                  phone="13900001234")
    assert "actor" not in request.DESCRIPTOR.fields_by_name
    # Field 4 (the old ``actor``) sent anyway, as raw bytes: kept as unknown, never read.
    claimed = transport_pb2.RegisterTicketRequest.FromString(
        request.SerializeToString() + b"\x22\x12staff/someone-else")
    stub.RegisterTicket(claimed, timeout=10, metadata=md)
    changed = transport_pb2.RegisterTicketRequest()
    changed.CopyFrom(request)
    changed.ticket.seat = "05A"  # an update is audited again (an unchanged repeat is not)
    manifest = transport_pb2.IssueTicketsRequest(tickets=[changed])
    stub.IssueTickets(manifest, timeout=10, metadata=md)
    entries = stub.ListEnrolmentAudit(transport_pb2.ListEnrolmentAuditRequest(
        ticket_id=ticket_id), timeout=10, metadata=md).entries
    assert [e.actor for e in entries if e.action.startswith("ticket_")] == [
        "staff/station-ops"] * 2, entries
