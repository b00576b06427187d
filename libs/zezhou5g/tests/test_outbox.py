"""The effects primitive (platform/outbox.py) and the consumer's failure split, on real servers.

Redis, SQLite/PostgreSQL and the broker are the session's real ones; a crash is injected by
dropping the relay's send after the commit (what a SIGKILL at that point leaves behind).
"""

from __future__ import annotations

import threading
import time
import uuid

import pytest
import redis as redis_lib
from kafka import KafkaConsumer
from localinfra import RedisServer
from localinfra.proc import free_port
from sqlalchemy import Column, Integer, MetaData, String, Table, select, update
from zezhou5g.platform.db import make_engine
from zezhou5g.platform.failures import Unavailable, is_infrastructure
from zezhou5g.platform.kafka import EventConsumer, EventProducer, RejectEvent, ensure_topics
from zezhou5g.platform.outbox import (
    Contention,
    RedisOutbox,
    RedisUnit,
    SqlOutbox,
    SqlUnit,
    derived_id,
    outbox_tables,
)
from zezhou5g.tourism.v1 import tourism_pb2


def _topic(kafka) -> str:
    topic = f"ob-{uuid.uuid4().hex[:8]}"
    ensure_topics(kafka.bootstrap, [topic, f"{topic}.dlq"], partitions=1)
    return topic


def _published(kafka, topic: str, expect: int, timeout_s: float = 30.0) -> list:
    """Every record on ``topic`` (waits for ``expect``, then a little longer for extras)."""
    consumer = KafkaConsumer(topic, bootstrap_servers=kafka.bootstrap,
                             auto_offset_reset="earliest", consumer_timeout_ms=1500,
                             group_id=f"read-{uuid.uuid4().hex[:6]}")
    got: list = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        got.extend(consumer)
        if len(got) >= expect:
            got.extend(consumer)  # one more quiet period: a duplicate would show here
            break
    consumer.close()
    return got


def _status(area: str, total: int) -> tourism_pb2.AreaEnvironment:
    return tourism_pb2.AreaEnvironment(area_id=area, readings_total=total)


def _count_work(topic: str, cause: str):
    def work(unit: RedisUnit) -> int:
        total = int(unit.r.get("t:total") or 0)
        if not unit.fresh(cause):
            return total
        unit.w.set("t:total", total + 1)
        unit.emit(topic, _status("a", total + 1), "a", derived_id("t.status", cause))
        return total + 1
    return work


def test_redis_unit_commits_once_and_publishes_once(kafka, redis_client):
    topic = _topic(kafka)
    producer = EventProducer(kafka.bootstrap, "t")
    outbox = RedisOutbox(redis_client, producer, "t", {topic: tourism_pb2.AreaEnvironment})
    outbox.start()
    cause = "cause-1"
    assert outbox.transact(_count_work(topic, cause), consumed=[cause]) == 1
    # Redelivered: recognised in the same transaction as the state, nothing decided again.
    assert outbox.transact(_count_work(topic, cause), consumed=[cause]) == 1
    outbox.stop()
    records = _published(kafka, topic, 1)
    assert len(records) == 1
    assert tourism_pb2.AreaEnvironment.FromString(records[0].value).meta.event_id == derived_id(
        "t.status", cause)
    assert redis_client.hlen("t:outbox") == 0, "acknowledged events are forgotten"
    producer.close()


def test_failed_work_changes_nothing_and_the_event_stays_new(kafka, redis_client):
    topic = _topic(kafka)
    producer = EventProducer(kafka.bootstrap, "t")
    outbox = RedisOutbox(redis_client, producer, "t", {topic: tourism_pb2.AreaEnvironment})

    def failing(unit: RedisUnit) -> None:
        unit.w.set("t:total", 99)
        unit.emit(topic, _status("a", 99), "a", derived_id("t.status", "c2"))
        raise redis_lib.ConnectionError("store went away mid-unit")

    with pytest.raises(redis_lib.ConnectionError):
        outbox.transact(failing, consumed=["c2"])
    assert redis_client.get("t:total") is None
    assert redis_client.exists("t:seen:c2") == 0, "never marked seen before its effects"
    assert redis_client.hlen("t:outbox") == 0
    assert outbox.transact(_count_work(topic, "c2"), consumed=["c2"]) == 1
    producer.close()


