"""Fixtures for the transport service tests: real photos/video, two gate nodes in-process.

Test material (see /work/shared/testdata/README.md): faces_ageitgey from ageitgey/face_recognition
@ 2e2dccea9dd0ce730c8d464d0f67c6eebb40c9d1 (MIT); antispoof_samples from
minivision-ai/Silent-Face-Anti-Spoofing @ b6d5f04ad78778917853b25c778acef6d5626d15 (Apache-2.0).
"""

from __future__ import annotations

import os
import re
import secrets
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import grpc
import numpy as np
import pytest
from localinfra.proc import free_port
from zezhou5g.platform.paths import testdata_dir
from zezhou5g.transport.v1 import transport_pb2, transport_pb2_grpc
from zezhou5g.vision import attack_samples

# The challenge the live footage performs (zezhou5g.vision.attack_samples.live_sequence):
# frames 94-151 of short_hamilton_clip.mp4, where Lin-Manuel Miranda turns his head to his
# right and back, every second frame (15 fps), then a zoom into the last frame (closer).
LIVE = "turn_right,move_closer"
LIN = "faces_ageitgey/examples/lin-manuel-miranda.png"
OBAMA = "faces_ageitgey/tests/test_images/obama.jpg"
STATION = "zezhou-hsr"
GATE = "gate-hsr-1"
CONSENT = transport_pb2.Consent(text_version="face-2025-06", accepted=True)


@pytest.fixture(scope="session")
def td() -> Path:
    return testdata_dir()


def jpeg(img: np.ndarray, quality: int = 90) -> bytes:
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return buf.tobytes()


@pytest.fixture(scope="session")
def lin_kiosk(td: Path) -> bytes:
    """Lin-Manuel Miranda's enrolment photo taken by a kiosk camera (a frame of the clip)."""
    return attack_samples.enrolment_photo(td)


@pytest.fixture(scope="session")
def clip_frames(td: Path) -> list[transport_pb2.Frame]:
    """Live footage performing LIVE as the gate camera would send it (JPEG, ms)."""
    seq = attack_samples.live_sequence(attack_samples.read_clip(td),
                                       tuple(LIVE.split(",")), np.random.default_rng(0))
    return [transport_pb2.Frame(image=jpeg(f), t_ms=round(t * 1000))
            for f, t in zip(seq.frames, seq.times, strict=True)]


def still_frames(img: np.ndarray, n: int = 30, noise: float = 3.0,
                 seed: int = 0) -> list[transport_pb2.Frame]:
    """A photo held in front of the camera: sensor noise, nothing moves (10 fps)."""
    rng = np.random.default_rng(seed)
    return [transport_pb2.Frame(
        image=jpeg(np.clip(img + rng.normal(0, noise, img.shape), 0, 255).astype(np.uint8)),
        t_ms=100 * i) for i in range(n)]


def ticket(ticket_id: str, minutes: float = 30, station: str = STATION,
           fare: int = 1250) -> transport_pb2.Ticket:
    t = transport_pb2.Ticket(ticket_id=ticket_id, trip_id="G1234", seat="05A",
                             station_id=station, fare_fen=fare, passenger_name="test")
    t.departure.FromDatetime(datetime.now(UTC) + timedelta(minutes=minutes))
    return t


@dataclass
class Node:
    """One in-process transport service (a gate node)."""

    name: str
    port: int
    channel: grpc.Channel
    stub: transport_pb2_grpc.TransportServiceStub


@dataclass
class Cluster:
    """Two gate nodes sharing Kafka, Redis and the SQL database."""

    a: Node
    b: Node
    db_url: str
    redis_url: str
    kafka: str
    key: str


