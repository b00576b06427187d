"""Station gates: heartbeats (queue, camera faults) and gate cameras replaying real footage.

The camera part acts like a kiosk at gate-hsr-1: ticketing issues a demo ticket, the passenger
proves it is theirs (ID number + the code in the SMS outbox) and enrols a real photo; then in
turn presents live footage performing the drawn actions (real head turns of a clip; see
PERFORMABLE) with the passenger's ticket (admitted 1:1), a printed photo and a tablet-screen
replay (denied by the liveness check), the same footage without a ticket from a newly enrolled
passenger (admitted 1:N), and a QR + ID request for the staffed lane; consent is withdrawn
after each passenger -- all through the transport service's gRPC API (``Z5G_TRANSPORT_GRPC``),
so the kiosk page and the console show live decisions in ``make demo``.

Footage (shared/testdata, see its README): faces_ageitgey from ageitgey/face_recognition @
2e2dccea9dd0ce730c8d464d0f67c6eebb40c9d1 (MIT); antispoof_samples from
minivision-ai/Silent-Face-Anti-Spoofing @ b6d5f04ad78778917853b25c778acef6d5626d15 (Apache-2.0).
"""

from __future__ import annotations

import json
import logging
import os
import random
import re
import secrets
import threading
import time
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import cv2
import grpc
import numpy as np
from zezhou5g.contracts.topics import TRANSPORT_GATE_HEARTBEATS
from zezhou5g.platform.logging import log_fields
from zezhou5g.platform.paths import testdata_dir
from zezhou5g.platform.principal import SYSTEM, PrincipalSigner, signed_channel
from zezhou5g.transport.v1 import transport_pb2, transport_pb2_grpc
from zezhou5g.vision import attack_samples

from simulators.base import Emission

log = logging.getLogger(__name__)

TOPIC = TRANSPORT_GATE_HEARTBEATS.name
GATES = {"gate-hsr-1": "zezhou-hsr", "gate-hsr-2": "zezhou-hsr", "gate-bus-1": "zezhou-bus"}
CAMERA_GATE = "gate-hsr-1"  # the kiosk page's default gate
# What the live footage can perform (zezhou5g.vision.attack_samples.live_sequence): the clip's
# real head turn to his right (frames 94-151), the same frames mirrored for a turn to the left,
# and a zoom into real frames for "move closer". The clip has no blink: on a draw that asks
# for one, the camera leaves that passage unused (it expires) and starts another.
PERFORMABLE = frozenset({"turn_left", "turn_right", "move_closer"})


def _jpeg(img: np.ndarray) -> bytes:
    return cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()



def _word(enum: Any, code: int) -> str:
    """A code's value name without its enum's prefix, lower case (OUTCOME_OPEN → "open")."""
    prefix = enum.Name(0).removesuffix("UNSPECIFIED")
    return str(enum.Name(code)).removeprefix(prefix).lower()


def _reason(code: int) -> str:
    """The short word of a DecisionReason (DECISION_REASON_MATCH_1TO1 → "match_1to1")."""
    return _word(transport_pb2.DecisionReason, code)

class LiveFootage:
    """Live frames performing a drawn sequence of actions, built from the real clip (cached)."""

    def __init__(self, td: Path) -> None:
        self.clip = attack_samples.read_clip(td)
        self._made: dict[tuple[str, ...], list[transport_pb2.Frame]] = {}

    def frames(self, actions: tuple[str, ...]) -> list[transport_pb2.Frame] | None:
        """Frames for ``actions`` in order, or None when the footage cannot perform one."""
        if not actions or not set(actions) <= PERFORMABLE:
            return None
        if actions not in self._made:
            seq = attack_samples.live_sequence(self.clip, actions, np.random.default_rng(5))
            self._made[actions] = [transport_pb2.Frame(image=_jpeg(f), t_ms=round(t * 1000))
                                   for f, t in zip(seq.frames, seq.times, strict=True)]
        return self._made[actions]


LIVE_DEFAULT = ("turn_right", "move_closer")  # what load_footage()["live"] performs


def load_footage(td: Path) -> dict[str, list[transport_pb2.Frame]]:
    """Two spoofs held still in front of the camera, and "live": LIVE_DEFAULT performed.

    The gate camera itself performs whatever is drawn (LiveFootage); "live" serves callers
    that wait for the draw ``",".join(LIVE_DEFAULT)`` (loadtests).
    """
    live = LiveFootage(td).frames(LIVE_DEFAULT)
    assert live is not None
    out: dict[str, list[transport_pb2.Frame]] = {"live": live}
    rng = np.random.default_rng(5)
    for name, file in (("printed photo", "image_F1.jpg"), ("screen replay", "image_F2.jpg")):
        img = cv2.imread(str(td / "antispoof_samples" / file))
        if img is None:
            raise FileNotFoundError(td / "antispoof_samples" / file)
        out[name] = [transport_pb2.Frame(image=_jpeg(np.clip(
            img + rng.normal(0, 3, img.shape), 0, 255).astype(np.uint8)), t_ms=100 * k)
            for k in range(25)]
    return out


