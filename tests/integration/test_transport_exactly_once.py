"""The transport service killed where it hurts: every decision published once, every fare once.

Both tests run the real service process (``python -m transport``) on the session's Kafka and
Redis with its own SQLite database, and count what came out by event id on the topics and in
the SQL ledger.

1. A gate decision is committed and the process dies (SIGKILL, from a dev-only hook) before the
   event reaches the broker. After the restart the decision is published, the fare charged once,
   and the gate's retry of ``Decide`` with the same request id gets the same decision back.
2. Gate heartbeats stream in and staff open passages on the staffed lane (QR + ID, no face
   models) while the service, run by the project's supervisor (``localinfra.supervise``, the
   ``supervised`` fixture), is SIGKILLed twice and restarted by it: each heartbeat has exactly
   one status event (and the gate's count has no gap and no repeat), each ticket exactly one
   decision, each decision exactly one ledger line and one payment event.

Photos and footage: shared/testdata (faces_ageitgey: ageitgey/face_recognition @
2e2dccea9dd0ce730c8d464d0f67c6eebb40c9d1, MIT; the Hamilton clip as in
services/transport/tests/conftest.py).
"""

from __future__ import annotations

import os
import re
import signal
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import cv2
import grpc
import numpy as np
import pytest
import sqlalchemy as sa
from grpc_health.v1 import health_pb2, health_pb2_grpc
from kafka import KafkaConsumer
from localinfra.proc import free_port
from transport.app.heartbeats import status_event_id
from zezhou5g.platform import paths
from zezhou5g.platform.kafka import EventProducer
from zezhou5g.transport.v1 import transport_pb2, transport_pb2_grpc
from zezhou5g.vision import attack_samples

KEY = "k" * 8 + os.urandom(16).hex()
LIVE = ("turn_right", "move_closer")  # what the clip's passenger performs
CONSENT = transport_pb2.Consent(text_version="face-2025-06", accepted=True)
RETRY = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED}


# ------------------------------------------------------------------ the process


def start_transport(spawn, env: dict[str, str], port: int, wait) -> Any:
    """Start the service and wait until it reports SERVING."""
    proc = spawn("transport", env)
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    health = health_pb2_grpc.HealthStub(channel)
    wait(lambda: health.Check(health_pb2.HealthCheckRequest(), timeout=2).status
         == health_pb2.HealthCheckResponse.SERVING, 90, "transport SERVING", (proc,))
    channel.close()
    return proc


def restart_after_kill(proc, spawn, env: dict[str, str], port: int, wait) -> Any:
    """See the process gone, start it again by hand: without the crash hook, which a
    supervisor (running one fixed environment) would keep."""
    assert proc.popen.wait(15) == -signal.SIGKILL
    return start_transport(spawn, env, port, wait)


def service_env(base_env: dict[str, str], tmp: Path, port: int, run: str,
                gates: dict[str, str]) -> dict[str, str]:
    return base_env | {
        "Z5G_GRPC_PORT": str(port), "Z5G_METRICS_PORT": "0",
        "Z5G_DATABASE_URL": f"sqlite:///{tmp}/transport.db", "Z5G_TRANSPORT_FACE_KEY": KEY,
        "Z5G_TRANSPORT_NODE": f"x1-{run}",
        "Z5G_TRANSPORT_GATES": ",".join(f"{g}={s}" for g, s in gates.items())}


