"""Decide → persist → publish, once: the one way every service changes state.

A *unit of work* runs inside one store transaction. In it the service

1. learns which of the events it consumes are new (:meth:`RedisUnit.fresh`), from ids recorded by
   earlier units — the check and the record happen in the same transaction as the effects, so an
   event is never marked "seen" unless what it caused was committed;
2. reads and writes its state;
3. stages the events it produces (:meth:`RedisUnit.emit`). Their ids are deterministic (derived
   from the cause with :func:`derived_id`), so a unit decided again after a crash produces the
   same ids and consumers drop the repeat.

After the commit a relay publishes the staged events and forgets each one once the broker
acknowledged it. What a crash left staged is published again by :meth:`Outbox.start`. Nothing is
published that was not stored, and nothing stored stays unpublished.

Two stores implement it: :class:`RedisOutbox` (WATCH/MULTI; the only WATCH/MULTI retry loop in
the project) and :class:`SqlOutbox` (one SQL transaction; tables from :func:`outbox_tables`).

Typical consumer::

    def handle_batch(self, events):
        return self.outbox.transact(lambda unit: self._apply(unit, events),
                                    consumed=[e.event_id for e in events])
"""

from __future__ import annotations

import base64
import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import redis
from google.protobuf.message import Message
from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Engine,
    LargeBinary,
    MetaData,
    String,
    Table,
    delete,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError

from zezhou5g.platform.events import stamp
from zezhou5g.platform.logging import log_fields
from zezhou5g.platform.metrics import EVENTS_DUPLICATE

log = logging.getLogger(__name__)

T = TypeVar("T")

# How long consumed ids are remembered: the broker's retention, after which an event cannot
# come again.
SEEN_TTL_S = 7 * 24 * 3600
WATCH_RETRIES = 20


class Contention(Exception):  # noqa: N818 - reads as the condition
    """A unit kept conflicting with concurrent writers; the caller retries later.

    Counted as an infrastructure condition: the consumer retries the batch, it does not
    dead-letter it.
    """


def derived_id(namespace: str, *parts: str) -> str:
    """A deterministic event id for what ``parts`` (e.g. the cause's id) produced.

    ``namespace`` names the kind of effect (``"medical.status"``), so one cause can produce
    several events with distinct, stable ids.
    """
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "z5g:" + namespace + ":" + ":".join(parts)))


@dataclass(frozen=True, slots=True)
class Staged:
    """An event staged by a unit: topic, record key, message (with its event id)."""

    topic: str
    key: str
    message: Message

    @property
    def event_id(self) -> str:
        """The message's ``meta.event_id``."""
        return str(self.message.meta.event_id)  # type: ignore[attr-defined]

    def encode(self) -> str:
        """One line of text: ``topic \\t key \\t base64 payload``."""
        payload = base64.b64encode(self.message.SerializeToString()).decode()
        return f"{self.topic}\t{self.key}\t{payload}"

    @staticmethod
    def decode(entry: str, classes: Mapping[str, type[Message]]) -> Staged:
        """The staged event of an :meth:`encode` line."""
        topic, key, payload = entry.split("\t", 2)
        return Staged(topic, key, classes[topic].FromString(base64.b64decode(payload)))


class _Unit:
    """What both stores' units share: the consumed ids that are new, and the staged events."""

    def __init__(self, source: str, consumed: list[str], fresh: set[str]) -> None:
        self._source = source
        self.consumed = consumed
        self._fresh = fresh
        self.staged: list[Staged] = []

    def fresh(self, event_id: str) -> bool:
        """True when the consumed event ``event_id`` has not been processed before."""
        return event_id in self._fresh

    def emit(self, topic: str, message: Message, key: str,
             event_id: str | None = None) -> Message:
        """Stage ``message`` for ``topic`` under record ``key``; published after commit.

        Give ``event_id`` (from :func:`derived_id`) or set ``message.meta.event_id`` before:
        an effect must have the same id each time its cause is processed.
        """
        meta = message.meta  # type: ignore[attr-defined]
        if event_id:
            meta.event_id = event_id
        if not meta.event_id:
            raise ValueError("staged events need a deterministic event id (derived_id)")
        stamp(message, self._source)
        self.staged.append(Staged(topic, key, message))
        return message


