"""The tourism service's parts wired to the test session's real Kafka and Redis."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from google.protobuf.message import Message
from kafka import KafkaConsumer
from tourism.topics import PRODUCES
from zezhou5g import contracts
from zezhou5g.platform.kafka import EventProducer, ensure_topics
from zezhou5g.platform.outbox import RedisOutbox


def classes() -> dict[str, type[Message]]:
    """Topic → message class of what the service publishes."""
    return {t: contracts.get(t).message for t in PRODUCES}


@pytest.fixture
def producer(kafka) -> Iterator[EventProducer]:
    ensure_topics(kafka.bootstrap, PRODUCES)
    p = EventProducer(kafka.bootstrap, "tourism-test")
    yield p
    p.close()


@pytest.fixture
def outbox(producer, redis_client) -> Iterator[RedisOutbox]:
    """The service's outbox on the session's Redis and broker, relay started."""
    box = RedisOutbox(redis_client, producer, "tourism", classes())
    box.start()
    yield box
    box.stop()


@pytest.fixture
def published(kafka) -> Callable[..., list[Message]]:
    """``published(topic, mine, expect)``: the decoded records on ``topic`` that ``mine`` picks.

    Waits for ``expect`` of them (30 s at most), then one quiet period more, so a duplicate
    would show.
    """
    return lambda topic, mine, expect: _published(kafka, topic, mine, expect)


def _published(kafka, topic: str, mine: Callable[[Message], bool], expect: int,
               timeout_s: float = 30.0) -> list[Message]:
    cls = classes()[topic]
    # No consumer group: reading does not wait for a group coordinator (slow on a new broker).
    consumer = KafkaConsumer(topic, bootstrap_servers=kafka.bootstrap, group_id=None,
                             auto_offset_reset="earliest", consumer_timeout_ms=1000)
    got: list[Message] = []
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            got += [m for m in (cls.FromString(r.value) for r in consumer) if mine(m)]
            if len(got) >= expect:
                got += [m for m in (cls.FromString(r.value) for r in consumer) if mine(m)]
                break
    finally:
        consumer.close()
    return got