def test_crash_between_commit_and_publish_is_published_at_next_start(kafka, redis_client):
    topic = _topic(kafka)
    producer = EventProducer(kafka.bootstrap, "t")
    crashed = RedisOutbox(redis_client, producer, "t", {topic: tourism_pb2.AreaEnvironment})
    crashed.send = lambda staged: None  # type: ignore[method-assign]  # dies after EXEC
    crashed.transact(_count_work(topic, "c3"), consumed=["c3"])
    assert redis_client.hlen("t:outbox") == 1
    restarted = RedisOutbox(redis_client, producer, "t", {topic: tourism_pb2.AreaEnvironment})
    assert restarted.start() == 1
    # The redelivered input is a duplicate now: decided once, published once.
    restarted.transact(_count_work(topic, "c3"), consumed=["c3"])
    restarted.stop()
    records = _published(kafka, topic, 1)
    assert [tourism_pb2.AreaEnvironment.FromString(r.value).readings_total
            for r in records] == [1]
    assert redis_client.hlen("t:outbox") == 0
    producer.close()


@pytest.mark.parametrize("store", ["redis", "sqlite"])
def test_resend_publishes_what_a_dead_process_left_staged(store, kafka, redis_client, tmp_path):
    """An idempotent retry answered by another process still gets its event out."""
    topic = _topic(kafka)
    producer = EventProducer(kafka.bootstrap, "t")
    classes = {topic: tourism_pb2.AreaEnvironment}

    def outbox():
        if store == "redis":
            return RedisOutbox(redis_client, producer, "t", classes)
        return SqlOutbox(engine, tables, producer, "t", classes)

    if store == "sqlite":
        engine, _, tables = _sql(f"sqlite:///{tmp_path}/r.db")

    def work(unit) -> None:
        unit.emit(topic, _status("a", 7), "a", derived_id("t.resend", "r1"))

    crashed = outbox()
    crashed.send = lambda staged: None  # type: ignore[method-assign]  # killed after commit
    crashed.transact(work)
    other = outbox()  # running, started before the crash: it never re-reads the store
    assert other.resend(["no-such-event", derived_id("t.resend", "r1")]) == 1
    other.stop()  # waits for the broker's acknowledgement, then forgets the event
    assert other.resend([derived_id("t.resend", "r1")]) == 0, "acknowledged: forgotten"
    records = _published(kafka, topic, 1)
    assert [tourism_pb2.AreaEnvironment.FromString(r.value).readings_total
            for r in records] == [7]
    producer.close()


def test_reads_through_the_read_pipeline_are_watched(redis_client):
    """Many watched keys read in one round trip: a change after the watch still conflicts."""
    outbox = RedisOutbox(redis_client, None, "t", {})
    runs = []

    def work(unit: RedisUnit) -> int:
        unit.watch("t:a", "t:b")
        pipe = unit.read_pipeline()
        pipe.get("t:a")
        pipe.get("t:b")
        a, b = pipe.execute()
        runs.append((a, b))
        if len(runs) == 1:
            redis_client.set("t:b", "2")  # someone else commits after our read
        unit.w.set("t:sum", int(a or 0) + int(b or 0))
        return len(runs)

    redis_client.set("t:a", "1")
    assert outbox.transact(work) == 2
    assert runs == [("1", None), ("1", "2")]
    assert redis_client.get("t:sum") == "3"


def test_a_watched_change_makes_the_unit_decide_again(redis_client):
    outbox = RedisOutbox(redis_client, None, "t", {})
    runs = []

    def work(unit: RedisUnit) -> str:
        seen = unit.r.get("t:ack")
        runs.append(seen)
        if len(runs) == 1:
            redis_client.set("t:ack", "by-clinician")  # someone else commits meanwhile
        unit.w.set("t:decided-on", str(seen))
        return str(seen)

    assert outbox.transact(work, watch=["t:ack"]) == "by-clinician"
    assert runs == [None, "by-clinician"]
    assert redis_client.get("t:decided-on") == "by-clinician"

    def always_conflicts(unit: RedisUnit) -> None:
        unit.r.get("t:ack")
        redis_client.incr("t:ack-count")
        unit.watch("t:ack-count")
        redis_client.incr("t:ack-count")
        unit.w.set("x", 1)

    with pytest.raises(Contention):
        outbox.transact(always_conflicts, retries=3)
    assert is_infrastructure(Contention("x"))


