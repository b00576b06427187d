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
from kafka.structs import OffsetAndMetadata, TopicPartition
from prometheus_client import Counter

from zezhou5g import contracts
from zezhou5g.contracts.topic import DLQ_SUFFIX
from zezhou5g.platform.events import (
    ConsumedEvent,
    new_traceparent,
    root_trace_id,
    stamp,
    trace_id_of,
)
from zezhou5g.platform.failures import is_infrastructure
from zezhou5g.platform.logging import log_fields, trace_id_var
from zezhou5g.platform.metrics import (
    CONSUMER_BEHIND_SECONDS,
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
RESEND_POLL_S = 0.5  # the resend thread wakes at least this often (and reports acknowledgements)


def ensure_topics(bootstrap: str, topics: Iterable[str], partitions: int = 3,
                  replication: int = 1, timeout_s: float = 30.0) -> dict[str, int]:
    """Create missing topics and wait until the broker reports their partitions.

    Returns each topic's partition count as the broker has it (a topic that existed before
    keeps its own count).

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
                return {d.get("topic", d.get("name")): len(d["partitions"]) for d in described}
            if time.monotonic() > deadline:
                raise KafkaError(f"topics not ready after {timeout_s:.0f}s: {wanted}")
            time.sleep(0.2)
    finally:
        admin.close()


OnDelivered = Callable[[str], None] | None


class _InFlight:
    """One sent record until the broker answers: its two callbacks without a partial each."""

    __slots__ = ("key", "message", "on_delivered", "producer", "topic", "traceparent")

    def __init__(self, producer: EventProducer, topic: str, message: Message, key: str | None,
                 traceparent: str | None, on_delivered: OnDelivered) -> None:
        self.producer, self.topic, self.message = producer, topic, message
        self.key, self.traceparent, self.on_delivered = key, traceparent, on_delivered

    def delivered(self, _metadata: object) -> None:
        self.producer._delivered(self.topic, self.message, self.on_delivered)

    def failed(self, exc: BaseException) -> None:
        self.producer._failed(self.topic, self.message, self.key, self.traceparent, exc,
                              on_delivered=self.on_delivered)


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
            # Larger batches per partition: fewer requests at high rates, same latency at low.
            "batch_size": 256 * 1024,
            "delivery_timeout_ms": 120_000,
            "reconnect_backoff_max_ms": 2000,
            "max_block_ms": 10_000,
        }
        config.update(overrides)
        self.service = service
        self._producer = KafkaProducer(**config)
        self._resend: queue.Queue[tuple[float, str, Message, str | None, str | None,
                                        OnDelivered]] = (
            queue.Queue())
        # Bookkeeping per event is kept to plain ints (the hot path is ~25 µs an event): the
        # publishers count what they sent under a lock, the producer's I/O thread (the only
        # one that runs delivery callbacks) counts what was acknowledged, per topic, and the
        # resend thread (and flush) move those counts to Prometheus at least every
        # RESEND_POLL_S.
        self._sent = 0
        self._acked_by_topic: dict[str, int] = {}
        self._reported: dict[str, int] = {}
        self._report_lock = threading.Lock()
        self._flushing = 0  # threads waiting in flush(): only then is a delivery announced
        self._pending_lock = threading.Condition()
        self._sent_lock = threading.Lock()
        self._produced: dict[str, Counter] = {}
        self._closed = threading.Event()
        self._resender = threading.Thread(target=self._resend_loop, name="kafka-resend",
                                          daemon=True)
        self._resender.start()

    def publish(self, topic: str, message: Message, key: str | None = None,
                traceparent: str | None = None, on_delivered: OnDelivered = None) -> str:
        """Stamp and send ``message``; returns its event id. Delivery completes in background.

        Without ``key`` the record is keyed by the topic's declared key field (proto contract,
        :mod:`zezhou5g.contracts`); an undeclared topic without a key gets none.

        The event is retried until the broker has it (see module doc); :meth:`flush` waits.
        ``on_delivered(event_id)`` is called once the broker acknowledged it, from the
        producer's I/O thread: it must be quick (e.g. put the id on a queue).
        """
        event_id = stamp(message, self.service)
        if key is None:
            declared = contracts.BY_NAME.get(topic)
            if declared is not None:
                key = declared.key(message) or None
        if traceparent is None:
            trace_id = trace_id_var.get()
            if trace_id is not None:
                traceparent = new_traceparent(trace_id)
        with self._sent_lock:
            self._sent += 1
        self._send(topic, message, key, traceparent, on_delivered)
        return event_id

    def _send(self, topic: str, message: Message, key: str | None, traceparent: str | None,
              on_delivered: OnDelivered = None) -> None:
        # At most one header: the trace context, which a consumer cannot get elsewhere, and only
        # for an event that continues a trace (one that starts its own has its id as trace id,
        # see events.root_trace_id). The event id is in the payload's meta and the message type
        # follows from the topic (contract registry); dead letters, whose payload may not
        # decode, carry the id as a header.
        headers = [("traceparent", traceparent.encode())] if traceparent else None
        try:
            fut = self._producer.send(topic, value=message.SerializeToString(),
                                      key=key.encode() if key else None, headers=headers)
        except KafkaError as exc:
            self._failed(topic, message, key, traceparent, exc, on_delivered=on_delivered)
            return
        record = _InFlight(self, topic, message, key, traceparent, on_delivered)
        fut.add_callback(record.delivered)
        fut.add_errback(record.failed)

    def _delivered(self, topic: str, message: Message, on_delivered: OnDelivered) -> None:
        # Runs on the producer's I/O thread only, so the counts need no lock.
        by_topic = self._acked_by_topic
        by_topic[topic] = by_topic.get(topic, 0) + 1
        if on_delivered is not None:
            on_delivered(message.meta.event_id)  # type: ignore[attr-defined]
        if self._flushing:
            with self._pending_lock:
                self._pending_lock.notify_all()

    def _report(self) -> None:
        """Add the acknowledgements counted since the last call to the Prometheus counter."""
        with self._report_lock:  # the resend thread and any flushing thread
            for topic, acked in list(self._acked_by_topic.items()):
                new = acked - self._reported.get(topic, 0)
                if new:
                    counter = self._produced.get(topic)
                    if counter is None:  # labels() costs microseconds: once per topic
                        counter = self._produced[topic] = EVENTS_PRODUCED.labels(self.service,
                                                                                 topic)
                    counter.inc(new)
                    self._reported[topic] = acked

    def _failed(self, topic: str, message: Message, key: str | None, traceparent: str | None,
                exc: BaseException, *, on_delivered: OnDelivered = None) -> None:
        PRODUCE_ERRORS.labels(self.service, topic).inc()
        log.warning("send failed, will retry", extra=log_fields(topic=topic, error=repr(exc)))
        # Re-sending from the producer's I/O thread could block it; hand over to our thread.
        self._resend.put((time.monotonic() + RESEND_BACKOFF_S, topic, message, key, traceparent,
                          on_delivered))

    def _resend_loop(self) -> None:
        while not self._closed.is_set():
            self._report()
            try:
                due, topic, message, key, traceparent, on_delivered = self._resend.get(
                    timeout=RESEND_POLL_S)
            except queue.Empty:
                continue
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self._send(topic, message, key, traceparent, on_delivered)

    def send_raw(self, topic: str, value: bytes, key: bytes | None,
                 headers: list[tuple[str, bytes]]) -> None:
        """Forward an undecoded record as is (dead letters); delivery errors are only logged."""
        fut = self._producer.send(topic, value=value, key=key, headers=headers)
        fut.add_errback(lambda exc: log.error("dead letter lost", extra=log_fields(
            topic=topic, error=repr(exc))))

    def sends_without_blocking(self, topic: str) -> bool:
        """Whether :meth:`publish` to ``topic`` returns at once (safe on an event loop).

        kafka-python's ``send`` blocks only while it waits for a topic's metadata (up to
        ``max_block_ms``); once the partitions are known it appends to a batch and returns.
        """
        return self._producer._metadata.partitions_for_topic(topic) is not None

    def pending(self) -> int:
        """Events published but not yet acknowledged by the broker."""
        with self._sent_lock:
            return self._sent - sum(self._acked_by_topic.values())

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every published event is acknowledged; False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        self._producer.flush(timeout=timeout)
        with self._pending_lock:
            self._flushing += 1
            try:
                while self.pending() > 0:
                    remaining = None if deadline is None else deadline - time.monotonic()
                    if remaining is not None and remaining <= 0:
                        return False
                    self._pending_lock.wait(
                        timeout=0.2 if remaining is None else min(remaining, 0.2))
            finally:
                self._flushing -= 1
        self._report()
        return True

    def close(self, timeout: float = 10.0) -> None:
        """Flush what can be flushed within ``timeout`` and close the connection."""
        self.flush(timeout)
        self._closed.set()
        self._producer.close(timeout=timeout)


Handler = Callable[[ConsumedEvent], None]
# Takes every decoded event of one poll; idempotent; raising means "retry the whole batch".
# Returns the events it rejects as invalid (index in the list → reason), dead-lettered.
BatchHandler = Callable[[list[ConsumedEvent]], Mapping[int, str] | None]
# Told False while a dependency is away (the consumer is retrying) and True once it is back.
OnAvailability = Callable[[bool], None]

# Backoff while a dependency is away: from the first to the last, doubling.
RETRY_FIRST_S = 0.2
RETRY_MAX_S = 5.0


class RejectEvent(Exception):  # noqa: N818 - reads as an instruction at the raise site
    """Raised by a handler for an event that is invalid as sent: dead-lettered at once.

    The message is the reason a person will read (e.g. ``"spo2_pct 104 above 100"``).
    """


class _Stopped(Exception):  # noqa: N818
    """The consumer was stopped while it waited for a dependency to come back."""


class EventConsumer:
    """Consumes protobuf events from ``topics`` in a consumer group, at least once.

    Failures are told apart (:func:`~zezhou5g.platform.failures.is_infrastructure`):

    - :class:`RejectEvent` (or a batch handler's returned reasons): the event is invalid as
      sent and goes to ``<topic>.dlq`` at once;
    - an infrastructure failure (Redis, SQL or the broker away, a conflicting transaction):
      the same event or batch is tried again with backoff until it succeeds or the consumer
      stops; offsets stay uncommitted meanwhile and ``on_availability(False)`` is called (the
      service reports NOT_SERVING), then ``on_availability(True)`` once it succeeded;
    - anything else (a bug meeting unusual input): tried ``attempts`` times, then
      dead-lettered as ``handler_error`` so one poisonous event cannot stop the partition.

    Offsets are committed per partition up to the last event processed, never past it: a
    consumer stopped mid-batch leaves the rest to be delivered again.

    Args:
        bootstrap: ``host:port`` list of brokers.
        group_id: consumer group; one per service (e.g. ``"tourism"``).
        topics: topic name → protobuf message class of its payload.
        handler: called once per decoded record. Handlers must be idempotent (use the event
            id, see :mod:`zezhou5g.platform.outbox`).
        service: metrics label and DLQ ``source``.
        dlq: producer for dead letters (``<topic>.dlq``); rejects are only counted without it.
        attempts: how many times a handler failing for an unknown reason is tried.
        batch_handler: called with all events of one poll (one Redis round trip or one bulk
            insert for many events); returns the invalid ones' reasons by index. When it raises
            for an unknown reason the batch goes record by record through ``handler`` if there
            is one, else it is retried like an infrastructure failure.
        on_availability: see above.
    """

    def __init__(self, bootstrap: str, group_id: str, topics: Mapping[str, type[Message]],
                 handler: Handler | None, service: str, dlq: EventProducer | None = None,
                 attempts: int = 3, batch_handler: BatchHandler | None = None,
                 on_availability: OnAvailability | None = None,
                 **overrides: object) -> None:
        if handler is None and batch_handler is None:
            raise ValueError("give a handler, a batch_handler or both")
        config: dict[str, object] = {
            "bootstrap_servers": bootstrap,
            "group_id": group_id,
            "client_id": f"{service}-consumer",
            "enable_auto_commit": False,
            "auto_offset_reset": "earliest",
            "reconnect_backoff_max_ms": 2000,
            "max_poll_records": 500,
            # A member that died (SIGKILL, node lost) gives up its partitions after 10 s, not
            # the library's 45 s; heartbeats come from a background thread, so a busy handler
            # does not look dead.
            "session_timeout_ms": 10_000,
            "heartbeat_interval_ms": 3_000,
            # Notice new topics/partitions within 30 s (the default is 5 min).
            "metadata_max_age_ms": 30_000,
        }
        config.update(overrides)
        self.topics = dict(topics)
        self.handler = handler
        self.batch_handler = batch_handler
        self.service = service
        self.dlq = dlq
        self.attempts = attempts
        self.on_availability = on_availability
        self._available = True
        self._done: dict[TopicPartition, int] = {}
        # Partition → timestamp (s) of its last record processed, while more wait behind it.
        self._waiting: dict[TopicPartition, float] = {}
        self._behind_s = 0.0
        self._behind_gauge = CONSUMER_BEHIND_SECONDS.labels(service, group_id)
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

    @property
    def behind_s(self) -> float:
        """How far behind the consumer is, s (0 when it has caught up).

        About the age of the oldest record it has yet to process on its partitions. Safe to
        read from any thread.
        """
        return self._behind_s

    def _note_progress(self, batch: Mapping[TopicPartition, list]) -> None:  # type: ignore[type-arg]
        """After a poll: which partitions still have records waiting, and since when."""
        if not batch:
            self._waiting.clear()           # an empty poll: nothing waits
        for tp, rs in batch.items():
            highwater = self._consumer.highwater(tp)
            if highwater is not None and highwater > rs[-1].offset + 1:
                # The next record was produced at or after this one: its age is at most this.
                self._waiting[tp] = rs[-1].timestamp / 1000
            else:
                self._waiting.pop(tp, None)
        if self._waiting:
            assigned = self._consumer.assignment()
            for tp in [tp for tp in self._waiting if tp not in assigned]:
                del self._waiting[tp]
        now = time.time()
        self._behind_s = max((now - t for t in self._waiting.values()), default=0.0)
        self._behind_gauge.set(self._behind_s)

    def run(self) -> None:
        """Poll, process and commit until :meth:`stop`; closes the consumer on exit."""
        try:
            while not self._stop.is_set():
                batch = self._consumer.poll(timeout_ms=250)
                self._note_progress(batch)
                if not batch:
                    continue
                try:
                    if self.batch_handler is not None:
                        self._process_batch(batch)
                    else:
                        for records in batch.values():
                            for record in records:
                                self._process(record)
                except _Stopped:
                    return  # what was processed is committed below; the rest comes again
                self._commit()
        finally:
            self._commit()
            self._consumer.close(autocommit=False)

    def _mark(self, record) -> None:  # type: ignore[no-untyped-def]
        self._done[TopicPartition(record.topic, record.partition)] = record.offset + 1

    def _commit(self) -> None:
        if not self._done:
            return
        offsets = {tp: OffsetAndMetadata(off, "", -1) for tp, off in self._done.items()}
        try:
            self._consumer.commit(offsets)
            self._done.clear()
        except KafkaError as exc:
            # The records will be delivered again; handlers are idempotent.
            log.warning("offset commit failed", extra=log_fields(error=repr(exc)))

    def _availability(self, available: bool) -> None:
        if available == self._available:
            return
        self._available = available
        log.log(logging.INFO if available else logging.WARNING,
                "dependencies back" if available else "a dependency is away; retrying",
                extra=log_fields(service=self.service))
        if self.on_availability is not None:
            try:
                self.on_availability(available)
            except Exception:  # noqa: BLE001 - reporting must not stop consuming
                log.exception("availability hook failed")

    def _backoff(self, delay: float) -> float:
        """Wait ``delay`` (or until stopped) and return the next delay."""
        if self._stop.wait(delay):
            raise _Stopped
        return min(delay * 2, RETRY_MAX_S)

    @staticmethod
    def _headers(record) -> dict[str, str]:  # type: ignore[no-untyped-def]
        return {k: v.decode(errors="replace") for k, v in (record.headers or [])}

    def _decode(self, record) -> ConsumedEvent | None:  # type: ignore[no-untyped-def]
        try:
            message = self.topics[record.topic].FromString(record.value)
        except (DecodeError, TypeError) as exc:
            self._reject(record, self._headers(record), "undecodable", str(exc))
            return None
        trace_id = None
        event_id = message.meta.event_id  # type: ignore[attr-defined]
        for k, v in record.headers or ():
            if k == "traceparent":
                trace_id = trace_id_of(v.decode(errors="replace"))
            elif k == "event-id" and not event_id:  # older producers, dead letters re-fed
                event_id = v.decode(errors="replace")
        key = record.key
        return ConsumedEvent(record.topic, record.partition, record.offset,
                             key.decode(errors="replace") if key else None, message, event_id,
                             trace_id, record.timestamp)

    def _process_batch(self, batch: Mapping[TopicPartition, list]) -> None:  # type: ignore[type-arg]
        """One poll's records through the batch handler; per-record work kept to decoding."""
        records: list = []  # type: ignore[type-arg]
        pairs: list[tuple[object, ConsumedEvent]] = []
        firsts: list[ConsumedEvent] = []  # each partition's first event: it waited longest
        for rs in batch.values():
            records += rs
            n = len(pairs)
            pairs += [(r, e) for r in rs if (e := self._decode(r)) is not None]
            if len(pairs) > n:
                firsts.append(pairs[n][1])
        if pairs and not self._handle_batch(records, pairs, firsts):
            return  # went record by record through the handler, which marked them
        for tp, rs in batch.items():
            self._done[tp] = rs[-1].offset + 1

    def _handle_batch(self, records: list, pairs: list[tuple[object, ConsumedEvent]],  # type: ignore[type-arg]
                      firsts: list[ConsumedEvent]) -> bool:
        """Run the batch handler until it succeeds; False when it fell back to the handler."""
        assert self.batch_handler is not None
        events = [e for _, e in pairs]
        delay = RETRY_FIRST_S
        while True:
            started = time.perf_counter()
            try:
                rejects = self.batch_handler(events) or {}
                break
            except Exception as exc:  # noqa: BLE001 - see the class doc
                if is_infrastructure(exc):
                    log.warning("batch waits for a dependency", extra=log_fields(
                        events=len(events), error=repr(exc)))
                    self._availability(False)
                    delay = self._backoff(delay)
                    continue
                if self.handler is not None:
                    log.exception("batch failed; processing its records one by one",
                                  extra=log_fields(events=len(events)))
                    for record in records:
                        self._process(record)
                    return False
                log.exception("batch failed, will retry", extra=log_fields(events=len(events)))
                delay = self._backoff(delay)
        self._availability(True)
        for i, reason in rejects.items():
            record, e = pairs[i]
            self._reject(record, self._headers(record), "invalid", reason, e.event_id)
        # Metrics per batch and topic, not per event: a label lookup costs microseconds. The
        # age is that of the first event of each partition in the batch, the one that waited
        # longest in the queue.
        per_event = (time.perf_counter() - started) / len(events)
        now_us = time.time() * 1e6
        counted: dict[str, list[float]] = {}  # topic → [events, oldest event time µs]
        for e in firsts:
            seen = counted.setdefault(e.topic, [0, now_us])
            meta = e.message.meta  # type: ignore[attr-defined]
            if meta.HasField("event_time"):
                seen[1] = min(seen[1], meta.event_time.ToMicroseconds())
        for i, (_, e) in enumerate(pairs):
            if i not in rejects:
                counted[e.topic][0] += 1
        for topic, (n, oldest_us) in counted.items():
            if n:
                EVENTS_CONSUMED.labels(self.service, topic).inc(n)
            PROCESS_SECONDS.labels(self.service, topic).observe(per_event)
            EVENT_AGE_SECONDS.labels(self.service, topic).observe(
                max((now_us - oldest_us) / 1e6, 0.0))
        return True

    def _process(self, record) -> None:  # type: ignore[no-untyped-def]
        topic = record.topic
        event = self._decode(record)
        if event is None:
            self._mark(record)
            return
        message = event.message
        token = trace_id_var.set(event.trace_id or root_trace_id(event.event_id))
        try:
            with PROCESS_SECONDS.labels(self.service, topic).time():
                rejected = self._handle(event)
        finally:
            trace_id_var.reset(token)
        if rejected is not None:
            self._reject(record, self._headers(record), *rejected, event.event_id)
            self._mark(record)
            return
        EVENTS_CONSUMED.labels(self.service, topic).inc()
        if message.meta.HasField("event_time"):  # type: ignore[attr-defined]
            age = time.time() - message.meta.event_time.ToMicroseconds() / 1e6  # type: ignore[attr-defined]
            EVENT_AGE_SECONDS.labels(self.service, topic).observe(max(age, 0.0))
        self._mark(record)

    def _handle(self, event: ConsumedEvent) -> tuple[str, str] | None:
        """Run the handler; ``(reason, detail)`` when the event is to be dead-lettered."""
        assert self.handler is not None
        attempt = 0
        delay = RETRY_FIRST_S
        while True:
            try:
                self.handler(event)
                self._availability(True)
                return None
            except RejectEvent as exc:
                self._availability(True)
                return "invalid", str(exc)
            except Exception as exc:  # noqa: BLE001 - see the class doc
                if is_infrastructure(exc):
                    log.warning("event waits for a dependency", extra=log_fields(
                        topic=event.topic, offset=event.offset, error=repr(exc)))
                    self._availability(False)
                    delay = self._backoff(delay)
                    continue
                attempt += 1
                log.exception("handler failed", extra=log_fields(
                    topic=event.topic, offset=event.offset, attempt=attempt))
                if attempt >= self.attempts:
                    return "handler_error", f"{type(exc).__name__}: {exc}"
                time.sleep(0.1 * attempt)

    def _reject(self, record, headers: dict[str, str], reason: str, detail: str,  # type: ignore[no-untyped-def]
                event_id: str = "") -> None:
        EVENTS_REJECTED.labels(self.service, record.topic, reason).inc()
        log.error("event rejected", extra=log_fields(topic=record.topic, offset=record.offset,
                                                      reason=reason, detail=detail[:500]))
        if self.dlq is None:
            return
        extra = [("event-id", event_id.encode())] if event_id and "event-id" not in headers else []
        dlq_headers = [(k, v.encode()) for k, v in headers.items()] + extra + [
            ("dlq-reason", reason.encode()), ("dlq-detail", detail[:1000].encode()),
            ("dlq-source", f"{record.topic}/{record.partition}/{record.offset}".encode())]
        self.dlq.send_raw(record.topic + DLQ_SUFFIX, record.value, record.key, dlq_headers)


def consume_in_thread(consumer: EventConsumer, name: str) -> threading.Thread:
    """Run ``consumer`` in a daemon thread (kafka-python is blocking)."""
    thread = threading.Thread(target=consumer.run, name=name, daemon=True)
    thread.start()
    return thread
