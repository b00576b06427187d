"""Locust scenario for the gate decision API through the gateway.

    Z5G_DEMO_PASSWORD=… uv run locust -f loadtests/transport.py --host http://127.0.0.1:8080 \
        --headless -u 4 -r 2 -t 60s

A ``Gate`` is a kiosk signed in as ``station-ops``: it opens passages and posts real camera
frames -- the live head-turn clip with the enrolled passenger's ticket, or a printed photo held
still -- and checks the outcome a person would expect (admitted / refused by the liveness
check). A ``Console`` polls the station figures. Every non-2xx answer and every unexpected
outcome counts as a failure.

Footage: shared/testdata/faces_ageitgey (ageitgey/face_recognition @ 2e2dccea, MIT) and
antispoof_samples (minivision-ai/Silent-Face-Anti-Spoofing @ b6d5f04a, Apache-2.0).
"""

from __future__ import annotations

import base64
import os
import re
import uuid
from datetime import UTC, datetime, timedelta

from locust import HttpUser, between, task
from simulators.transport import LIVE_DEFAULT, load_footage
from zezhou5g.platform.paths import testdata_dir
from zezhou5g.vision.attack_samples import enrolment_photo

TD = testdata_dir()
PHOTO = enrolment_photo(TD)  # the enrolment photo a station kiosk took of the clip's person
FOOTAGE = {k: [{"image_b64": base64.b64encode(f.image).decode(), "t_ms": f.t_ms} for f in v]
           for k, v in load_footage(TD).items()}
GATE = "gate-hsr-1"


class _Staff(HttpUser):
    abstract = True

    def on_start(self) -> None:
        """Sign in once; the session cookie is kept by the client."""
        self.client.post("/api/auth/login", json={
            "username": "station-ops", "password": os.environ.get("Z5G_DEMO_PASSWORD", "")})


class Gate(_Staff):
    """A kiosk deciding passages (CPU-heavy on the service: a few users saturate a core)."""

    wait_time = between(0.5, 1.5)
    fixed_count = 2  # sign-in is rate limited per client address

    def _enrol(self) -> str:
        """Ticketing issues a ticket; the passenger proves it (ID + SMS code) and enrols."""
        ticket = f"LT-{uuid.uuid4().hex[:10]}"
        id_number = f"lt-{uuid.uuid4().hex[:16]}"
        dep = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
        self.client.post("/api/transport/tickets", name="/api/transport/tickets", json={
            "ticket_id": ticket, "trip_id": "G1234", "seat": "05A", "departure": dep,
            "station_id": "zezhou-hsr", "id_number": id_number, "phone": "13800009999",
            "fare_fen": 1250}).raise_for_status()
        self.client.post("/api/transport/codes", name="/api/transport/codes", json={
            "ticket_id": ticket, "id_number": id_number}).raise_for_status()
        sms = self.client.get("/api/transport/sms-outbox", name="/api/transport/sms-outbox",
                              params={"ticket_id": ticket, "limit": 1}).json()
        otp = re.search(r"(?<!\d)(\d{6})(?!\d)", sms[0]["body"]).group(1)  # type: ignore[union-attr]
        r = self.client.post("/api/transport/enrol", name="/api/transport/enrol", data={
            "ticket_id": ticket, "id_number": id_number, "otp": otp, "consent": "true",
            "consent_version": "face-2025-06"},
            files={"photo": ("lin.png", PHOTO, "image/png")})
        r.raise_for_status()
        return ticket

    def _decide(self, frames: list[dict[str, object]], ticket: str, want: str,
                challenge: str | None) -> None:
        # One draw in 10 is a given pair of actions: 200 draws all miss it once in ~10^9.
        for _ in range(200):
            p = self.client.post(f"/api/transport/gates/{GATE}/passages",
                                 name="/api/transport/gates/[gate]/passages",
                                 json={"ticket_id": ticket}).json()
            if challenge is None or p["challenge"] == challenge:
                break
        else:  # the footage performs one challenge only: posting it would test nothing
            self.environment.events.request.fire(
                request_type="DRAW", name="challenge", response_time=0, response_length=0,
                exception=RuntimeError(f"challenge {challenge} not drawn in 200 passages"))
            return
        with self.client.post(f"/api/transport/passages/{p['passage_id']}/decision",
                              name="/api/transport/passages/[id]/decision",
                              json={"request_id": str(uuid.uuid4()), "frames": frames},
                              catch_response=True) as r:
            if r.status_code != 200:
                return
            d = r.json()["decision"]
            # Codes (enum value names): OUTCOME_OPEN / DECISION_REASON_MATCH_1TO1.
            got = f"{d.get('gate_outcome', '')}/{d.get('why', '')}"
            if got != want:
                why = "; ".join(r.json().get("details", []))[:200]
                r.failure(f"expected {want}, got {got} ({why})")

    @task(2)
    def admitted(self) -> None:
        """The enrolled passenger, live, with their ticket."""
        self._decide(FOOTAGE["live"], self._enrol(), "OUTCOME_OPEN/DECISION_REASON_MATCH_1TO1",
                     ",".join(LIVE_DEFAULT))

    @task(1)
    def printed_photo(self) -> None:
        """A printed photo held up: refused by the liveness check."""
        self._decide(FOOTAGE["printed photo"], "", "OUTCOME_DENY/DECISION_REASON_LIVENESS_FAILED",
                     None)


class Console(_Staff):
    """The station console's polling."""

    wait_time = between(1, 3)
    fixed_count = 1

    @task
    def summary(self) -> None:
        """Station figures and the manual queue."""
        self.client.get("/api/transport/summary")
        self.client.get("/api/transport/manual-queue")
