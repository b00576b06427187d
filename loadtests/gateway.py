"""Locust scenario for the gateway: the public page's reads and devices posting readings.

    uv run locust -f loadtests/gateway.py --host http://127.0.0.1:8080 \
        --headless -u 50 -r 10 -t 60s

Device posts need a token from ``Z5G_DEVICE_TOKENS`` (``device=token,…``); the first tourism
sensor's token is used. Every non-2xx answer counts as a failure.
"""

from __future__ import annotations

import os
import random

from locust import HttpUser, between, task


def _tourism_device() -> tuple[str, str] | None:
    for pair in os.environ.get("Z5G_DEVICE_TOKENS", "").split(","):
        device, _, token = pair.partition("=")
        if device.startswith("env-") and token:
            return device, token
    return None


class PublicVisitor(HttpUser):
    """A phone on the experience-zone page: loads the overview now and then."""

    wait_time = between(0.5, 2)

    @task(5)
    def overview(self) -> None:
        """The public page's starting state."""
        self.client.get("/api/public/overview")

    @task(1)
    def page(self) -> None:
        """The page itself."""
        self.client.get("/public.html")


class EnvironmentSensor(HttpUser):
    """An environment sensor posting a reading every second or so."""

    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        """Pick up the device credentials."""
        self.device = _tourism_device()

    @task
    def post_reading(self) -> None:
        """One reading, within plausible ranges."""
        if self.device is None:
            return
        sensor, token = self.device
        self.client.post(
            "/api/devices/tourism/readings",
            json={"sensor_id": sensor, "area_id": "jueshan",
                  "temperature_c": round(random.uniform(10, 30), 1),
                  "humidity_pct": round(random.uniform(30, 90), 1),
                  "pm25_ug_m3": round(random.uniform(5, 80), 1),
                  "noise_db": round(random.uniform(35, 65), 1)},
            headers={"Authorization": f"Bearer {token}"}, name="/api/devices/tourism/readings")