class GateCamera:
    """Replays footage at one gate through the transport gRPC API, in a daemon thread.

    Each cycle enrols a fresh demo passenger and withdraws their consent once done, so the
    1:N gallery holds one demo face at a time. ``ledger`` (a JSON file) lists the demo
    tickets still enrolled: a restarted camera withdraws those first.
    """

    MAX_PENDING_MANUAL = 3  # nobody staffs the demo lane: do not fill the queue

    def __init__(self, target: str, td: Path, pause_s: float = 6.0,
                 ledger: Path | None = None, gate: str = CAMERA_GATE,
                 principal_key: str | None = None) -> None:
        self.gate = gate
        self.station = GATES[gate]
        # The simulated gate camera is station equipment, not a passenger: it signs its own
        # principal (role "system") with the platform's key, as the gateway does for people.
        key = principal_key or os.environ["Z5G_SERVICE_PRINCIPAL_KEY"]
        self.stub = transport_pb2_grpc.TransportServiceStub(signed_channel(
            target, PrincipalSigner(key), "transport", f"sim-{gate}", SYSTEM))
        self.td = td
        self.pause_s = pause_s
        self.ledger = ledger
        # ticket id → {"id_number", "withdrawal_code"} (the proof a passenger would keep)
        self.enrolled: dict[str, dict[str, str]] = {}
        self._live: LiveFootage | None = None  # built on the first live passage
        self.thread = threading.Thread(target=self._loop, name="gate-camera", daemon=True)

    def start(self) -> None:
        """Begin replaying."""
        self.thread.start()

    def _save(self) -> None:
        if self.ledger is not None:
            self.ledger.parent.mkdir(parents=True, exist_ok=True)
            self.ledger.write_text(json.dumps(self.enrolled))

    def _enrol(self) -> str:
        run = uuid.uuid4().hex[:8]
        t = transport_pb2.Ticket(ticket_id=f"SIM-{run}", trip_id="G1234", seat="05A",
                                 station_id=self.station, fare_fen=1250,
                                 passenger_name="demo")
        t.departure.FromDatetime(datetime.now(UTC) + timedelta(minutes=60))
        # Ticketing issues the ticket; the passenger proves it is theirs with the ID number and
        # the code the demo SMS outbox received, like anyone on the enrolment page.
        id_number = f"sim-{secrets.token_hex(8)}"
        self.stub.RegisterTicket(transport_pb2.RegisterTicketRequest(
            ticket=t, id_number=id_number, phone=f"1380000{secrets.randbelow(10 ** 4):04d}"),
            timeout=10)
        otp = self._sms_code(t.ticket_id, id_number, "enrol")
        photo = attack_samples.enrolment_photo(self.td)  # as the station's kiosk took it
        r = self.stub.Enrol(transport_pb2.EnrolRequest(
            ticket_id=t.ticket_id, id_number=id_number, otp=otp, photo=photo,
            consent=transport_pb2.Consent(text_version="face-2025-06", accepted=True)),
            timeout=60)
        if not r.ok:
            raise RuntimeError("demo enrolment refused: "
                               f"{[transport_pb2.EnrolRefusal.Name(c) for c in r.refusals]}")
        self.enrolled[t.ticket_id] = {"id_number": id_number,
                                      "withdrawal_code": r.withdrawal_code}
        self._save()
        return t.ticket_id

    def _sms_code(self, ticket_id: str, id_number: str, purpose: str) -> str:
        """Request a one-time code and read it from the SMS outbox (the passenger's phone)."""
        self.stub.RequestCode(transport_pb2.RequestCodeRequest(
            ticket_id=ticket_id, id_number=id_number, purpose=purpose), timeout=10)
        msgs = self.stub.ListSmsOutbox(transport_pb2.ListSmsOutboxRequest(
            ticket_id=ticket_id, limit=1), timeout=10).messages
        m = re.search(r"(?<!\d)(\d{6})(?!\d)", msgs[0].body) if msgs else None
        if m is None:
            raise RuntimeError(f"no SMS code for demo ticket {ticket_id}")
        return m.group(1)

    def _withdraw(self, ticket_id: str) -> None:
        proof = self.enrolled.get(ticket_id)
        if proof is None:
            return
        try:  # with the withdrawal code shown at enrolment: nobody else has it
            self.stub.Withdraw(transport_pb2.WithdrawRequest(
                ticket_id=ticket_id, withdrawal_code=proof["withdrawal_code"]), timeout=10)
        except grpc.RpcError as exc:
            if exc.code() != grpc.StatusCode.PERMISSION_DENIED:
                raise
            # Already gone (withdrawn or purged): the code died with the enrolment.
        del self.enrolled[ticket_id]
        self._save()

    def _withdraw_all(self) -> None:
        for ticket_id in list(self.enrolled):
            self._withdraw(ticket_id)

    def _withdraw_leftovers(self) -> None:
        if self.ledger is None or not self.ledger.exists():
            return
        try:
            self.enrolled = {str(k): {"id_number": str(v["id_number"]),
                                      "withdrawal_code": str(v["withdrawal_code"])}
                             for k, v in json.loads(self.ledger.read_text()).items()}
        except (ValueError, AttributeError, KeyError, TypeError):
            # An older ledger (ID numbers only) cannot withdraw: retention purges those faces.
            self.enrolled = {}
        self._withdraw_all()

    def _pass(self, spoof: list[transport_pb2.Frame] | None, ticket_id: str) -> str:
        """One passage: ``spoof`` frames as they are, or (None) live footage doing the draw."""
        frames = spoof
        for _ in range(20):
            p = self.stub.StartPassage(transport_pb2.StartPassageRequest(
                gate_id=self.gate, ticket_id=ticket_id), timeout=5)
            if spoof is None:
                if self._live is None:
                    self._live = LiveFootage(self.td)
                frames = self._live.frames(tuple(p.actions))
            if frames is not None:
                break
        if frames is None:
            return "skipped/no_footage_for_draw"
        d = self.stub.Decide(transport_pb2.DecideRequest(
            passage_id=p.passage_id, request_id=str(uuid.uuid4()), frames=frames),
            timeout=60).decision
        return f"{_word(transport_pb2.Outcome, d.gate_outcome)}/{_reason(d.why)}"

    def _manual(self, ticket_id: str) -> str:
        queue = self.stub.ListManualQueue(transport_pb2.ListManualQueueRequest(
            station_id=self.station), timeout=10).items
        if sum(i.gate_id == self.gate and i.state == "pending" for i in queue) \
                >= self.MAX_PENDING_MANUAL:
            return "skipped/queue_full"
        item = self.stub.RequestManual(transport_pb2.ManualRequestRequest(
            gate_id=self.gate, ticket_id=ticket_id, id_number="sim-unknown"),
            timeout=10).item
        return f"queued/{_reason(item.why)}"

    def step(self, kind: int, footage: dict[str, list[transport_pb2.Frame]]) -> str:
        """One passage of the cycle (``kind`` 0-4); the result as "outcome/reason"."""
        if kind == 0:  # the passenger, with the ticket: 1:1
            return self._pass(None, self._enrol())
        if kind in (1, 2):  # spoofs held up to the camera
            return self._pass(footage["printed photo" if kind == 1 else "screen replay"], "")
        if kind == 3:  # done with that passenger; a new one walks up without a ticket: 1:N
            self._withdraw_all()
            self._enrol()
            return self._pass(None, "")
        # the staffed lane (QR + a mistyped ID number), then consent withdrawn
        result = self._manual(next(iter(self.enrolled), ""))
        self._withdraw_all()
        return result

    def _loop(self) -> None:
        footage = load_footage(self.td)
        step = 0
        while True:
            try:
                if step == 0:
                    self._withdraw_leftovers()
                result = self.step(step % 5, footage)
                log.info("gate camera", extra=log_fields(step=step % 5, result=result))
            except grpc.RpcError as exc:
                log.warning("gate camera: transport not reachable",
                            extra=log_fields(error=str(exc.code())))
                if step == 0:
                    time.sleep(self.pause_s)
                    continue  # the leftovers are withdrawn before anything else
            except Exception:  # noqa: BLE001 - keep the demo device running
                log.exception("gate camera step failed")
            step += 1
            time.sleep(self.pause_s)