def retrying(call: Callable[[], Any], timeout_s: float = 90) -> Any:
    """Call until it answers, as a gate does while its service restarts."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return call()
        except grpc.RpcError as exc:
            if exc.code() not in RETRY or time.monotonic() > deadline:
                raise
            time.sleep(0.3)


# ------------------------------------------------------------------ reading what came out


def records(kafka, topic: str, cls: Any, keep: Callable[[Any], bool]) -> list[Any]:
    consumer = KafkaConsumer(topic, bootstrap_servers=kafka.bootstrap,
                             group_id=f"count-{uuid.uuid4()}", auto_offset_reset="earliest",
                             consumer_timeout_ms=3000)
    out = [cls.FromString(r.value) for r in consumer]
    consumer.close()
    return [m for m in out if keep(m)]


def sql(db: Path, query: str, **params: object) -> list[tuple[Any, ...]]:
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.connect() as c:
        rows = [tuple(r) for r in c.execute(sa.text(query), params)]
    engine.dispose()
    return rows


def ticket(ticket_id: str, station: str, fare: int) -> transport_pb2.Ticket:
    t = transport_pb2.Ticket(ticket_id=ticket_id, trip_id="G1234", seat="05A",
                             station_id=station, fare_fen=fare, passenger_name="test")
    t.departure.FromDatetime(datetime.now(UTC) + timedelta(minutes=30))
    return t


def issue(stub, t: transport_pb2.Ticket, id_number: str) -> None:
    stub.RegisterTicket(transport_pb2.RegisterTicketRequest(
        ticket=t, id_number=id_number, phone="13900001234"), timeout=10)


# ------------------------------------------------------------------ 1. killed after the commit


def test_decision_killed_after_commit_is_published_and_charged_once(
        spawn, base_env, kafka, redis_client, tmp_path, wait, signed):
    td = paths.testdata_dir()
    run = uuid.uuid4().hex[:6]
    station, gate, fare = f"xs-{run}", f"xg-{run}", 1250
    port = free_port()
    env = service_env(base_env, tmp_path, port, run, {gate: station})
    crashing = env | {"Z5G_TRANSPORT_CRASH_BEFORE_PUBLISH": "transport.gate.decisions"}
    proc = start_transport(spawn, crashing, port, wait)
    stub = transport_pb2_grpc.TransportServiceStub(
        signed(f"127.0.0.1:{port}", "transport", "admin", "test-admin"))
    started = time.monotonic()

    t = ticket(f"XT-{run}", station, fare)
    issue(stub, t, f"id-{run}")
    stub.RequestCode(transport_pb2.RequestCodeRequest(ticket_id=t.ticket_id,
                                                      id_number=f"id-{run}", purpose="enrol"),
                     timeout=10)
    sms = stub.ListSmsOutbox(transport_pb2.ListSmsOutboxRequest(ticket_id=t.ticket_id, limit=1),
                             timeout=10).messages[0].body
    otp = re.search(r"(?<!\d)(\d{6})(?!\d)", sms).group(1)  # type: ignore[union-attr]
    enrolled = stub.Enrol(transport_pb2.EnrolRequest(
        ticket_id=t.ticket_id, id_number=f"id-{run}", otp=otp, consent=CONSENT,
        photo=attack_samples.enrolment_photo(td)), timeout=120)
    assert enrolled.ok, enrolled.refusals

    seq = attack_samples.live_sequence(attack_samples.read_clip(td), LIVE,
                                       np.random.default_rng(0))
    frames = [transport_pb2.Frame(image=cv2.imencode(".jpg", f)[1].tobytes(),
                                  t_ms=round(s * 1000)) for f, s in zip(seq.frames, seq.times,
                                                                        strict=True)]
    for _ in range(200):  # the passenger starts again until the drawn pair is the clip's
        passage = stub.StartPassage(transport_pb2.StartPassageRequest(
            gate_id=gate, ticket_id=t.ticket_id), timeout=5)
        if tuple(passage.actions) == LIVE:
            break
    assert tuple(passage.actions) == LIVE
    request = transport_pb2.DecideRequest(passage_id=passage.passage_id,
                                          request_id=str(uuid.uuid4()), frames=frames)
    decision_id = request.request_id
    with pytest.raises(grpc.RpcError) as err:
        stub.Decide(request, timeout=120)
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE, err.value
    print(f"killed after the commit at {time.monotonic() - started:.1f} s")

    # Stored, staged, not published, not charged: the window a crash leaves.
    db = tmp_path / "transport.db"
    assert sql(db, "SELECT outcome, reason FROM transport_decisions WHERE decision_id = :d",
               d=decision_id) == [("open", "match_1to1")]
    assert sql(db, "SELECT topic FROM transport_outbox WHERE event_id = :d",
               d=decision_id) == [("transport.gate.decisions",)]
    assert sql(db, "SELECT * FROM transport_ledger WHERE decision_id = :d", d=decision_id) == []
    assert records(kafka, "transport.gate.decisions", transport_pb2.GateDecision,
                   lambda m: m.meta.event_id == decision_id) == []

    proc = restart_after_kill(proc, spawn, env, port, wait)
    # The gate never got an answer: it retries with the same request id, twice.
    replies = [retrying(lambda: stub.Decide(request, timeout=120)) for _ in range(2)]
    assert [r.replayed for r in replies] == [True, True]
    assert {(r.decision.meta.event_id, r.decision.gate_outcome, r.decision.fare_fen)
            for r in replies} == {(decision_id, transport_pb2.OUTCOME_OPEN, fare)}

    ledger = "SELECT kind, amount_fen FROM transport_ledger WHERE decision_id = :d"
    wait(lambda: sql(db, ledger, d=decision_id), 60, "the fare charged", (proc,))
    wait(lambda: not sql(db, "SELECT event_id FROM transport_outbox"), 30, "outbox drained",
         (proc,))
    time.sleep(2)  # a second charge, were there one, would land now
    assert sql(db, ledger, d=decision_id) == [("charge", fare)]
    published = records(kafka, "transport.gate.decisions", transport_pb2.GateDecision,
                        lambda m: m.meta.event_id == decision_id)
    assert published and {(m.gate_outcome, m.fare_fen) for m in published} == {
        (transport_pb2.OUTCOME_OPEN, fare)}
    payments = records(kafka, "transport.payments", transport_pb2.PaymentEvent,
                       lambda m: m.decision_id == decision_id)
    assert {(p.meta.event_id, p.kind, p.amount_fen) for p in payments} == {
        (payments[0].meta.event_id, "charge", fare)}, "one payment event id"

    def summary() -> tuple[int, int, int]:
        s = stub.GetStationSummary(transport_pb2.StationSummaryRequest(station_id=station),
                                   timeout=10)
        return s.passages_total, s.open_total, s.charged_fen

    wait(lambda: summary()[0], 60, "the decision counted", (proc,))
    time.sleep(1)
    assert summary() == (1, 1, fare), "counted once though published more than once"
    print(f"decision records {len(published)}, payment records {len(payments)}, "
          f"done at {time.monotonic() - started:.1f} s")


# ------------------------------------------------------------------ 2. killed twice mid-stream

TICKETS = 24


def test_sigkill_twice_loses_and_duplicates_no_status_decision_or_fare(
        supervised, base_env, kafka, redis_client, tmp_path, signed):
    run = uuid.uuid4().hex[:6]
    station = f"ks-{run}"
    gates = [f"kg{i}-{run}" for i in range(3)]
    port = free_port()
    env = service_env(base_env, tmp_path, port, run, dict.fromkeys(gates, station)) | {
        "Z5G_TRANSPORT_WARM_UP": "false"}  # the staffed lane needs no face models
    transport = supervised("transport", env)
    stub = transport_pb2_grpc.TransportServiceStub(
        signed(f"127.0.0.1:{port}", "transport", "admin", "test-admin"))
    tickets = [f"KT{i:02d}-{run}" for i in range(TICKETS)]
    for i, ticket_id in enumerate(tickets):
        issue(stub, ticket(ticket_id, station, 500 + i), f"id-{ticket_id}")

    producer = EventProducer(kafka.bootstrap, "test-gates")
    beats: dict[str, list[str]] = defaultdict(list)
    decided: dict[str, str] = {}
    done = threading.Event()
    failures: list[BaseException] = []

    def heartbeats() -> None:
        n = 0
        while not done.is_set() or n < 10:
            n += 1
            for g in gates:
                hb = transport_pb2.GateHeartbeat(gate_id=g, station_id=station,
                                                 camera_ok=n % 7 != 0, queue_length=n % 5)
                beats[g].append(producer.publish("transport.gate.heartbeats", hb, key=g))
            time.sleep(0.25)
        producer.flush(30)

    def staffed_lane() -> None:
        try:
            for ticket_id in tickets:
                item = retrying(lambda t=ticket_id: stub.RequestManual(
                    transport_pb2.ManualRequestRequest(gate_id=gates[0], ticket_id=t,
                                                       id_number=f"id-{t}"), timeout=5)).item
                d = retrying(lambda i=item.item_id: stub.ResolveManual(
                    transport_pb2.ResolveManualRequest(item_id=i, approve=True),
                    timeout=5)).decision
                decided[ticket_id] = d.meta.event_id
                time.sleep(0.25)
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            done.set()

    started = time.monotonic()
    threads = [threading.Thread(target=heartbeats), threading.Thread(target=staffed_lane)]
    for th in threads:
        th.start()
    for fraction in (1 / 3, 2 / 3):
        transport.wait(lambda f=fraction: len(decided) >= TICKETS * f or done.is_set(), 90,
                       f"{fraction:.0%} decided")
        transport.kill()
        print(f"killed at {time.monotonic() - started:.1f} s with {len(decided)} decided, "
              f"{sum(map(len, beats.values()))} heartbeats sent")
        transport.wait_restarted()
    for th in threads:
        th.join(120)
    assert not failures, failures
    assert len(decided) == TICKETS
    rounds = {g: len(ids) for g, ids in beats.items()}

    db = tmp_path / "transport.db"

    def caught_up() -> bool:
        statuses = stub.ListGateStatus(transport_pb2.ListGateStatusRequest(), timeout=5).gates
        counted = {s.gate_id: s.heartbeats_total for s in statuses if s.gate_id in rounds}
        summary = stub.GetStationSummary(transport_pb2.StationSummaryRequest(
            station_id=station), timeout=5)
        lines = sql(db, "SELECT count(*) FROM transport_ledger WHERE station_id = :s",
                    s=station)[0][0]
        return counted == rounds and summary.open_total == TICKETS and lines == TICKETS

    transport.wait(caught_up, 120, "every heartbeat, decision and fare processed")
    transport.wait(lambda: not sql(db, "SELECT event_id FROM transport_outbox"), 30,
                   "outbox drained")
    print(f"all processed at {time.monotonic() - started:.1f} s")

    # Heartbeats: one status event per heartbeat, the gate's count 1..n without gap or repeat.
    statuses = records(kafka, "transport.gate.status", transport_pb2.GateStatus,
                       lambda m: m.gate_id in rounds)
    by_id = {s.meta.event_id: s for s in statuses}
    expected = {status_event_id(h): g for g, ids in beats.items() for h in ids}
    assert set(by_id) == set(expected), (len(set(expected) - set(by_id)),
                                         len(set(by_id) - set(expected)))
    for g, n in rounds.items():
        totals = sorted(s.heartbeats_total for s in by_id.values() if s.gate_id == g)
        assert totals == list(range(1, n + 1)), g

    # Decisions: one per ticket, each published, each charged once with one payment event.
    decisions = records(kafka, "transport.gate.decisions", transport_pb2.GateDecision,
                        lambda m: m.station_id == station)
    per_ticket = defaultdict(set)
    for d in decisions:
        per_ticket[d.ticket_id].add(d.meta.event_id)
    assert dict(per_ticket) == {t: {decided[t]} for t in tickets}
    assert {d.gate_outcome for d in decisions} == {transport_pb2.OUTCOME_OPEN}
    ledger = sql(db, "SELECT decision_id, kind FROM transport_ledger WHERE station_id = :s",
                 s=station)
    assert sorted(ledger) == sorted((decided[t], "charge") for t in tickets)
    payments = records(kafka, "transport.payments", transport_pb2.PaymentEvent,
                       lambda m: m.station_id == station)
    payment_ids = defaultdict(set)
    for p in payments:
        payment_ids[p.decision_id].add(p.meta.event_id)
    assert set(payment_ids) == set(decided.values())
    assert all(len(ids) == 1 for ids in payment_ids.values()), "one payment event per fare"
    assert sql(db, "SELECT count(*) FROM transport_decisions WHERE station_id = :s",
               s=station) == [(TICKETS,)]
    # A record the broker had but whose outbox entry a kill left behind is sent again with the
    # same event id (consumers drop it): say how many there were.
    resent = {name: len(msgs) - len({m.meta.event_id for m in msgs})
              for name, msgs in (("status", statuses), ("decisions", decisions),
                                 ("payments", payments))}
    print(f"heartbeats {sum(rounds.values())}, decisions {TICKETS}, re-sent {resent}, "
          f"{Counter(s.state for s in by_id.values())}")
    producer.close()
