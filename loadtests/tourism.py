"""Locust scenario for the tourism API: visitors on the public crowding page, operators on the
console (zones, flow, history, cameras, camera frames, alerts).

    uv run locust -f loadtests/tourism.py --host http://127.0.0.1:8080 \
        --headless -u 50 -r 10 -t 60s

Operators sign in as ``Z5G_LOADTEST_USER`` (default ``jueshan-ops``) with ``Z5G_DEMO_PASSWORD``
(in ``.run/secrets.env`` under ``make demo``). Every non-2xx answer counts as a failure, except a
404 for a camera frame before the camera's first processed frame.
"""

from __future__ import annotations

import os
import random

from locust import HttpUser, between, task


class PublicVisitor(HttpUser):
    """A phone on the public crowding page."""

    wait_time = between(1, 3)

    @task(5)
    def crowding(self) -> None:
        """Each spot's crowding and suggestions."""
        self.client.get("/api/public/tourism/crowding")

    @task(1)
    def page(self) -> None:
        """The page itself."""
        self.client.get("/public/tourism.html")


class Operator(HttpUser):
    """An operator with the tourism console open."""

    wait_time = between(1, 2)

    def on_start(self) -> None:
        """Sign in and learn the zones and cameras."""
        user = os.environ.get("Z5G_LOADTEST_USER", "jueshan-ops")
        password = os.environ.get("Z5G_DEMO_PASSWORD", "")
        self.client.post("/api/auth/login", json={"username": user, "password": password})
        areas = self.client.get("/api/tourism/areas").json() or []
        self.zones = [z["zone_id"] for a in areas for z in a.get("zones", [])]
        cams = self.client.get("/api/tourism/cameras").json() or []
        self.cameras = [c["camera_id"] for c in cams]

    @task(5)
    def live(self) -> None:
        """What the console polls and reloads: zone status and area flow."""
        self.client.get("/api/tourism/zones")
        self.client.get("/api/tourism/flow")

    @task(3)
    def camera(self) -> None:
        """Camera health and one annotated frame (the console's camera view, 1/s)."""
        self.client.get("/api/tourism/cameras")
        if self.cameras:
            cam = random.choice(self.cameras)
            with self.client.get(f"/api/tourism/cameras/{cam}/frame.jpg",
                                 name="/api/tourism/cameras/[id]/frame.jpg",
                                 catch_response=True) as res:
                if res.status_code in (200, 404):
                    res.success()

    @task(1)
    def history(self) -> None:
        """A zone's last 24 hours, per minute."""
        if self.zones:
            zone = random.choice(self.zones)
            self.client.get(f"/api/tourism/zones/{zone}/history?hours=24",
                            name="/api/tourism/zones/[id]/history")

    @task(1)
    def alerts(self) -> None:
        """The alert list."""
        self.client.get("/api/tourism/alerts?limit=50")
