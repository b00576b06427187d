"""The Kafka helpers against the real broker started by the test session."""

import threading
import time
import uuid

import pytest
from kafka import KafkaConsumer
from prometheus_client import REGISTRY
from zezhou5g.platform.events import ConsumedEvent, root_trace_id, trace_id_of
from zezhou5g.platform.kafka import EventConsumer, EventProducer, RejectEvent, ensure_topics
from zezhou5g.tourism.v1 import tourism_pb2


def _reading(sensor: str, temp: float) -> tourism_pb2.EnvironmentReading:
    return tourism_pb2.EnvironmentReading(sensor_id=sensor, area_id="jueshan", temperature_c=temp,
                                          humidity_pct=50, pm25_ug_m3=10, noise_db=40)


def _consume(kafka, topic, handler, group, stop_after, dlq=None):
    consumer = EventConsumer(kafka.bootstrap, group, {topic: tourism_pb2.EnvironmentReading},
                             handler, "test", dlq=dlq)
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    assert stop_after.wait(30), "consumer did not get the events in time"
    consumer.stop()
    thread.join(10)


def test_round_trip_carries_meta_and_continues_the_trace(kafka):
    """Meta arrives in the payload; a root event carries no header and its id is its trace id;
    what a handler publishes carries a traceparent that continues that trace."""
    topic, onward = f"t-{uuid.uuid4().hex[:8]}", f"t-{uuid.uuid4().hex[:8]}"
    ensure_topics(kafka.bootstrap, [topic, onward])
    producer = EventProducer(kafka.bootstrap, "unit-test")
    ids = [producer.publish(topic, _reading(f"s{i}", 20 + i), key=f"s{i}") for i in range(5)]
    assert producer.flush(20)
    got: list[ConsumedEvent] = []
    done = threading.Event()

    def handle(event: ConsumedEvent) -> None:
        got.append(event)
        producer.publish(onward, _reading(event.key, 0), key=event.key)
        if len(got) == 5:
            done.set()

    _consume(kafka, topic, handle, f"g-{topic}", done)
    assert producer.flush(20)
    producer.close()
    assert sorted(e.event_id for e in got) == sorted(ids)
    first = got[0]
    assert first.message.meta.source == "unit-test"
    assert first.message.meta.schema_version == 1
    assert first.message.meta.event_time.seconds > 0
    assert first.trace_id is None   # no header on a root event
    reader = KafkaConsumer(onward, bootstrap_servers=kafka.bootstrap, auto_offset_reset="earliest",
                           consumer_timeout_ms=5000, group_id=f"o-{uuid.uuid4().hex[:6]}")
    headers = {r.key.decode(): dict(r.headers) for r in reader}
    reader.close()
    assert len(headers) == 5
    for e in got:
        parent = headers[e.key]["traceparent"].decode()
        assert trace_id_of(parent) == root_trace_id(e.event_id) == e.event_id.replace("-", "")


def test_acknowledgements_are_counted_once_each(kafka):
    """pending() falls to 0 at flush; each event is announced and counted in Prometheus once."""
    topic = f"t-{uuid.uuid4().hex[:8]}"
    ensure_topics(kafka.bootstrap, [topic])
    producer = EventProducer(kafka.bootstrap, "unit-test-acks")
    delivered: list[str] = []
    ids = [producer.publish(topic, _reading(f"s{i}", 20), key=f"s{i}",
                            on_delivered=delivered.append) for i in range(300)]
    assert producer.flush(20)
    assert producer.pending() == 0
    assert sorted(delivered) == sorted(ids)
    assert REGISTRY.get_sample_value("z5g_kafka_events_produced_total",
                                     {"service": "unit-test-acks", "topic": topic}) == 300
    producer.close()


def test_committed_offsets_are_not_redelivered(kafka):
    topic = f"t-{uuid.uuid4().hex[:8]}"
    ensure_topics(kafka.bootstrap, [topic])
    producer = EventProducer(kafka.bootstrap, "unit-test")
    for i in range(3):
        producer.publish(topic, _reading("s", i), key="s")
    producer.flush(20)
    seen: list[float] = []
    done = threading.Event()

    def handle(event):
        seen.append(event.message.temperature_c)
        if len(seen) >= 3:
            done.set()

    group = f"g-{topic}"
    _consume(kafka, topic, handle, group, done)
    producer.publish(topic, _reading("s", 99), key="s")
    producer.flush(20)
    done2 = threading.Event()
    later: list[float] = []

    def handle2(event):
        later.append(event.message.temperature_c)
        done2.set()

    _consume(kafka, topic, handle2, group, done2)
    producer.close()
    assert sorted(seen) == [0, 1, 2]
    assert later == [99], "a restarted consumer must resume after its committed offset"