class RedisUnit(_Unit):
    """A unit of work in one Redis WATCH/MULTI transaction.

    Read through :attr:`r` (immediate while watching), then write through :attr:`w` (the
    transaction; the first use starts it, after which no more reads). :meth:`watch` adds keys
    whose change by someone else must make the unit decide again.
    """

    def __init__(self, pipe: redis.client.Pipeline, client: redis.Redis, watching: bool,
                 source: str, consumed: list[str], fresh: set[str]) -> None:
        super().__init__(source, consumed, fresh)
        self._pipe = pipe
        self._client = client
        self._watching = watching
        self._writing = False

    def watch(self, *keys: str) -> None:
        """Also watch ``keys`` (before reading them)."""
        if self._writing:
            raise RuntimeError("watch before writing")
        if keys:
            self._pipe.watch(*keys)
            self._watching = True

    @property
    def r(self) -> redis.Redis | redis.client.Pipeline:
        """Client for reads (the watching pipeline, which answers at once)."""
        if self._writing:
            raise RuntimeError("read before the first write of a unit")
        return self._pipe if self._watching else self._client

    def read_pipeline(self) -> redis.client.Pipeline:
        """A pipeline (no transaction) for many reads in one round trip.

        :meth:`watch` the keys first: a change after the watch still makes the unit decide
        again, whichever connection read them.
        """
        if self._writing:
            raise RuntimeError("read before the first write of a unit")
        return self._client.pipeline(transaction=False)

    @property
    def w(self) -> redis.client.Pipeline:
        """The transaction (MULTI); commands queue until the unit commits."""
        if not self._writing:
            self._pipe.multi()
            self._writing = True
        return self._pipe


class Outbox:
    """Relay of staged events: publish after commit, forget once acknowledged, resend at start.

    Args:
        producer: the service's :class:`~zezhou5g.platform.kafka.EventProducer`.
        service: the service name (``meta.source``, metrics, key prefixes).
        classes: topic → message class of every topic this service produces (to decode what a
            crash left staged).
    """

    def __init__(self, producer: Any, service: str,
                 classes: Mapping[str, type[Message]]) -> None:
        self.producer = producer
        self.service = service
        self.classes = dict(classes)
        self._delivered: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # The store-specific part.
    def _left(self) -> list[Staged]:
        raise NotImplementedError

    def _forget_ids(self, ids: list[str]) -> None:
        raise NotImplementedError

    def _staged(self, ids: list[str]) -> list[Staged]:
        raise NotImplementedError

    def start(self) -> int:
        """Publish what a previous run left staged and start forgetting; returns how many."""
        left = self._left()
        self.send(left)
        if left:
            log.info("outbox re-sent", extra=log_fields(events=len(left)))
        if self._thread is None:
            self._thread = threading.Thread(target=self._forget_loop,
                                            name=f"outbox-{self.service}", daemon=True)
            self._thread.start()
        return len(left)

    def send(self, staged: Iterable[Staged]) -> None:
        """Publish committed events (in order; each keeps its id)."""
        for s in staged:
            self.producer.publish(s.topic, s.message, key=s.key,
                                  on_delivered=self._delivered.put)

    def pending(self) -> int:
        """Events staged and not yet acknowledged (reads the store)."""
        return len(self._left())

    def resend(self, event_ids: Iterable[str]) -> int:
        """Publish again those of ``event_ids`` still staged (not yet acknowledged).

        For an idempotent request answered from the store: its event was published, or it is
        still staged and goes out now — also when the process that staged it died before
        sending and has not started again (its relay resends only at its own start). A copy
        already on its way keeps its id, so consumers drop the repeat. Returns how many.
        """
        staged = self._staged(list(dict.fromkeys(i for i in event_ids if i)))
        self.send(staged)
        return len(staged)

    def _forget(self) -> None:
        ids: list[str] = []
        while True:
            try:
                ids.append(self._delivered.get_nowait())
            except queue.Empty:
                break
        if ids:
            try:
                self._forget_ids(ids)
            except Exception:
                for i in ids:  # try again next round; a store outage must not lose them
                    self._delivered.put(i)
                raise

    def _forget_loop(self) -> None:
        while not self._stop.wait(0.1):
            try:
                self._forget()
            except Exception as exc:  # noqa: BLE001 - retried; the events are published anyway
                log.warning("outbox cleanup failed", extra=log_fields(error=repr(exc)))
                time.sleep(1.0)

    def stop(self) -> None:
        """Wait for acknowledgements (10 s at most), then forget what was delivered."""
        self.producer.flush(timeout=10)
        self._stop.set()
        if self._thread is not None and self._thread.is_alive():
            self._thread.join(5)
        try:
            self._forget()
        except Exception as exc:  # noqa: BLE001 - left staged: re-sent next start, deduped
            log.warning("outbox cleanup at stop failed", extra=log_fields(error=repr(exc)))

    def _duplicates(self, consumed: list[str], fresh: set[str], topic: str) -> None:
        dup = sum(1 for i in consumed if i not in fresh)
        if dup:
            EVENTS_DUPLICATE.labels(self.service, topic).inc(dup)


