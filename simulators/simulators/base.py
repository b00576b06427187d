"""A device simulator is a source of (topic, message, key) tuples at a steady rate."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Protocol

from google.protobuf.message import Message
from zezhou5g.platform.kafka import EventProducer

log = logging.getLogger(__name__)

Emission = tuple[str, Message, str]


class Simulator(Protocol):
    """What the runner needs from a scenario's device simulator."""

    name: str
    # The topic it publishes to; a simulator of several device kinds also has ``topics``.
    topic: str

    def tick(self, now: datetime) -> Iterable[Emission]:
        """Events to publish at wall-clock time ``now`` (UTC)."""
        ...


def run(sim: Simulator, producer: EventProducer, interval_s: float, stop: threading.Event,
        max_ticks: int | None = None) -> int:
    """Publish ``sim``'s events every ``interval_s`` until ``stop``; returns events published."""
    sent = 0
    ticks = 0
    next_at = time.monotonic()
    while not stop.is_set() and (max_ticks is None or ticks < max_ticks):
        now = datetime.now(UTC)
        for topic, message, key in sim.tick(now):
            message.meta.event_time.FromDatetime(now)  # type: ignore[attr-defined]
            producer.publish(topic, message, key=key)
            sent += 1
        ticks += 1
        next_at += interval_s
        stop.wait(max(0.0, next_at - time.monotonic()))
    return sent