def test_invalid_and_undecodable_events_go_to_the_dead_letter_topic(kafka):
    topic = f"t-{uuid.uuid4().hex[:8]}"
    ensure_topics(kafka.bootstrap, [topic, f"{topic}.dlq"])
    producer = EventProducer(kafka.bootstrap, "unit-test")
    producer.publish(topic, _reading("bad", 999), key="bad")
    producer.send_raw(topic, b"\xff\xff not a protobuf", b"junk", [])
    producer.publish(topic, _reading("good", 21), key="good")
    producer.flush(20)
    handled: list[str] = []
    done = threading.Event()

    def handle(event):
        if event.message.temperature_c > 60:
            raise RejectEvent(f"temperature_c={event.message.temperature_c:g} outside -40..60")
        handled.append(event.message.sensor_id)
        done.set()

    _consume(kafka, topic, handle, f"g-{topic}", done, dlq=producer)
    producer.flush(20)
    dead = KafkaConsumer(f"{topic}.dlq", bootstrap_servers=kafka.bootstrap,
                         auto_offset_reset="earliest", consumer_timeout_ms=10000,
                         group_id=f"dlq-{topic}")
    reasons = []
    for record in dead:
        reasons.append(dict(record.headers)["dlq-reason"].decode())
        if len(reasons) == 2:
            break
    dead.close()
    producer.close()
    assert handled == ["good"]
    assert sorted(reasons) == ["invalid", "undecodable"]


@pytest.mark.integration  # waits out the client's metadata timeout against a closed port
def test_producer_rejects_unreachable_bootstrap_clearly():
    from kafka.errors import KafkaError

    with pytest.raises(KafkaError):
        EventProducer("127.0.0.1:1", "unit-test", max_block_ms=2000, bootstrap_timeout_ms=2000)


def test_a_declared_topic_is_keyed_by_its_contract_without_being_told(kafka):
    from zezhou5g.contracts import topics
    from zezhou5g.medical.v1 import medical_pb2

    topic = topics.MEDICAL_VITALS.name
    ensure_topics(kafka.bootstrap, [topic])
    producer = EventProducer(kafka.bootstrap, "unit-test")
    event_id = producer.publish(topic, medical_pb2.VitalSigns(patient_id="p-key", device_id="d-9"))
    producer.flush(20)
    producer.close()
    reader = KafkaConsumer(topic, bootstrap_servers=kafka.bootstrap, auto_offset_reset="earliest",
                           consumer_timeout_ms=5000, group_id=f"k-{uuid.uuid4().hex[:6]}")
    keys = [r.key for r in reader
            if medical_pb2.VitalSigns.FromString(r.value).meta.event_id == event_id]
    reader.close()
    assert keys == [b"p-key"], "medical.vitals is keyed by patient (proto contract)"


def test_a_consumer_says_how_far_behind_it_is(kafka):
    """Records waiting make ``behind_s`` about their age; caught up, it is 0."""
    topic = f"t-{uuid.uuid4().hex[:8]}"
    ensure_topics(kafka.bootstrap, [topic], partitions=1)
    producer = EventProducer(kafka.bootstrap, "unit-test")
    for i in range(40):
        producer.publish(topic, _reading("s", i), key="s")
    producer.flush(20)
    produced_at = time.time()
    time.sleep(1.0)                        # the backlog is a second old when reading starts
    seen: list[float] = []
    behind: list[float] = []
    slow = threading.Event()

    def handle(events):
        seen.extend(e.message.temperature_c for e in events)
        behind.append(consumer.behind_s)
        slow.wait(0.2)                     # a slow service: 10 records a poll, 0.2 s each
        return {}

    consumer = EventConsumer(kafka.bootstrap, f"g-{topic}", {topic: tourism_pb2.EnvironmentReading},
                             None, "test", batch_handler=handle, max_poll_records=10)
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while len(seen) < 40 and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)                        # empty polls: nothing waits any more
    caught_up = consumer.behind_s
    consumer.stop()
    thread.join(10)
    producer.close()
    assert sorted(seen) == list(range(40))
    # While records waited, behind was at least the backlog's age when the poll came back.
    assert behind[0] >= 1.0 and behind[0] <= time.time() - produced_at + 1.0
    assert behind[-1] == 0.0               # the last poll took the last records
    assert caught_up == 0.0
