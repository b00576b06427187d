"""Kafka on kafka-python with protobuf payloads.

Producers are idempotent with ``acks=all``; a send that still fails is queued and sent again with
the same event id, so nothing is lost while the broker is away and consumers drop the repeat.
Consumers commit offsets only after the batch is processed (at-least-once); a record that cannot
be decoded or processed goes to ``<topic>.dlq`` with the reason in a header, and is counted.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable, Mapping

from google.protobuf.message import DecodeError, Message
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.consumer.group import KafkaConsumer
from kafka.errors import KafkaError, TopicAlreadyExistsError
from kafka.producer.kafka import KafkaProducer

from zezhou5g.platform.events import (
    CONTENT_TYPE,
    ConsumedEvent,
    new_traceparent,
    stamp,
    trace_id_of,
)
from zezhou5g.platform.logging import log_fields, trace_id_var
from zezhou5g.platform.metrics import (
    EVENT_AGE_SECONDS,
    EVENTS_CONSUMED,
    EVENTS_PRODUCED,
    EVENTS_REJECTED,
    PROCESS_SECONDS,
    PRODUCE_ERRORS,
)

log = logging.getLogger(__name__)

# Seconds to wait before re-sending a failed record; the broker may be restarting.
RESEND_BACKOFF_S = 1.0


def ensure_topics(bootstrap: str, topics: Iterable[str], partitions: int = 3,
                  replication: int = 1, timeout_s: float = 30.0) -> None:
    """Create missing topics and wait until the broker reports their partitions.

    The wait matters: a consumer that joins its group before a new topic's metadata is
    visible gets no partitions for it and would sit idle until its next metadata refresh.
    """
    wanted = sorted(set(topics))
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
    try:
        existing = set(admin.list_topics())
        missing = [NewTopic(t, partitions, replication) for t in wanted if t not in existing]
        if missing:
            try:
                admin.create_topics(missing)
            except TopicAlreadyExistsError:
                pass
        deadline = time.monotonic() + timeout_s
        while True:
            described = admin.describe_topics(wanted)
            if all(d.get("partitions") and not d.get("error_code") for d in described):
                return
            if time.monotonic() > deadline:
                raise KafkaError(f"topics not ready after {timeout_s:.0f}s: {wanted}")
            time.sleep(0.2)
    finally:
        admin.close()


class EventProducer:
    """Publishes protobuf events; thread-safe.

    Args:
        bootstrap: ``host:port`` list of brokers.
        service: producer name, used as the default ``meta.source`` and as metrics label.
        **overrides: extra kafka-python producer settings (e.g. ``linger_ms``).
    """

    def __init__(self, bootstrap: str, service: str, **overrides: object) -> None:
        config: dict[str, object] = {
            "bootstrap_servers": bootstrap,
            "client_id": service,
            "acks": "all",
            "enable_idempotence": True,
            "linger_ms": 5,
            "delivery_timeout_ms": 120_000,
            "reconnect_backoff_max_ms": 2000,
            "max_block_ms": 10_000,
        }
        config.update(overrides)
        self.service = service
        self._producer = KafkaProducer(**config)
        self._resend: queue.Queue[tuple[float, str, Message, str | None, str]] = queue.Queue()
        self._pending = 0
        self._pending_lock = threading.Condition()
        self._closed = threading.Event()
        self._resender = threading.Thread(target=self._resend_loop, name="kafka-resend",
                                          daemon=True)
        self._resender.start()

    def publish(self, topic: str, message: Message, key: str | None = None,
                traceparent: str | None = None) -> str:
        """Stamp and send ``message``; returns its event id. Delivery completes in background.

        The event is retried until the broker has it (see module doc); :meth:`flush` waits.
        """
        event_id = stamp(message, self.service)
        if traceparent is None:
            traceparent = new_traceparent(trace_id_var.get())
        with self._pending_lock:
            self._pending += 1
        self._send(topic, message, key, traceparent)
        return event_id

    def _send(self, topic: str, message: Message, key: str | None, traceparent: str) -> None:
        headers = [
            ("event-id", message.meta.event_id.encode()),  # type: ignore[attr-defined]
            ("content-type",
             f"{CONTENT_TYPE}; messageType={message.DESCRIPTOR.full_name}".encode()),
            ("traceparent", traceparent.encode()),
        ]
        try:
            fut = self._producer.send(topic, value=message.SerializeToString(),
                                      key=key.encode() if key else None, headers=headers)
        except KafkaError as exc:
            self._failed(topic, message, key, traceparent, exc)
            return
        fut.add_callback(lambda _md: self._delivered(topic))
        fut.add_errback(lambda exc: self._failed(topic, message, key, traceparent, exc))

    def _delivered(self, topic: str) -> None:
        EVENTS_PRODUCED.labels(self.service, topic).inc()
        with self._pending_lock:
            self._pending -= 1
            self._pending_lock.notify_all()

    def _failed(self, topic: str, message: Message, key: str | None, traceparent: str,
                exc: BaseException) -> None:
        PRODUCE_ERRORS.labels(self.service, topic).inc()
        log.warning("send failed, will retry", extra=log_fields(topic=topic, error=repr(exc)))
        # Re-sending from the producer's I/O thread could block it; hand over to our thread.
        self._resend.put((time.monotonic() + RESEND_BACKOFF_S, topic, message, key, traceparent))

    def _resend_loop(self) -> None:
        while not self._closed.is_set():
            try:
                due, topic, message, key, traceparent = self._resend.get(timeout=0.5)
            except queue.Empty:
                continue
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self._send(topic, message, key, traceparent)

    def send_raw(self, topic: str, value: bytes, key: bytes | None,
                 headers: list[tuple[str, bytes]]) -> None:
        """Forward an undecoded record as is (dead letters); delivery errors are only logged."""
        fut = self._producer.send(topic, value=value, key=key, headers=headers)
        fut.add_errback(lambda exc: log.error("dead letter lost", extra=log_fields(
            topic=topic, error=repr(exc))))

    def pending(self) -> int:
        """Events published but not yet acknowledged by the broker."""
        with self._pending_lock:
            return self._pending

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every published event is acknowledged; False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        self._producer.flush(timeout=timeout)
        with self._pending_lock:
            while self._pending > 0:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._pending_lock.wait(timeout=0.2 if remaining is None else min(remaining, 0.2))
        return True

    def close(self, timeout: float = 10.0) -> None:
        """Flush what can be flushed within ``timeout`` and close the connection."""
        self.flush(timeout)
        self._closed.set()
        self._producer.close(timeout=timeout)


Handler = Callable[[ConsumedEvent], None]


class RejectEvent(Exception):  # noqa: N818 - reads as an instruction at the raise site
    """Raised by a handler for an event that is invalid as sent: dead-lettered at once.

    The message is the reason a person will read (e.g. ``"spo2_pct 104 above 100"``).
    """


class EventConsumer:
    """Consumes protobuf events from ``topics`` in a consumer group, at least once.

    Args:
        bootstrap: ``host:port`` list of brokers.
        group_id: consumer group; one per service (e.g. ``"tourism"``).
        topics: topic name → protobuf message class of its payload.
        handler: called once per decoded record; an exception is retried, then the record is
            dead-lettered. Handlers must be idempotent (use the event id).
        service: metrics label and DLQ ``source``.
        dlq: producer for dead letters (``<topic>.dlq``); rejects are only counted without it.
        attempts: how many times a failing handler is tried before dead-lettering.
    """

    def __init__(self, bootstrap: str, group_id: str, topics: Mapping[str, type[Message]],
                 handler: Handler, service: str, dlq: EventProducer | None = None,
                 attempts: int = 3, **overrides: object) -> None:
        config: dict[str, object] = {
            "bootstrap_servers": bootstrap,
            "group_id": group_id,
            "client_id": f"{service}-consumer",
            "enable_auto_commit": False,
            "auto_offset_reset": "earliest",
            "reconnect_backoff_max_ms": 2000,
            "max_poll_records": 500,
            # Notice new topics/partitions within 30 s (the default is 5 min).
            "metadata_max_age_ms": 30_000,
        }
        config.update(overrides)
        self.topics = dict(topics)
        self.handler = handler
        self.service = service
        self.dlq = dlq
        self.attempts = attempts
        self._consumer = KafkaConsumer(**config)
        self._load_metadata()
        self._consumer.subscribe(list(self.topics))
        self._stop = threading.Event()

    def _load_metadata(self, timeout_s: float = 30.0) -> None:
        # The group leader assigns partitions from its own client's metadata: joining before
        # that metadata holds our topics leaves the consumer with nothing to read until a later
        # rebalance. Loading it first closes that race.
        deadline = time.monotonic() + timeout_s
        for topic in self.topics:
            while not self._consumer.partitions_for_topic(topic):
                if time.monotonic() > deadline:
                    log.warning("no partitions known yet", extra=log_fields(topic=topic))
                    break
                time.sleep(0.2)

    def stop(self) -> None:
        """Ask :meth:`run` to return after the current batch."""
        self._stop.set()

    def run(self) -> None:
        """Poll, process and commit until :meth:`stop`; closes the consumer on exit."""
        try:
            while not self._stop.is_set():
                batch = self._consumer.poll(timeout_ms=250)
                if not batch:
                    continue
                for records in batch.values():
                    for record in records:
                        self._process(record)
                self._commit()
        finally:
            self._commit()
            self._consumer.close(autocommit=False)

    def _commit(self) -> None:
        try:
            self._consumer.commit()
        except KafkaError as exc:
            # The records will be delivered again; handlers are idempotent.
            log.warning("offset commit failed", extra=log_fields(error=repr(exc)))

    def _process(self, record) -> None:  # type: ignore[no-untyped-def]
        topic = record.topic
        headers = {k: v.decode(errors="replace") for k, v in (record.headers or [])}
        cls = self.topics[topic]
        try:
            message = cls.FromString(record.value)
        except (DecodeError, TypeError) as exc:
            self._reject(record, headers, "undecodable", str(exc))
            return
        event_id = message.meta.event_id or headers.get("event-id", "")  # type: ignore[attr-defined]
        event = ConsumedEvent(
            topic=topic, partition=record.partition, offset=record.offset,
            key=record.key.decode(errors="replace") if record.key else None, message=message,
            event_id=event_id, trace_id=trace_id_of(headers.get("traceparent")),
            timestamp_ms=record.timestamp)
        token = trace_id_var.set(event.trace_id)
        try:
            with PROCESS_SECONDS.labels(self.service, topic).time():
                error = self._handle(event)
        finally:
            trace_id_var.reset(token)
        if error is not None:
            self._reject(record, headers, "handler_error", error)
            return
        EVENTS_CONSUMED.labels(self.service, topic).inc()
        if message.meta.HasField("event_time"):  # type: ignore[attr-defined]
            age = time.time() - message.meta.event_time.ToMicroseconds() / 1e6  # type: ignore[attr-defined]
            EVENT_AGE_SECONDS.labels(self.service, topic).observe(max(age, 0.0))

    def _handle(self, event: ConsumedEvent) -> str | None:
        for attempt in range(1, self.attempts + 1):
            try:
                self.handler(event)
                return None
            except RejectEvent as exc:
                return f"invalid: {exc}"
            except Exception as exc:  # noqa: BLE001 - any handler failure is retried, then DLQ'd
                log.exception("handler failed", extra=log_fields(
                    topic=event.topic, offset=event.offset, attempt=attempt))
                if attempt == self.attempts:
                    return f"{type(exc).__name__}: {exc}"
                time.sleep(0.1 * attempt)
        return None

    def _reject(self, record, headers: dict[str, str], reason: str, detail: str) -> None:  # type: ignore[no-untyped-def]
        EVENTS_REJECTED.labels(self.service, record.topic, reason).inc()
        log.error("event rejected", extra=log_fields(topic=record.topic, offset=record.offset,
                                                      reason=reason, detail=detail[:500]))
        if self.dlq is None:
            return
        dlq_headers = [(k, v.encode()) for k, v in headers.items()] + [
            ("dlq-reason", reason.encode()), ("dlq-detail", detail[:1000].encode()),
            ("dlq-source", f"{record.topic}/{record.partition}/{record.offset}".encode())]
        self.dlq.send_raw(f"{record.topic}.dlq", record.value, record.key, dlq_headers)


def consume_in_thread(consumer: EventConsumer, name: str) -> threading.Thread:
    """Run ``consumer`` in a daemon thread (kafka-python is blocking)."""
    thread = threading.Thread(target=consumer.run, name=name, daemon=True)
    thread.start()
    return thread
