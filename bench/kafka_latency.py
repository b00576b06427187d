"""Produce→consume latency and throughput through the project's Kafka helpers, real broker.

Starts its own single-node Kafka (deploy/local) on free ports unless Z5G_KAFKA_BOOTSTRAP is set.
Prints, for the project's helpers and for raw kafka-python side by side (same broker, payload
and producer settings: acks=all, idempotent, linger 5 ms, 256 KiB batches) with their ratio:
messages/s produced (acknowledged) and consumed (decoded + handled + committed) in bursts
(medians of interleaved rounds, with the range of the per-round ratios), and
event time → handler latency p50/p95/p99 at a steady rate. The load average is printed too:
figures only compare on a quiet machine.

    uv run python bench/kafka_latency.py [--rate 1000] [--seconds 10] [--burst 50000] [--rounds 5]
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

from kafka import KafkaConsumer, KafkaProducer
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


_RAW_ID = "00000000-0000-4000-8000-000000000000"
RAW_PRODUCER = dict(acks="all", enable_idempotence=True, linger_ms=5, batch_size=256 * 1024)


def _raw_consume(bootstrap: str, topic: str, expected: int, timeout_s: float) -> tuple[int, float]:
    """Raw kafka-python consumer: decode each record's protobuf, commit per poll."""
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=f"raw-{uuid.uuid4()}",
                             auto_offset_reset="earliest", enable_auto_commit=False,
                             max_poll_records=500)
    n = 0
    t0 = None
    deadline = time.monotonic() + timeout_s
    while n < expected and time.monotonic() < deadline:
        batch = consumer.poll(timeout_ms=250)
        for records in batch.values():
            if t0 is None:
                t0 = time.monotonic()
            for r in records:
                medical_pb2.VitalSigns.FromString(r.value)
                n += 1
        if batch:
            consumer.commit()
    elapsed = time.monotonic() - (t0 or time.monotonic())
    consumer.close()
    return n, elapsed


def _project_consume(bootstrap: str, topic: str, expected: int,
                     timeout_s: float) -> tuple[int, float]:
    """The project's consumer (batch path, as the services use it), no-op handler."""
    done = threading.Event()
    n = 0
    t0: list[float] = []

    def handle(events) -> None:  # type: ignore[no-untyped-def]
        nonlocal n
        if not t0:
            t0.append(time.monotonic())
        n += len(events)
        if n >= expected:
            done.set()

    consumer = EventConsumer(bootstrap, f"proj-{uuid.uuid4()}", {topic: medical_pb2.VitalSigns},
                             None, "bench", batch_handler=handle)
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    done.wait(timeout_s)
    elapsed = time.monotonic() - (t0[0] if t0 else time.monotonic())
    consumer.stop()
    thread.join(10)
    return n, elapsed


def _produce_burst(bootstrap: str, topic: str, burst: int, raw: bool) -> float:
    """Messages/s produced and acknowledged (same payload; raw: no stamping, no headers)."""
    if raw:
        producer = KafkaProducer(bootstrap_servers=bootstrap, **RAW_PRODUCER)
        t0 = time.monotonic()
        for i in range(burst):
            v = _vitals(i)  # the same meta fields, filled without the project's helpers
            v.meta.event_id = _RAW_ID
            v.meta.source = "bench"
            v.meta.event_time.GetCurrentTime()
            producer.send(topic, value=v.SerializeToString(), key=f"p-{i % 5000}".encode())
        producer.flush(300)
        rate = burst / (time.monotonic() - t0)
        producer.close()
        return rate
    project = EventProducer(bootstrap, "bench")
    t0 = time.monotonic()
    for i in range(burst):
        project.publish(topic, _vitals(i), key=f"p-{i % 5000}")
    project.flush(300)
    rate = burst / (time.monotonic() - t0)
    project.close()
    return rate


def _steady_latency(bootstrap: str, rate: int, seconds: float) -> list[float]:
    """Event time → handler latency through project producer and consumer at a steady rate."""
    topic = f"bench.{uuid.uuid4().hex[:8]}"
    ensure_topics(bootstrap, [topic], partitions=3)
    latencies: list[float] = []
    lock = threading.Lock()
    target = threading.Event()
    expected = [200]

    def handle(events) -> None:  # type: ignore[no-untyped-def]
        now = time.time()
        with lock:
            for event in events:
                latencies.append(now - event.message.meta.event_time.ToNanoseconds() / 1e9)
            if len(latencies) >= expected[0]:
                target.set()

    consumer = EventConsumer(bootstrap, f"bench-{topic}", {topic: medical_pb2.VitalSigns},
                             None, "bench", batch_handler=handle)
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    producer = EventProducer(bootstrap, "bench")
    for i in range(200):  # warm-up: group join and connections, not measured
        producer.publish(topic, _vitals(i), key=f"p-{i % 5000}")
    producer.flush(30)
    if not target.wait(60):
        raise SystemExit("warm-up events never arrived")
    with lock:
        latencies.clear()
        target.clear()
    n = int(rate * seconds)
    expected[0] = n
    start = time.monotonic()
    for i in range(n):
        delay = start + i / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        producer.publish(topic, _vitals(i), key=f"p-{i % 5000}")
    producer.flush(60)
    target.wait(60)
    consumer.stop()
    thread.join(10)
    producer.close()
    return list(latencies)