class RedisOutbox(Outbox):
    """Units of work on Redis; staged events in the hash ``<service>:outbox``.

    Consumed ids are ``<service>:seen:<event id>`` with a TTL of :data:`SEEN_TTL_S`.
    """

    def __init__(self, client: redis.Redis, producer: Any, service: str,
                 classes: Mapping[str, type[Message]], seen_ttl_s: int = SEEN_TTL_S) -> None:
        super().__init__(producer, service, classes)
        self.client = client
        self.key = f"{service}:outbox"
        self.seen_ttl_s = seen_ttl_s

    def _seen_key(self, event_id: str) -> str:
        return f"{self.service}:seen:{event_id}"

    def transact(self, work: Callable[[RedisUnit], T], *, consumed: Iterable[str] = (),
                 watch: Iterable[str] = (), topic: str = "", retries: int = WATCH_RETRIES) -> T:
        """Run ``work(unit)`` in a transaction and commit it with its dedupe and outbox.

        ``consumed`` are the ids of the events this unit processes (recorded as seen when it
        commits); ``watch`` keys make it decide again when someone else changes them meanwhile,
        as does a concurrent unit recording the same ids. ``work`` may run several times: it
        must only read and stage through the unit. Raises :class:`Contention` after
        ``retries`` conflicts; whatever ``work`` raises leaves the store unchanged.
        ``topic`` labels the duplicate counter.
        """
        ids = list(dict.fromkeys(i for i in consumed if i))
        watched = [*(self._seen_key(i) for i in ids), *watch]
        for attempt in range(retries):
            with self.client.pipeline() as pipe:
                try:
                    if watched:
                        pipe.watch(*watched)
                    seen = pipe.mget([self._seen_key(i) for i in ids]) if ids else []
                    fresh = {i for i, s in zip(ids, seen, strict=True) if s is None}
                    unit = RedisUnit(pipe, self.client, bool(watched), self.service, ids, fresh)
                    result = work(unit)
                    w = unit.w
                    for i in fresh:
                        w.set(self._seen_key(i), "1", ex=self.seen_ttl_s)
                    if unit.staged:
                        w.hset(self.key, mapping={s.event_id: s.encode() for s in unit.staged})
                    w.execute()
                except redis.WatchError:
                    time.sleep(min(0.001 * 2 ** attempt, 0.05))
                    continue
            self._duplicates(ids, fresh, topic)
            self.send(unit.staged)
            return result
        raise Contention(f"{self.service}: state kept changing over {retries} attempts")

    def _left(self) -> list[Staged]:
        left = self.client.hgetall(self.key)
        staged = [Staged.decode(str(v), self.classes) for v in left.values()]  # type: ignore[union-attr]
        # Oldest first, so a key's events go out in the order they were decided.
        return sorted(staged, key=lambda s: s.message.meta.event_time.ToNanoseconds())  # type: ignore[attr-defined]

    def _forget_ids(self, ids: list[str]) -> None:
        self.client.hdel(self.key, *ids)

    def _staged(self, ids: list[str]) -> list[Staged]:
        if not ids:
            return []
        found = self.client.hmget(self.key, ids)
        return [Staged.decode(str(v), self.classes) for v in found if v is not None]  # type: ignore[union-attr]