@pytest.fixture(scope="module")
def cluster(base_env, tmp_path_factory, in_process, signed) -> Iterator[Cluster]:
    from transport.config import TransportSettings
    from transport.main import serve

    tmp = tmp_path_factory.mktemp("transport")
    db_url = f"sqlite:///{tmp}/transport.db"
    key = secrets.token_urlsafe(40)
    # Own topics' consumer groups per module run: a fresh node name each time.
    run = uuid.uuid4().hex[:6]
    services, nodes = [], []
    for name in ("a", "b"):
        port = free_port()
        env = {k.removeprefix("Z5G_").lower(): v for k, v in base_env.items()}
        settings = TransportSettings(**env, grpc_port=port, metrics_port=0,
                                     database_url=db_url, transport_face_key=key,
                                     transport_node=f"node-{name}-{run}",
                                     transport_purge_interval_s=0.5)
        svc = in_process(serve, settings).__enter__()
        services.append(svc)
        ch = grpc.insecure_channel(f"127.0.0.1:{port}")
        grpc.channel_ready_future(ch).result(timeout=60)
        staff = signed(f"127.0.0.1:{port}", "transport", "admin", "test-admin")
        nodes.append(Node(name, port, ch, transport_pb2_grpc.TransportServiceStub(staff)))
    try:
        yield Cluster(nodes[0], nodes[1], db_url, base_env["Z5G_REDIS_URL"],
                      base_env["Z5G_KAFKA_BOOTSTRAP"], key)
    finally:
        for n in nodes:
            n.channel.close()
        for svc in reversed(services):
            svc.__exit__(None, None, None)


def start(stub: transport_pb2_grpc.TransportServiceStub, challenge: str,
          ticket_id: str = "", gate: str = GATE, tries: int = 200) -> str:
    """Open passages until the drawn challenge is ``challenge`` (as a passenger would retry).

    ``challenge``: the actions joined by "," (1 in 10 draws is a given pair)."""
    for _ in range(tries):
        r = stub.StartPassage(transport_pb2.StartPassageRequest(gate_id=gate,
                                                                ticket_id=ticket_id), timeout=5)
        assert len(r.actions) == 2 and r.challenge == ",".join(r.actions)
        if r.challenge == challenge:
            return r.passage_id
    raise AssertionError(f"challenge {challenge} never drawn in {tries} tries")


def phone_of(id_number: str) -> str:
    """A test phone number per passenger (digits only, as ticketing stores it)."""
    return "139" + str(zlib.crc32(id_number.encode()) % 10 ** 8).zfill(8)


def issue(stub: transport_pb2_grpc.TransportServiceStub, t: transport_pb2.Ticket,
          id_number: str, phone: str | None = None) -> transport_pb2.RegisterTicketResponse:
    """Ticketing issues the ticket (ID number and booking phone)."""
    return stub.RegisterTicket(transport_pb2.RegisterTicketRequest(
        ticket=t, id_number=id_number, phone=phone or phone_of(id_number)),
        timeout=10)


def sms_code(stub: transport_pb2_grpc.TransportServiceStub, ticket_id: str,
             id_number: str, purpose: str = "enrol") -> str:
    """Ask for a one-time code and read it from the demo SMS outbox, as the phone would."""
    stub.RequestCode(transport_pb2.RequestCodeRequest(ticket_id=ticket_id, id_number=id_number,
                                                      purpose=purpose), timeout=10)
    msgs = stub.ListSmsOutbox(transport_pb2.ListSmsOutboxRequest(ticket_id=ticket_id, limit=1),
                              timeout=10).messages
    assert msgs, f"no SMS for {ticket_id}"
    m = re.search(r"(?<!\d)(\d{6})(?!\d)", msgs[0].body)
    assert m, msgs[0].body
    return m.group(1)


def enrol(stub: transport_pb2_grpc.TransportServiceStub, t: transport_pb2.Ticket,
          photo: bytes, id_number: str, keep_photo: bool = False,
          consent: transport_pb2.Consent = CONSENT) -> transport_pb2.EnrolResponse:
    """The legitimate flow: ticket issued, code to the phone, enrolment with the proof."""
    issue(stub, t, id_number)
    otp = sms_code(stub, t.ticket_id, id_number)
    c = transport_pb2.Consent()
    c.CopyFrom(consent)
    c.keep_photo = keep_photo
    return stub.Enrol(transport_pb2.EnrolRequest(ticket_id=t.ticket_id, id_number=id_number,
                                                 otp=otp, consent=c, photo=photo), timeout=60)


os.environ.setdefault("Z5G_INFERENCE_DEVICE", "cpu")
