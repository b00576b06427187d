"""Station gates reporting their state; a camera fault now and then degrades a gate."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime

from zezhou5g.transport.v1 import transport_pb2

from simulators.base import Emission

TOPIC = "transport.gate.heartbeats"
GATES = {"gate-hsr-1": "zezhou-hsr", "gate-hsr-2": "zezhou-hsr", "gate-bus-1": "zezhou-bus"}


class Gates:
    """Queue lengths follow a random walk; a camera is down for a while with small probability."""

    name = "transport"
    topic = TOPIC

    def __init__(self, seed: int = 5) -> None:
        self.rng = random.Random(seed)
        self.queue = dict.fromkeys(GATES, 2)
        self.camera_down = dict.fromkeys(GATES, 0)

    def tick(self, now: datetime) -> Iterable[Emission]:
        """One heartbeat per gate."""
        for gate, station in GATES.items():
            self.queue[gate] = max(0, min(40, self.queue[gate] + self.rng.choice((-1, 0, 1))))
            if self.camera_down[gate] == 0 and self.rng.random() < 0.01:
                self.camera_down[gate] = 10
            self.camera_down[gate] = max(0, self.camera_down[gate] - 1)
            yield TOPIC, transport_pb2.GateHeartbeat(
                gate_id=gate, station_id=station, camera_ok=self.camera_down[gate] == 0,
                queue_length=self.queue[gate]), gate
