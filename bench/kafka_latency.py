"""Produce→consume latency and throughput through the project's Kafka helpers, real broker.

Starts its own single-node Kafka (deploy/local) on free ports unless Z5G_KAFKA_BOOTSTRAP is set.
Prints: latency p50/p95/p99 at a steady rate (event time → handler), and messages/s produced
(acknowledged, acks=all, idempotent) and consumed (decoded + handled + committed).

    uv run python bench/kafka_latency.py [--rate 1000] [--seconds 10] [--burst 50000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path

from localinfra import KafkaServer
from localinfra.proc import free_port
from zezhou5g.medical.v1 import medical_pb2
from zezhou5g.platform.kafka import EventConsumer, EventProducer, ensure_topics


def _vitals(i: int) -> medical_pb2.VitalSigns:
    return medical_pb2.VitalSigns(patient_id=f"p-{i % 5000}", device_id=f"d-{i % 5000}", seq=i,
                                  heart_rate_bpm=72, spo2_pct=97, resp_rate_per_min=14)


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def measure(bootstrap: str, rate: int, seconds: float, burst: int) -> None:
    topic = f"bench.{uuid.uuid4().hex[:8]}"
    ensure_topics(bootstrap, [topic], partitions=3)
    latencies: list[float] = []
    consumed = 0
    lock = threading.Lock()
    target = threading.Event()
    expected = [0]

    def handle(event) -> None:  # type: ignore[no-untyped-def]
        nonlocal consumed
        sent = event.message.meta.event_time.ToNanoseconds() / 1e9
        with lock:
            latencies.append(time.time() - sent)
            consumed += 1
            if consumed >= expected[0]:
                target.set()

    consumer = EventConsumer(bootstrap, f"bench-{topic}", {topic: medical_pb2.VitalSigns},
                             handle, "bench")
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    producer = EventProducer(bootstrap, "bench")
    # Warm-up: group join and connections, not measured.
    expected[0] = 200
    for i in range(200):
        producer.publish(topic, _vitals(i), key=f"p-{i % 5000}")
    producer.flush(30)
    if not target.wait(60):
        raise SystemExit("warm-up events never arrived")

    # 1) latency at a steady rate
    with lock:
        latencies.clear()
        consumed = 0
        target.clear()
    n = int(rate * seconds)
    expected[0] = n
    start = time.monotonic()
    for i in range(n):
        due = start + i / rate
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        producer.publish(topic, _vitals(i), key=f"p-{i % 5000}")
    producer.flush(60)
    target.wait(60)
    steady = list(latencies)
    print(f"steady {rate}/s for {seconds:.0f}s: {len(steady)}/{n} consumed; latency "
          f"p50 {_pct(steady, 50) * 1e3:.1f} ms, p95 {_pct(steady, 95) * 1e3:.1f} ms, "
          f"p99 {_pct(steady, 99) * 1e3:.1f} ms, max {max(steady) * 1e3:.1f} ms")

    # 2) throughput: as fast as the producer goes
    with lock:
        latencies.clear()
        consumed = 0
        target.clear()
    expected[0] = burst
    t0 = time.monotonic()
    for i in range(burst):
        producer.publish(topic, _vitals(i), key=f"p-{i % 5000}")
    producer.flush(300)
    produced_s = time.monotonic() - t0
    target.wait(300)
    consumed_s = time.monotonic() - t0
    print(f"burst of {burst}: produced+acknowledged {burst / produced_s:,.0f} msg/s; "
          f"consumed {consumed:,} at {consumed / consumed_s:,.0f} msg/s end to end; "
          f"latency under load p50 {statistics.median(latencies) * 1e3:.0f} ms, "
          f"p99 {_pct(latencies, 99) * 1e3:.0f} ms")
    consumer.stop()
    thread.join(10)
    producer.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=1000, help="messages/s for the latency run")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--burst", type=int, default=50_000)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPU cores; payload medical.v1.VitalSigns "
          f"({len(_vitals(1).SerializeToString())}+ bytes), 3 partitions, acks=all, idempotent")
    bootstrap = os.environ.get("Z5G_KAFKA_BOOTSTRAP")
    if bootstrap:
        measure(bootstrap, args.rate, args.seconds, args.burst)
        return
    run_dir = Path(tempfile.mkdtemp(prefix="z5g-bench-"))
    server = KafkaServer(run_dir, free_port(), free_port(), heap="512m")
    server.start()
    try:
        measure(server.bootstrap, args.rate, args.seconds, args.burst)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
