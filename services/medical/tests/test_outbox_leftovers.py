"""What a run before the platform outbox left in ``medical:outbox`` is still published."""

import base64
import time

from medical.topics import ALERTS, PRODUCES
from zezhou5g.medical.v1 import medical_pb2
from zezhou5g.platform.kafka import EventProducer
from zezhou5g.platform.outbox import RedisOutbox


def test_an_entry_in_the_old_format_is_resent_at_start_and_then_forgotten(kafka, redis_client):
    alert = medical_pb2.Alert(alert_id="a-old", patient_id="p-old", version=1)
    alert.meta.event_id = "old-run-transition-1"
    alert.meta.event_time.GetCurrentTime()
    # Exactly how the service's own outbox staged events: id → "topic TAB key TAB base64".
    payload = base64.b64encode(alert.SerializeToString()).decode()
    redis_client.hset("medical:outbox", alert.meta.event_id, f"{ALERTS}\tp-old\t{payload}")
    producer = EventProducer(kafka.bootstrap, "medical-test")
    outbox = RedisOutbox(redis_client, producer, "medical", PRODUCES)
    assert outbox.start() == 1
    outbox.stop()  # waits for the broker's acknowledgement, then forgets what it has
    deadline = time.monotonic() + 5
    while redis_client.hlen("medical:outbox") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert redis_client.hlen("medical:outbox") == 0
    producer.close()
