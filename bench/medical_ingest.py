"""Medical ingest: sustained vitals/s and measurement→alert latency through the real service.

Starts its own Kafka and Redis (deploy/local) on free ports, ``--workers`` medical service
processes in one consumer group, and publisher processes sending every patient of a cohort one
observation set per ``--period`` seconds. A few patients deteriorate and recover in turns, so
alerts are raised throughout; the latency of each is measured from the moment its observation
set was taken (its event time) to the alert arriving on ``medical.alerts``.

With ``--hub-size N`` the sets travel as ward hubs deliver them: every N patients share a hub,
which sends one ``VitalSignsBatch`` record (``medical.vitals.batches``, keyed by the hub) per
period; without it each set is its own ``medical.vitals`` record. ``--status-every S`` is the
service's ``Z5G_MEDICAL_STATUS_EVERY_S`` (a status event on a change of NEWS2 or alert, else at
most every S seconds per patient).

Prints: offered and processed vitals/s over the measured window (processed: the service
group's committed offsets, in sets), the backlog at the start and end of the window and 5 s
after publishing stopped, alert latency p50/p95/p99, and the service processes' Redis round
trips (``z5g_redis_round_trips_total`` from their metrics endpoints) per input record and per
1,000 sets over the window.

    uv run python bench/medical_ingest.py [--patients 1000] [--period 1] [--seconds 30]
        [--workers 2] [--publishers 2] [--records] [--hub-size 50] [--status-every 5]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from localinfra.metrics import sample
from localinfra.proc import free_port, stop_all
from localinfra.scratch import scratch_infra
from zezhou5g.contracts.topics import (
    MEDICAL_ALERTS,
    MEDICAL_PATIENT_STATUS,
    MEDICAL_VITALS,
    MEDICAL_VITALS_BATCHES,
)
from zezhou5g.medical.v1 import medical_pb2
from zezhou5g.platform.kafka import EventProducer, ensure_topics

ROOT = Path(__file__).resolve().parents[1]
WELL = dict(resp_rate_per_min=16, spo2_pct=97, on_oxygen=False, systolic_mmhg=120,
            heart_rate_bpm=75, temperature_c=37.0, consciousness=medical_pb2.CONSCIOUSNESS_ALERT)
SICK = dict(WELL, resp_rate_per_min=26, spo2_pct=91, systolic_mmhg=95, heart_rate_bpm=125,
            temperature_c=39.2)


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def publish(bootstrap: str, patients: list[str], period: float, seconds: float,
            sick_every: int, hub_size: int) -> None:
    """One publisher process: every patient once per ``period`` for ``seconds``.

    ``hub_size`` > 0: the patients' sets go in one record per hub of that many patients.
    """
    producer = EventProducer(bootstrap, "bench-wearables", linger_ms=10)
    step = hub_size or 1   # without hubs, each patient on its own
    hubs = [patients[i:i + step] for i in range(0, len(patients), step)]
    start = time.monotonic()
    tick = 0
    while time.monotonic() - start < seconds:
        tick_start = time.monotonic()
        for members in hubs:
            batch = medical_pb2.VitalSignsBatch(hub_id=f"hub-{members[0]}")
            for pid in members:
                # Every ``sick_every``-th patient is septic for 5 ticks in every 10.
                sick = int(pid[2:]) % sick_every == 0 and (tick // 5) % 2 == 1
                v = medical_pb2.VitalSigns(patient_id=pid, device_id=f"d-{pid}",
                                           seq=tick + 1, **(SICK if sick else WELL))
                v.meta.event_time.FromDatetime(datetime.now(UTC))
                if hub_size:
                    batch.sets.append(v)
                else:
                    producer.publish(MEDICAL_VITALS.name, v, key=pid)
            if hub_size:
                producer.publish(MEDICAL_VITALS_BATCHES.name, batch, key=batch.hub_id)
        tick += 1
        time.sleep(max(0.0, period - (time.monotonic() - tick_start)))
    producer.close(30)


def _end_offsets(bootstrap: str, topic: str) -> int:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
    parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
    total = sum(consumer.end_offsets(parts).values())
    consumer.close()
    return total


def _committed(admin: KafkaAdminClient, group: str, topic: str) -> int:
    """Records of ``topic`` the service group has committed (processed), over its partitions."""
    offsets = admin.list_group_offsets({group: None}).get(group, {})
    return sum(m.offset for tp, m in offsets.items() if tp.topic == topic and m.offset > 0)


def main() -> None:  # noqa: PLR0915 - a linear script
    """Run the benchmark and print its figures."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--patients", type=int, default=1000)
    ap.add_argument("--period", type=float, default=1.0, help="seconds between sets per patient")
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--warmup", type=float, default=10.0)
    ap.add_argument("--workers", type=int, default=2, help="medical service processes")
    ap.add_argument("--publishers", type=int, default=2)
    ap.add_argument("--sick-every", type=int, default=50)
    ap.add_argument("--records", action="store_true", help="also write SQL records (SQLite)")
    ap.add_argument("--hub-size", type=int, default=0,
                    help="patients per ward hub record (0: one record per set)")
    ap.add_argument("--partitions", type=int, default=6, help="of the input topics")
    ap.add_argument("--status-every", type=float, default=0.0,
                    help="the service's Z5G_MEDICAL_STATUS_EVERY_S")
    args = ap.parse_args()

    procs: list[subprocess.Popen[bytes]] = []
    with scratch_infra("z5g-bench-medical-") as (run, kafka, redis_server):
        try:
            patients = [f"b-{i:05d}" for i in range(args.patients)]
            cohort = run / "cohort.json"
            cohort.write_text(json.dumps({
                "care_teams": [{"team_id": "bench", "name": "bench"}],
                "patients": [{"patient_id": p, "name": p, "gender": "unknown",
                              "birth_date": "1970-01-01", "care_team": "bench"}
                             for p in patients]}))
            source = MEDICAL_VITALS_BATCHES if args.hub_size else MEDICAL_VITALS
            per_record = args.hub_size or 1
            # Inputs with as many partitions as --partitions (6: even over 1, 2, 3 or 6 workers).
            ensure_topics(kafka.bootstrap, [MEDICAL_VITALS.name, MEDICAL_VITALS_BATCHES.name],
                          partitions=args.partitions)
            ensure_topics(kafka.bootstrap, [MEDICAL_PATIENT_STATUS.name, MEDICAL_ALERTS.name,
                                            MEDICAL_VITALS.dlq, MEDICAL_VITALS_BATCHES.dlq])
            env = {k: v for k, v in os.environ.items() if not k.startswith("Z5G_")} | {
                "Z5G_ENV": "dev", "Z5G_KAFKA_BOOTSTRAP": kafka.bootstrap,
                "Z5G_REDIS_URL": redis_server.url, "Z5G_LOG_LEVEL": "WARNING",
                "Z5G_MEDICAL_COHORT": str(cohort),
                "Z5G_DATABASE_URL": f"sqlite:///{run}/medical.db",
                "Z5G_MEDICAL_RECORDS": "true" if args.records else "false",
                "Z5G_MEDICAL_ESCALATE_TEAM_S": "86400",
                # Resolve on the first lower set so that every 10-s swing raises a fresh alert.
                "Z5G_MEDICAL_RESOLVE_HOLD_S": "0",
                "Z5G_MEDICAL_STATUS_EVERY_S": str(args.status_every),
                # Services refuse to start without the key that verifies gateway principals.
                "Z5G_SERVICE_PRINCIPAL_KEY": os.urandom(24).hex()}
            metrics = [f"http://127.0.0.1:{free_port()}" for _ in range(args.workers)]
            for w in range(args.workers):
                procs.append(subprocess.Popen(  # noqa: S603
                    [sys.executable, "-m", "medical"], cwd=ROOT,
                    env=env | {"Z5G_GRPC_PORT": str(free_port()), "Z5G_INSTANCE": str(w),
                               "Z5G_METRICS_PORT": metrics[w].rsplit(":", 1)[1]},
                    stdout=open(run / f"medical-{w}.log", "wb"), stderr=subprocess.STDOUT))
                time.sleep(3)  # the first migrates the database alone

            latencies: list[float] = []
            stop = threading.Event()

            def alerts() -> None:
                consumer = KafkaConsumer(MEDICAL_ALERTS.name, bootstrap_servers=kafka.bootstrap,
                                         group_id=f"bench-{uuid.uuid4()}",
                                         auto_offset_reset="latest")
                while not stop.is_set():
                    for records in consumer.poll(timeout_ms=200).values():
                        now = time.time()
                        for r in records:
                            a = medical_pb2.Alert.FromString(r.value)
                            if a.state == medical_pb2.ALERT_STATE_RAISED and a.version == 1:
                                latencies.append(now - a.raised_at.ToNanoseconds() / 1e9)
                consumer.close()

            watcher = threading.Thread(target=alerts, daemon=True)
            watcher.start()
            time.sleep(12)  # service group joins
            total_s = args.warmup + args.seconds
            ctx = mp.get_context("spawn")
            pubs = [ctx.Process(target=publish, args=(kafka.bootstrap, patients[i::args.publishers],
                                                      args.period, total_s, args.sick_every,
                                                      args.hub_size))
                    for i in range(args.publishers)]
            for p in pubs:
                p.start()
            admin = KafkaAdminClient(bootstrap_servers=kafka.bootstrap)

            def sets_in() -> int:
                return _end_offsets(kafka.bootstrap, source.name) * per_record

            def sets_done() -> int:
                return _committed(admin, "medical", source.name) * per_record

            def round_trips() -> float:
                return sum(sample(url, "z5g_redis_round_trips_total") for url in metrics)

            time.sleep(args.warmup)
            latencies.clear()
            t1, in1, done1 = time.monotonic(), sets_in(), sets_done()
            out1 = _end_offsets(kafka.bootstrap, MEDICAL_PATIENT_STATUS.name)
            trips1 = round_trips()
            time.sleep(args.seconds)
            t2, in2, done2 = time.monotonic(), sets_in(), sets_done()
            out2 = _end_offsets(kafka.bootstrap, MEDICAL_PATIENT_STATUS.name)
            trips2 = round_trips()
            for p in pubs:
                p.join(60)
            # Let the service finish what was offered, then read the backlog it had at the end.
            time.sleep(5)
            in3, done3 = sets_in(), sets_done()
            stop.set()
            watcher.join(5)
            admin.close()
            span = t2 - t1
            offered = (in2 - in1) / span
            processed = (done2 - done1) / span
            how = (f"hubs of {args.hub_size} patients, one record per hub per period"
                   if args.hub_size else "one record per set")
            print(f"cohort {args.patients} patients, one set per {args.period:g} s each "
                  f"({args.patients / args.period:,.0f} vitals/s asked, {how}), {args.workers} "
                  f"medical process(es), {args.publishers} publisher(s), status events every "
                  f"{args.status_every:g} s or on change, SQL records "
                  f"{'on' if args.records else 'off'}; 2-core machine, Kafka + Redis local, load "
                  f"average {os.getloadavg()[0]:.1f}")
            print(f"measured over {span:.1f} s after {args.warmup:g} s warm-up:")
            print(f"  offered   {offered:8,.0f} vitals/s (published and acknowledged)")
            print(f"  processed {processed:8,.0f} vitals/s (committed by the service group: "
                  f"scored, state and events written)")
            print(f"  status events {(out2 - out1) / span:8,.0f}/s")
            print(f"  backlog at the window's start {in1 - done1:,} sets, at its end "
                  f"{in2 - done2:,}, 5 s after publishing stopped {in3 - done3:,}")
            if done2 > done1:
                trips = trips2 - trips1
                print(f"  Redis round trips {trips / span:8,.0f}/s: "
                      f"{trips / ((done2 - done1) / per_record):.2f} per input record, "
                      f"{trips * 1000 / (done2 - done1):,.0f} per 1,000 sets (all service "
                      f"processes, health checks and housekeeping included)")
            print(f"  alert transitions published in the run: "
                  f"{_end_offsets(kafka.bootstrap, MEDICAL_ALERTS.name):,}")
            if latencies:
                print(f"  measurement→alert latency over {len(latencies)} alerts: "
                      f"p50 {_pct(latencies, 50) * 1000:.0f} ms, p95 "
                      f"{_pct(latencies, 95) * 1000:.0f} ms, p99 "
                      f"{_pct(latencies, 99) * 1000:.0f} ms, mean "
                      f"{statistics.mean(latencies) * 1000:.0f} ms")
            else:
                print("  no alerts observed in the window")
        finally:
            stop_all(procs)


if __name__ == "__main__":
    main()
