"""Locust scenario for the medical API: clinicians at the wall and wearables posting vitals.

    Z5G_DEMO_PASSWORD=… Z5G_DEVICE_TOKENS=… uv run locust -f loadtests/medical.py \
        --host http://127.0.0.1:8080 --headless -u 20 -r 5 -t 60s

Clinicians sign in once each (dr-wang, team A, and dr-li, team B, in turn; the gateway allows
10 sign-ins a minute per client) and then read their patients, one patient's detail and the
alert queue. Wearables use the tokens of ``Z5G_DEVICE_TOKENS`` whose device starts with
``wear-`` and post plausible vitals for the patient of the same number (wear-1001 → p-1001).
Every non-2xx answer counts as a failure.
"""

from __future__ import annotations

import itertools
import os
import random

from locust import HttpUser, between, task

TEAMS = {"dr-wang": ["p-1001", "p-1002", "p-1003", "p-1004", "p-1005"],
         "dr-li": ["p-1006", "p-1007", "p-1008", "p-1009", "p-1010"]}
_clinicians = itertools.cycle(TEAMS)
_wearables = itertools.count()


def _wearable_tokens() -> list[tuple[str, str]]:
    out = []
    for pair in os.environ.get("Z5G_DEVICE_TOKENS", "").split(","):
        device, _, token = pair.partition("=")
        if device.startswith("wear-") and token:
            out.append((device, token))
    return out


class Clinician(HttpUser):
    """A clinician at the monitoring wall."""

    wait_time = between(1, 3)
    weight = 2

    def on_start(self) -> None:
        """Sign in as one of the demo clinicians."""
        self.user = next(_clinicians)
        self.client.post("/api/auth/login", json={
            "username": self.user, "password": os.environ.get("Z5G_DEMO_PASSWORD", "")},
            name="/api/auth/login")

    @task(4)
    def wall(self) -> None:
        """The wall's starting state: the team's patients with vitals, NEWS2 and alerts."""
        self.client.get("/api/medical/patients")

    @task(2)
    def alerts(self) -> None:
        """The alert queue."""
        self.client.get("/api/medical/alerts?open_only=true", name="/api/medical/alerts")

    @task(1)
    def detail(self) -> None:
        """One of the team's patients in detail."""
        pid = random.choice(TEAMS[self.user])
        self.client.get(f"/api/medical/patients/{pid}?minutes=60",
                        name="/api/medical/patients/[id]")

    @task(1)
    def ambulances(self) -> None:
        """The ambulance board."""
        self.client.get("/api/medical/prearrivals")


class Wearable(HttpUser):
    """A wearable posting an observation set every second or so."""

    wait_time = between(0.5, 1.5)
    weight = 3

    def on_start(self) -> None:
        """Take one of the wearable credentials."""
        tokens = _wearable_tokens()
        self.device = tokens[next(_wearables) % len(tokens)] if tokens else None
        self.seq = random.randint(1, 1_000_000)

    @task
    def post_vitals(self) -> None:
        """One plausible observation set."""
        if self.device is None:
            return
        device, token = self.device
        self.seq += 1
        self.client.post(
            "/api/devices/medical/readings",
            json={"patient_id": "p-" + device.removeprefix("wear-"), "device_id": device,
                  "seq": self.seq, "heart_rate_bpm": random.randint(60, 100),
                  "resp_rate_per_min": random.randint(12, 20),
                  "spo2_pct": random.randint(94, 99), "systolic_mmhg": random.randint(105, 140),
                  "diastolic_mmhg": random.randint(65, 90),
                  "temperature_c": round(random.uniform(36.3, 37.6), 1),
                  "consciousness": "CONSCIOUSNESS_ALERT", "on_oxygen": False},
            headers={"Authorization": f"Bearer {token}"}, name="/api/devices/medical/readings")