class Gates:
    """Queue lengths follow a random walk; a camera is down for a while with small probability.

    With ``Z5G_TRANSPORT_GRPC`` set (and the shared test data present), one gate's camera also
    replays real footage through the transport service (see module doc).
    """

    name = "transport"
    topic = TOPIC

    def __init__(self, seed: int = 5, camera: bool | None = None) -> None:
        self.rng = random.Random(seed)
        self.queue = dict.fromkeys(GATES, 2)
        self.camera_down = dict.fromkeys(GATES, 0)
        target = os.environ.get("Z5G_TRANSPORT_GRPC", "")
        self.camera: GateCamera | None = None
        if not os.environ.get("Z5G_SERVICE_PRINCIPAL_KEY"):
            log.warning("Z5G_SERVICE_PRINCIPAL_KEY not set: gate camera replay off")
        elif (camera is None and target) or camera:
            try:
                self.camera = GateCamera(target or "127.0.0.1:50064", testdata_dir(),
                                         ledger=Path(os.environ.get(
                                             "Z5G_SIM_TRANSPORT_LEDGER",
                                             ".run/simulators-transport.json")))
            except FileNotFoundError:
                log.warning("no shared test data: gate camera replay off")

    def tick(self, now: datetime) -> Iterable[Emission]:
        """One heartbeat per gate (and the camera replay starts with the first tick)."""
        if self.camera is not None and not self.camera.thread.is_alive():
            self.camera.start()
        for gate, station in GATES.items():
            self.queue[gate] = max(0, min(40, self.queue[gate] + self.rng.choice((-1, 0, 1))))
            if self.camera_down[gate] == 0 and self.rng.random() < 0.01:
                self.camera_down[gate] = 10
            self.camera_down[gate] = max(0, self.camera_down[gate] - 1)
            yield TOPIC, transport_pb2.GateHeartbeat(
                gate_id=gate, station_id=station, camera_ok=self.camera_down[gate] == 0,
                queue_length=self.queue[gate]), gate
