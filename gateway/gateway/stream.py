"""Kafka → browsers: one consumer thread fans status events out to SSE subscribers.

The consumer reads from the end of each topic without a group (browsers want what happens now;
a page loads its starting state over REST), so it never commits and never rebalances.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from google.protobuf import json_format
from google.protobuf.message import DecodeError, Message
from kafka.consumer.group import KafkaConsumer
from kafka.errors import KafkaError
from kafka.structs import TopicPartition
from prometheus_client import Counter, Gauge
from zezhou5g.platform.logging import log_fields

from gateway.readiness import Readiness

log = logging.getLogger(__name__)

SUBSCRIBERS = Gauge("z5g_gateway_stream_subscribers", "Open browser event streams")
DROPPED = Counter("z5g_gateway_stream_dropped_total",
                  "Events not delivered to a slow browser (its queue was full)")
FORWARDED = Counter("z5g_gateway_stream_events_total", "Kafka events fanned out", ["topic"])


@dataclass(eq=False)
class Subscriber:
    """One browser stream: the topics it may see and its queue of JSON strings."""

    topics: frozenset[str]
    # On scoped topics, only events whose scope value is one of these (None: all).
    scope: frozenset[str] | None = None
    queue: asyncio.Queue[str] = field(default_factory=lambda: asyncio.Queue(maxsize=256))


class StreamHub:
    """Fans out decoded Kafka events as JSON to subscribers (asyncio side)."""

    def __init__(self, bootstrap: str, topics: dict[str, type[Message]],
                 scope_fields: dict[str, str] | None = None) -> None:
        self.bootstrap = bootstrap
        self.topics = topics
        self.scope_fields = scope_fields or {}
        self.subscribers: set[Subscriber] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start the consumer thread, delivering on ``loop``."""
        self._loop = loop
        self._thread = threading.Thread(target=self._run, name="stream-hub", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the consumer thread."""
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)

    def subscribe(self, topics: Iterable[str],
                  scope: Iterable[str] | None = None) -> Subscriber:
        """Register a subscriber for ``topics`` (limited to ``scope`` on scoped topics)."""
        sub = Subscriber(frozenset(topics), None if scope is None else frozenset(scope))
        self.subscribers.add(sub)
        SUBSCRIBERS.set(len(self.subscribers))
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        """Forget ``sub``."""
        self.subscribers.discard(sub)
        SUBSCRIBERS.set(len(self.subscribers))

    def _deliver(self, topic: str, payload: str, scope: str | None = None) -> None:
        for sub in list(self.subscribers):
            if topic in sub.topics and (sub.scope is None or topic not in self.scope_fields
                                        or scope in sub.scope):
                try:
                    sub.queue.put_nowait(payload)
                except asyncio.QueueFull:
                    DROPPED.inc()

    def _assign(self, consumer: KafkaConsumer) -> bool:
        """Read every partition that exists now; True when every topic had some.

        A topic appears when the service producing it first starts, so the ones missing are
        looked for again later and added from their end, without disturbing the others.
        """
        current = set(consumer.assignment())
        new = []
        complete = True
        for topic in self.topics:
            ids = consumer.partitions_for_topic(topic)
            if not ids:
                complete = False
                continue
            new += [tp for p in ids if (tp := TopicPartition(topic, p)) not in current]
        if new:
            consumer.assign(sorted(current | set(new)))
            consumer.seek_to_end(*new)
        return complete

    def _connect(self) -> KafkaConsumer | None:
        # The broker may be down when the gateway starts: keep trying until it is there.
        while not self._stop.is_set():
            try:
                return KafkaConsumer(bootstrap_servers=self.bootstrap, group_id=None,
                                     enable_auto_commit=False, reconnect_backoff_max_ms=2000,
                                     client_id="gateway-stream")
            except KafkaError as exc:
                log.warning("stream cannot reach Kafka yet", extra=log_fields(error=repr(exc)))
                self._stop.wait(2.0)
        return None

    def _run(self) -> None:
        consumer = self._connect()
        if consumer is None:
            return
        try:
            complete = self._assign(consumer)
            next_check = time.monotonic() + 2.0
            while not self._stop.is_set():
                if not complete and time.monotonic() >= next_check:
                    complete = self._assign(consumer)
                    next_check = time.monotonic() + 2.0
                if not consumer.assignment():
                    self._stop.wait(1.0)
                    continue
                try:
                    batch = consumer.poll(timeout_ms=250)
                except KafkaError as exc:
                    log.warning("stream poll failed", extra=log_fields(error=repr(exc)))
                    self._stop.wait(1.0)
                    continue
                for records in batch.values():
                    for record in records:
                        self._forward(record)
        finally:
            consumer.close()

    def _forward(self, record) -> None:  # type: ignore[no-untyped-def]
        try:
            message = self.topics[record.topic].FromString(record.value)
        except DecodeError:
            log.error("undecodable event on stream", extra=log_fields(topic=record.topic))
            return
        payload = json.dumps({
            "topic": record.topic,
            "type": message.DESCRIPTOR.full_name,
            "key": record.key.decode() if record.key else None,
            "data": json_format.MessageToDict(message, preserving_proto_field_name=True),
        }, ensure_ascii=False)
        FORWARDED.labels(record.topic).inc()
        field_name = self.scope_fields.get(record.topic)
        scope = getattr(message, field_name) if field_name else None
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._deliver, record.topic, payload, scope)


# A browser stream says it is alive this often, seconds, with what its data depends on: a page
# that hears no heartbeat for two periods, or one that names a dependency down, shows its data
# as stale (the events stop, but the page cannot tell a quiet moment from an outage).
HEARTBEAT_S = 3.0


async def heartbeat(readiness: Readiness, dependencies: Iterable[str]) -> str:
    """An SSE ``heartbeat`` event: ``{"at": UTC ISO time, "ok": bool, "down": [names]}``.

    ``dependencies`` are readiness checks (``kafka``, ``redis``, a service) the stream's events
    come through; ``down`` lists those failing now.
    """
    checks = await readiness.check()
    down = sorted(d for d in dependencies if d in checks and not checks[d].ok)
    body = json.dumps({"at": datetime.now(UTC).isoformat(), "ok": not down, "down": down})
    return f"event: heartbeat\ndata: {body}\n\n"