def _sql(url: str):
    metadata = MetaData()
    counts = Table("counts", metadata, Column("name", String(20), primary_key=True),
                   Column("n", Integer, nullable=False))
    tables = outbox_tables(metadata, prefix=f"t{uuid.uuid4().hex[:6]}_")
    engine = make_engine(url)
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(counts.insert().values(name="a", n=0))
    return engine, counts, tables


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_sql_unit_dedupes_rolls_back_and_resends(backend, kafka, tmp_path, request):
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path}/t.db"
    else:
        url = request.getfixturevalue("postgres").create_database(f"ob_{uuid.uuid4().hex[:8]}")
    engine, counts, tables = _sql(url)
    topic = _topic(kafka)
    producer = EventProducer(kafka.bootstrap, "t")

    def work(cause: str, fail: bool = False):
        def run(unit: SqlUnit) -> int:
            n = unit.conn.execute(select(counts.c.n).where(counts.c.name == "a")).scalar_one()
            if not unit.fresh(cause):
                return n
            unit.conn.execute(update(counts).where(counts.c.name == "a").values(n=n + 1))
            unit.emit(topic, _status("a", n + 1), "a", derived_id("t.sql", cause))
            if fail:
                raise RejectEvent("invalid after all")
            return n + 1
        return run

    crashed = SqlOutbox(engine, tables, producer, "t", {topic: tourism_pb2.AreaEnvironment})
    with pytest.raises(RejectEvent):
        crashed.transact(work("s0", fail=True), consumed=["s0"])
    crashed.send = lambda staged: None  # type: ignore[method-assign]
    assert crashed.transact(work("s1"), consumed=["s1"]) == 1
    restarted = SqlOutbox(engine, tables, producer, "t", {topic: tourism_pb2.AreaEnvironment})
    assert restarted.start() == 1
    assert restarted.transact(work("s1"), consumed=["s1"]) == 1
    assert restarted.transact(work("s2"), consumed=["s2"]) == 2
    restarted.stop()
    totals = [tourism_pb2.AreaEnvironment.FromString(r.value).readings_total
              for r in _published(kafka, topic, 2)]
    assert totals == [1, 2]
    assert restarted.pending() == 0
    producer.close()
    engine.dispose()


def test_consumer_waits_out_a_redis_outage_and_dead_letters_only_bad_input(kafka, run_dir):
    """Infrastructure away → retried, NOT_SERVING meanwhile, nothing dead-lettered."""
    server = RedisServer(run_dir / f"r-{uuid.uuid4().hex[:6]}", free_port())
    server.start()
    client = redis_lib.Redis.from_url(server.url, decode_responses=True, socket_timeout=1,
                                      socket_connect_timeout=1)
    topic = _topic(kafka)
    producer = EventProducer(kafka.bootstrap, "t")
    outbox = RedisOutbox(client, producer, "t", {topic: tourism_pb2.AreaEnvironment})
    availability: list[bool] = []
    handled: list[str] = []

    def handle(event) -> None:
        reading = event.message
        if reading.temperature_c > 60:
            raise RejectEvent("temperature_c above 60")

        def work(unit: RedisUnit) -> None:
            if unit.fresh(event.event_id):
                unit.w.incr("t:handled")
        outbox.transact(work, consumed=[event.event_id])
        handled.append(reading.sensor_id)

    consumer = EventConsumer(kafka.bootstrap, f"g-{topic}",
                             {topic: tourism_pb2.EnvironmentReading}, handle, "t",
                             dlq=producer, on_availability=availability.append)
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    server.stop()
    for i in range(5):
        producer.publish(topic, tourism_pb2.EnvironmentReading(
            sensor_id=f"s{i}", area_id="a", temperature_c=20.0), key="a")
    producer.publish(topic, tourism_pb2.EnvironmentReading(
        sensor_id="bad", area_id="a", temperature_c=99.0), key="a")
    producer.flush(20)
    deadline = time.monotonic() + 20
    while False not in availability and time.monotonic() < deadline:
        time.sleep(0.1)
    assert availability == [False], "the consumer reports the outage"
    assert handled == []
    server.start()
    deadline = time.monotonic() + 30
    while len(handled) < 5 and time.monotonic() < deadline:
        time.sleep(0.1)
    consumer.stop()
    thread.join(10)
    assert handled == [f"s{i}" for i in range(5)]
    assert availability == [False, True]
    assert int(client.get("t:handled")) == 5
    dead = _published(kafka, f"{topic}.dlq", 1)
    assert [dict(r.headers)["dlq-reason"] for r in dead] == [b"invalid"]
    server.stop()
    producer.close()


def test_failure_kinds():
    assert is_infrastructure(redis_lib.ConnectionError("down"))
    assert is_infrastructure(Unavailable("sql away"))
    wrapped = RuntimeError("while saving")
    wrapped.__cause__ = TimeoutError()
    assert is_infrastructure(wrapped)
    assert not is_infrastructure(ValueError("bad value"))
    assert not is_infrastructure(RejectEvent("bad input"))
