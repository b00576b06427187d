"""Agri telemetry ingest: sustained readings/s through Kafka → rules → storage, and reading→alarm
latency, with the real broker, Redis and the agri service as its own process.

Starts its own Kafka and Redis (deploy/local) on free ports, writes a farm of ``--sensors`` soil
probes (10 per field, winter wheat at flowering), starts ``python -m agri`` against them with a
SQLite file, and offers one reading per sensor every ``--period`` seconds for ``--seconds``.
Meanwhile ``--probes`` readings a second flip a probe field between −5 °C (critical frost) and
15 °C (clears): the time from such a reading's event time to its alarm change arriving on
``agri.alarms`` is the reading→alarm latency. Throughput is readings folded into field state
(Redis counters) per second; storage is checked at the end (15-minute buckets in SQL).

With ``--gateway-size N`` the readings travel as field gateways deliver them: the fields are
spread over ``--gateways`` gateways, each sending one ``SensorReadingBatch`` record
(``agri.telemetry.batches``, keyed by the gateway) when it holds N readings or 0.5 s after its
first; without it each reading is its own ``agri.telemetry`` record.

With ``--workers N`` it starts N service processes in one consumer group (input topics with
``--partitions`` partitions, 6 by default: even over 1, 2, 3 or 6 processes).

    uv run python bench/agri_ingest.py [--sensors 10000] [--period 15] [--seconds 60]
        [--gateway-size 100] [--gateways 20] [--workers 1]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import grpc
import redis
import yaml
from grpc_health.v1 import health_pb2, health_pb2_grpc
from kafka import KafkaConsumer
from localinfra.metrics import sample
from localinfra.proc import free_port
from localinfra.scratch import scratch_infra
from zezhou5g.agri.v1 import agri_pb2
from zezhou5g.contracts.topics import AGRI_ALARMS, AGRI_TELEMETRY, AGRI_TELEMETRY_BATCHES
from zezhou5g.platform.kafka import EventProducer, ensure_topics

ROOT = Path(__file__).resolve().parents[1]
PER_FIELD = 10


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def write_farm(path: Path, sensors: int, period: float) -> list[str]:
    fields = {}
    for f in range(sensors // PER_FIELD):
        lat, lon = 35.40 + (f // 100) * 0.004, 112.70 + (f % 100) * 0.004
        fields[f"bf-{f:05d}"] = {
            "name": {"zh": f"田{f}", "en": f"field {f}"}, "crop": "winter_wheat",
            "stage": "flowering", "soil": "sandy_loam", "owner": "bench",
            "outline": [[lat, lon], [lat, lon + 0.003], [lat + 0.003, lon + 0.003]],
            "devices": {f"bs-{f:05d}-{d}": "probe" for d in range(PER_FIELD)}}
    path.write_text(yaml.safe_dump({
        "profiles": {"probe": {"metrics": ["soil_moisture_vwc", "air_temp_c"],
                               "interval_s": period}},
        "fields": fields, "machines": {}}))
    return list(fields)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sensors", type=int, default=10_000)
    ap.add_argument("--period", type=float, default=15.0, help="s between a sensor's readings")
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--probes", type=float, default=2.0, help="frost probe readings per second")
    ap.add_argument("--gateway-size", type=int, default=0,
                    help="readings per field-gateway record (0: one record per reading)")
    ap.add_argument("--gateways", type=int, default=20)
    ap.add_argument("--workers", type=int, default=1, help="agri service processes (one group)")
    ap.add_argument("--partitions", type=int, default=6, help="of the input topics")
    args = ap.parse_args()
    services: list[subprocess.Popen[bytes]] = []
    with scratch_infra("agri-bench-") as (run, kafka, rds):
        try:
            fields = write_farm(run / "farm.yaml", args.sensors, args.period)
            env = {k: v for k, v in os.environ.items() if not k.startswith("Z5G_")} | {
                "Z5G_KAFKA_BOOTSTRAP": kafka.bootstrap, "Z5G_REDIS_URL": rds.url,
                "Z5G_LOG_LEVEL": "WARNING",
                "Z5G_DATABASE_URL": f"sqlite:///{run}/agri.db",
                "Z5G_AGRI_FARM_FILE": str(run / "farm.yaml"),
                # Services refuse to start without the key that verifies gateway principals.
                "Z5G_SERVICE_PRINCIPAL_KEY": os.urandom(24).hex()}
            ensure_topics(kafka.bootstrap, [AGRI_TELEMETRY.name, AGRI_TELEMETRY_BATCHES.name],
                          partitions=args.partitions)
            ensure_topics(kafka.bootstrap, [AGRI_ALARMS.name])
            metrics = []
            for w in range(args.workers):
                port, metrics_port = free_port(), free_port()
                log = open(run / f"agri-{w}.log", "wb")  # noqa: SIM115 - the service's
                services.append(subprocess.Popen(  # noqa: S603
                    [sys.executable, "-m", "agri"], cwd=ROOT, stdout=log,
                    stderr=subprocess.STDOUT,
                    env=env | {"Z5G_GRPC_PORT": str(port), "Z5G_METRICS_PORT": str(metrics_port),
                               "Z5G_INSTANCE": str(w)}))
                metrics.append(f"http://127.0.0.1:{metrics_port}")
                health = health_pb2_grpc.HealthStub(grpc.insecure_channel(f"127.0.0.1:{port}"))
                deadline = time.monotonic() + 90
                while True:   # one at a time: the first migrates the database alone
                    try:
                        if health.Check(health_pb2.HealthCheckRequest(), timeout=2).status == 1:
                            break
                    except grpc.RpcError:
                        pass
                    if time.monotonic() > deadline or services[-1].poll() is not None:
                        raise SystemExit("agri service did not start:\n"
                                         + (run / f"agri-{w}.log").read_text()[-3000:])
                    time.sleep(0.5)
            measure(kafka.bootstrap, rds.url, fields, args, run, metrics)
        finally:
            for service in services:
                service.terminate()
            for service in services:
                service.wait(30)


def measure(bootstrap: str, redis_url: str, fields: list[str], args: argparse.Namespace,
            run: Path, metrics: list[str]) -> None:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    producer = EventProducer(bootstrap, "bench-sensors")
    probes: dict[tuple[str, int], float] = {}      # (field, status) → reading event time
    latencies: list[float] = []
    sent_at: list[float] = []   # each latency's reading event time (for the per-window p99)
    lock = threading.Lock()
    stop = threading.Event()
    seen = [0]
    ready = threading.Event()

    def watch_alarms() -> None:
        consumer = KafkaConsumer(AGRI_ALARMS.name, bootstrap_servers=bootstrap,
                                 group_id=f"bench-{uuid.uuid4()}", auto_offset_reset="earliest")
        while not stop.is_set():
            batch = consumer.poll(200)
            if consumer.assignment() and not ready.is_set():
                for tp in consumer.assignment():
                    consumer.position(tp)
                ready.set()
            for records in batch.values():
                now = time.time()
                for r in records:
                    a = agri_pb2.Alarm.FromString(r.value)
                    if a.alarm_type != agri_pb2.ALARM_TYPE_FROST:
                        continue
                    seen[0] += 1
                    with lock:
                        sent = probes.pop((a.field_id, a.status), None)
                        if sent is not None:
                            latencies.append(now - sent)
                            sent_at.append(sent)
        consumer.close()

    watcher = threading.Thread(target=watch_alarms, daemon=True)
    watcher.start()
    if not ready.wait(180):
        raise SystemExit("alarm watcher got no partitions")
    # Probe fields get only probe readings, so nothing else raises or clears their frost alarm.
    probe_fields = fields[:10]
    devices = [f"{f}-{d}".replace("bf-", "bs-") for f in fields[10:] for d in range(PER_FIELD)]
    frozen: dict[str, bool] = {}
    rate = (len(devices) + len(probe_fields)) / args.period

    def counted() -> int:
        keys = [f"agri:readings_total:{f}" for f in fields]
        return sum(int(v) for v in client.mget(keys) if v)

    def reading(device: str, field: str, temp: float) -> agri_pb2.SensorReading:
        return agri_pb2.SensorReading(device_id=device, field_id=field, air_temp_c=temp,
                                      soil_moisture_vwc=0.2)

    pending: dict[str, tuple[float, agri_pb2.SensorReadingBatch]] = {}
    records = [0]   # Kafka records published (a reading, or a gateway's batch of them)

    def flush_batches(older_than: float) -> None:
        now = time.monotonic()
        for gw, (first, batch) in list(pending.items()):
            if now - first >= older_than or len(batch.readings) >= args.gateway_size:
                producer.publish(AGRI_TELEMETRY_BATCHES.name, batch, key=gw)
                records[0] += 1
                del pending[gw]

    def send(msg: agri_pb2.SensorReading) -> None:
        if not args.gateway_size:
            producer.publish(AGRI_TELEMETRY.name, msg, key=msg.device_id)
            records[0] += 1
            return
        gw = f"gw-{hash(msg.field_id) % args.gateways}"
        if gw not in pending:
            pending[gw] = (time.monotonic(), agri_pb2.SensorReadingBatch(gateway_id=gw))
        batch = pending[gw][1]
        msg.meta.event_time.GetCurrentTime()
        batch.readings.append(msg)
        if len(batch.readings) >= args.gateway_size:
            producer.publish(AGRI_TELEMETRY_BATCHES.name, batch, key=gw)
            records[0] += 1
            del pending[gw]

    base = counted()
    def round_trips() -> float:
        return sum(sample(m, "z5g_redis_round_trips_total") for m in metrics)

    trips0 = round_trips()
    start = time.monotonic()
    t0 = time.time()
    sent = probe_i = 0
    next_probe = start
    total = int(rate * args.seconds)
    while sent < total:
        due = start + sent / rate
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        device = devices[sent % len(devices)]
        field = device.rsplit("-", 1)[0].replace("bs-", "bf-")
        send(reading(device, field, 15.0))
        sent += 1
        if pending and sent % 50 == 0:
            flush_batches(0.5)
        if time.monotonic() >= next_probe:
            next_probe += 1.0 / args.probes
            pf = probe_fields[probe_i % len(probe_fields)]
            probe_i += 1
            cold = not frozen.get(pf, False)
            frozen[pf] = cold
            msg = reading(f"{pf.replace('bf-', 'bs-')}-0", pf, -5.0 if cold else 15.0)
            with lock:
                probes[(pf, 1 if cold else 3)] = time.time()
            send(msg)
            sent += 1
    flush_batches(0.0)
    offered_s = time.monotonic() - start
    in_window = counted() - base
    window_s = time.time() - t0
    producer.flush(60)
    drain_start = time.monotonic()
    while counted() - base < sent and time.monotonic() - drain_start < 300:
        time.sleep(0.2)
    processed = counted() - base
    trips = round_trips() - trips0
    drained_s = time.monotonic() - drain_start
    total_s = time.time() - t0
    stored = 0
    flush_deadline = time.monotonic() + 60
    while time.monotonic() < flush_deadline:   # history is flushed to SQL every second
        with sqlite3.connect(run / "agri.db") as db:
            stored = db.execute("SELECT COALESCE(SUM(count), 0) FROM agri_reading_buckets "
                                "WHERE metric = 'air_temp_c'").fetchone()[0]
        if stored >= processed:
            break
        time.sleep(1)
    stop.set()
    watcher.join(5)
    how = (f"field gateways ({args.gateways}) of up to {args.gateway_size} readings per record"
           if args.gateway_size else "one record per reading")
    print(f"agri ingest: {len(devices) + len(probe_fields)} sensors reporting in "
          f"{len(fields)} fields, one reading per "
          f"{args.period:g} s, {how}, {args.workers} service process(es) → offered "
          f"{sent / offered_s:,.0f} readings/s for {offered_s:.0f} s; load average "
          f"{os.getloadavg()[0]:.1f}")
    print(f"  processed during offer: {in_window / window_s:,.0f} readings/s; all {processed:,} "
          f"of {sent:,} processed {drained_s:.1f} s after the last was sent "
          f"(overall {processed / total_s:,.0f} readings/s)")
    print(f"  Redis round trips of the service processes from the first reading to the last "
          f"processed: "
          f"{trips:,.0f}, {trips / max(records[0], 1):.2f} per input record, "
          f"{trips * 1000 / max(processed, 1):,.0f} per 1,000 readings (health checks and "
          f"housekeeping included)")
    print(f"  stored: {stored:,} air-temperature values in 15-minute buckets (SQL)")
    if latencies:
        print(f"  reading→alarm (event time → alarm change on {AGRI_ALARMS.name}), "
              f"{len(latencies)} frost raises/clears: p50 {_pct(latencies, 50) * 1000:.0f} ms, "
              f"p99 {_pct(latencies, 99) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms")
        # Whether latency grows through the offer (a backlog) or spikes: p99 per 30 s window.
        windows: dict[int, list[float]] = {}
        for at, lat in zip(sent_at, latencies, strict=True):
            windows.setdefault(int((at - t0) // 30), []).append(lat)
        print("  reading→alarm p99 per 30 s of the offer: " + ", ".join(
            f"{w * 30}–{w * 30 + 30} s {_pct(v, 99) * 1000:,.0f} ms"
            for w, v in sorted(windows.items())))
    print(f"  frost alarm changes seen: {seen[0]}; probes without an alarm change: {len(probes)}")
    producer.close()


if __name__ == "__main__":
    main()