def outbox_tables(metadata: MetaData, prefix: str = "") -> tuple[Table, Table]:
    """The SQL outbox's tables, added to a service's ``metadata`` (create them in a migration).

    ``<prefix>outbox`` (event id, topic, key, payload, staged at) and ``<prefix>consumed_events``
    (event id, processed at).
    """
    staged = Table(f"{prefix}outbox", metadata,
                   Column("event_id", String(64), primary_key=True),
                   Column("topic", String(200), nullable=False),
                   Column("key", String(200), nullable=False),
                   Column("payload", LargeBinary, nullable=False),
                   Column("staged_at", DateTime(timezone=True), nullable=False))
    consumed = Table(f"{prefix}consumed_events", metadata,
                     Column("event_id", String(64), primary_key=True),
                     Column("at", DateTime(timezone=True), nullable=False))
    return staged, consumed


C = TypeVar("C", bound=Connection)


class SqlUnit(_Unit, Generic[C]):
    """A unit of work in one SQL transaction: read and write through :attr:`conn`."""

    def __init__(self, conn: C, source: str, consumed: list[str], fresh: set[str]) -> None:
        super().__init__(source, consumed, fresh)
        self.conn = conn


class SqlOutbox(Outbox):
    """Units of work in SQL transactions; staged events in the ``outbox`` table.

    Args:
        engine: the service's engine.
        tables: what :func:`outbox_tables` returned for the service's metadata.
    """

    def __init__(self, engine: Engine, tables: tuple[Table, Table], producer: Any,
                 service: str, classes: Mapping[str, type[Message]]) -> None:
        super().__init__(producer, service, classes)
        self.engine = engine
        self.staged_table, self.consumed_table = tables

    def transact(self, work: Callable[[SqlUnit[Connection]], T], *,
                 consumed: Iterable[str] = (), topic: str = "",
                 retries: int = WATCH_RETRIES) -> T:
        """Run ``work(unit)`` in one transaction with its dedupe and outbox (see RedisOutbox).

        Two units recording the same consumed id conflict on its primary key: the loser
        decides again and finds the id seen.
        """
        ids = list(dict.fromkeys(i for i in consumed if i))
        for attempt in range(retries):
            try:
                with self.engine.begin() as conn:
                    seen: set[str] = set()
                    for start in range(0, len(ids), 500):
                        chunk = ids[start:start + 500]
                        seen.update(str(r[0]) for r in conn.execute(
                            select(self.consumed_table.c.event_id).where(
                                self.consumed_table.c.event_id.in_(chunk))))
                    fresh = {i for i in ids if i not in seen}
                    unit: SqlUnit[Connection] = SqlUnit(conn, self.service, ids, fresh)
                    result = work(unit)
                    now = datetime.now(UTC)
                    if fresh:
                        conn.execute(insert(self.consumed_table),
                                     [{"event_id": i, "at": now} for i in fresh])
                    if unit.staged:
                        conn.execute(insert(self.staged_table), [
                            {"event_id": s.event_id, "topic": s.topic, "key": s.key,
                             "payload": s.message.SerializeToString(), "staged_at": now}
                            for s in unit.staged])
            except IntegrityError:
                # A concurrent unit recorded one of these ids (or staged the same effect)
                # first: decide again on what it committed.
                time.sleep(min(0.005 * 2 ** attempt, 0.2))
                continue
            self._duplicates(ids, fresh, topic)
            self.send(unit.staged)
            return result
        raise Contention(f"{self.service}: conflicting units over {retries} attempts")

    def _left(self) -> list[Staged]:
        t = self.staged_table
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.c.topic, t.c.key, t.c.payload)
                                .order_by(t.c.staged_at)).all()
        return [Staged(r.topic, r.key, self.classes[r.topic].FromString(r.payload))
                for r in rows]

    def _forget_ids(self, ids: list[str]) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(self.staged_table).where(
                self.staged_table.c.event_id.in_(ids)))

    def _staged(self, ids: list[str]) -> list[Staged]:
        if not ids:
            return []
        t = self.staged_table
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.c.topic, t.c.key, t.c.payload)
                                .where(t.c.event_id.in_(ids)).order_by(t.c.staged_at)).all()
        return [Staged(r.topic, r.key, self.classes[r.topic].FromString(r.payload))
                for r in rows]

    def forget_consumed_before(self, before: datetime) -> int:
        """Drop consumed ids older than the broker's retention; returns how many."""
        with self.engine.begin() as conn:
            return conn.execute(delete(self.consumed_table).where(
                self.consumed_table.c.at < before)).rowcount