def _raw_steady_latency(bootstrap: str, rate: int, seconds: float) -> list[float]:
    """The same with raw kafka-python on both ends (event time carried in the payload)."""
    topic = f"bench.{uuid.uuid4().hex[:8]}"
    ensure_topics(bootstrap, [topic], partitions=3)
    latencies: list[float] = []
    n = int(rate * seconds)
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=f"rawlat-{topic}",
                             auto_offset_reset="earliest", enable_auto_commit=False)
    consumer.poll(timeout_ms=2000)  # join the group before the clock starts
    producer = KafkaProducer(bootstrap_servers=bootstrap, **RAW_PRODUCER)
    stop = threading.Event()

    def receive() -> None:
        while not stop.is_set() and len(latencies) < n:
            batch = consumer.poll(timeout_ms=100)
            now = time.time()
            for records in batch.values():
                for r in records:
                    v = medical_pb2.VitalSigns.FromString(r.value)
                    latencies.append(now - v.meta.event_time.ToNanoseconds() / 1e9)
            if batch:
                consumer.commit()

    thread = threading.Thread(target=receive, daemon=True)
    thread.start()
    start = time.monotonic()
    for i in range(n):
        delay = start + i / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        v = _vitals(i)
        v.meta.event_time.GetCurrentTime()
        producer.send(topic, value=v.SerializeToString(), key=f"p-{i % 5000}".encode())
    producer.flush(60)
    thread.join(60)
    stop.set()
    producer.close()
    consumer.close()
    return latencies


def _lat(values: list[float]) -> str:
    if not values:
        return "no events"
    return (f"p50 {_pct(values, 50) * 1e3:.1f} ms, p95 {_pct(values, 95) * 1e3:.1f} ms, "
            f"p99 {_pct(values, 99) * 1e3:.1f} ms")


def measure(bootstrap: str, rate: int, seconds: float, burst: int, rounds: int) -> None:
    """Project helpers and raw kafka-python side by side, same broker, payload and settings."""
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    # 1) produce throughput, then consume throughput of what was produced, in interleaved
    # rounds (raw, project, raw, project, ...): the machine's other work drifts over a run, and
    # interleaving spreads it over both sides. The median of the rounds is the figure.
    figures: dict[str, list[float]] = {}
    for _ in range(rounds):
        for name, raw in (("raw", True), ("project", False)):
            topic = f"bench.{uuid.uuid4().hex[:8]}"
            ensure_topics(bootstrap, [topic], partitions=3)
            produced = _produce_burst(bootstrap, topic, burst, raw)
            count, elapsed = (_raw_consume if raw else _project_consume)(bootstrap, topic,
                                                                         burst, 300)
            figures.setdefault(f"{name}-produce", []).append(produced)
            figures.setdefault(f"{name}-consume", []).append(
                count / elapsed if elapsed > 0 else 0.0)
    for what in ("produce", "consume"):
        proj, raw_v = figures[f"project-{what}"], figures[f"raw-{what}"]
        ratios = sorted(p / r for p, r in zip(proj, raw_v, strict=True))
        print(f"{what:8s} burst of {burst:,} x {rounds} rounds: project "
              f"{statistics.median(proj):,.0f} msg/s, raw kafka-python "
              f"{statistics.median(raw_v):,.0f} msg/s (medians), ratio "
              f"{statistics.median(proj) / statistics.median(raw_v):.2f}; per-round ratios "
              f"{ratios[0]:.2f}-{ratios[-1]:.2f}")
    # 2) latency at a steady rate.
    project_lat = _steady_latency(bootstrap, rate, seconds)
    raw_lat = _raw_steady_latency(bootstrap, rate, seconds)
    print(f"latency  steady {rate}/s for {seconds:.0f}s: project {_lat(project_lat)} "
          f"({len(project_lat)} events); raw {_lat(raw_lat)} ({len(raw_lat)} events)")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=1000, help="messages/s for the latency run")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--burst", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved burst rounds a side")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPU cores; payload medical.v1.VitalSigns "
          f"({len(_vitals(1).SerializeToString())}+ bytes), 3 partitions, acks=all, idempotent")
    bootstrap = os.environ.get("Z5G_KAFKA_BOOTSTRAP")
    if bootstrap:
        measure(bootstrap, args.rate, args.seconds, args.burst, args.rounds)
        return
    run_dir = Path(tempfile.mkdtemp(prefix="z5g-bench-"))
    server = KafkaServer(run_dir, free_port(), free_port(), heap="512m")
    server.start()
    try:
        measure(server.bootstrap, args.rate, args.seconds, args.burst, args.rounds)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
