"""Locust scenario for the agri API: public trace lookups by QR code, the bureau's console and a
farmer's view, through the gateway.

    Z5G_DEMO_PASSWORD=… uv run locust -f loadtests/agri.py --host http://127.0.0.1:8080 \
        --headless -u 30 -r 10 -t 60s

Console users sign in once with the demo password (``Z5G_DEMO_PASSWORD``). Every non-2xx answer
counts as a failure; a trace that does not verify counts as one too.
"""

from __future__ import annotations

import os
import random

from locust import HttpUser, between, task

CODE = "ZZ-WHEAT-2026-0001"
DEVICES = ["soil-e1-1", "air-e1-1", "soil-e2-1", "air-e2-1"]
METRICS = ["soil_moisture_vwc", "air_temp_c"]


class Shopper(HttpUser):
    """Someone scanning a product's QR code in a shop."""

    wait_time = between(0.5, 2)

    @task(3)
    def trace(self) -> None:
        """The batch's chain, verified."""
        with self.client.get(f"/api/public/agri/trace/{CODE}", name="/api/public/agri/trace/[code]",
                             catch_response=True) as r:
            if r.status_code == 200 and not r.json().get("verified"):
                r.failure("chain did not verify")

    @task(1)
    def page(self) -> None:
        """The trace page itself."""
        self.client.get(f"/trace.html?code={CODE}", name="/trace.html")


class _Signed(HttpUser):
    abstract = True
    username = ""

    def on_start(self) -> None:
        """Sign in once; the session cookie is kept by the client."""
        self.client.post("/api/auth/login", json={
            "username": self.username, "password": os.environ.get("Z5G_DEMO_PASSWORD", "")})


class Bureau(_Signed):
    """The agriculture bureau's console: fields, alarms, machines, orders, emergency view."""

    wait_time = between(1, 3)
    username = "agri-bureau"
    fixed_count = 1     # sign-in is rate limited per client address (Z5G_LOGIN_RATE_PER_MIN)

    @task(3)
    def fields(self) -> None:
        """Fields with their status."""
        self.client.get("/api/agri/fields")

    @task(2)
    def alarms(self) -> None:
        """Active alarms."""
        self.client.get("/api/agri/alarms?active=true")

    @task(1)
    def machines_and_orders(self) -> None:
        """Machines, orders and the emergency view."""
        self.client.get("/api/agri/machines")
        self.client.get("/api/agri/orders")
        self.client.get("/api/agri/emergency")

    @task(2)
    def history(self) -> None:
        """A sensor chart."""
        self.client.get(f"/api/agri/history/{random.choice(DEVICES)}/{random.choice(METRICS)}"
                        "?days=3", name="/api/agri/history/[device]/[metric]")


class Farmer(_Signed):
    """Farmer Zhao looking at his own fields."""

    wait_time = between(2, 5)
    username = "farmer-zhao"
    fixed_count = 1

    @task
    def own_fields(self) -> None:
        """His fields and their alarms."""
        self.client.get("/api/agri/fields")
        self.client.get("/api/agri/alarms")
