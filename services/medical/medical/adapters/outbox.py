"""Publishes what the state transactions staged in the outbox, and forgets it once acknowledged."""

from __future__ import annotations

import logging
import queue
import threading

import redis
from google.protobuf.message import Message
from zezhou5g.platform.kafka import EventProducer
from zezhou5g.platform.logging import log_fields

from medical.adapters.state import OUTBOX, Outbox

log = logging.getLogger(__name__)


class OutboxRelay:
    """Sends staged events with their own ids; removes each from the outbox once the broker has it.

    An event the broker acknowledged but that a crash left in the outbox is sent again at the
    next start with the same event id, which every consumer recognises.
    """

    def __init__(self, client: redis.Redis, producer: EventProducer,
                 classes: dict[str, type[Message]]) -> None:
        self.client = client
        self.producer = producer
        self.classes = classes
        self._delivered: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._forget_loop, name="outbox", daemon=True)

    def start(self) -> int:
        """Re-send whatever a previous run left in the outbox; returns how many."""
        left = self.client.hgetall(OUTBOX)
        for entry in left.values():  # type: ignore[union-attr]
            topic, key, message = Outbox.decode(str(entry), self.classes)
            self.send(topic, key, message)
        if left:
            log.info("outbox re-sent", extra=log_fields(events=len(left)))  # type: ignore[arg-type]
        self._thread.start()
        return len(left)  # type: ignore[arg-type]

    def send(self, topic: str, key: str, message: Message) -> None:
        """Publish a staged event (after its transaction committed)."""
        self.producer.publish(topic, message, key=key, on_delivered=self._delivered.put)

    def _forget(self) -> None:
        ids = []
        while True:
            try:
                ids.append(self._delivered.get_nowait())
            except queue.Empty:
                break
        if ids:
            self.client.hdel(OUTBOX, *ids)

    def _forget_loop(self) -> None:
        while not self._stop.wait(0.1):
            try:
                self._forget()
            except redis.RedisError as exc:
                log.warning("outbox cleanup failed", extra=log_fields(error=repr(exc)))

    def stop(self) -> None:
        """Wait for acknowledgements (10 s at most), then forget what was delivered."""
        self.producer.flush(timeout=10)
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(5)
        self._forget()
