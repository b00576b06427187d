"""Tourism camera inference scaled out: frames/s with 1 and 2 workers sharing the cameras.

    uv run python bench/tourism_workers.py [--cameras 8] [--workers 1 2] [--seconds 30]

Prints (not a test). For each worker count: that many real ``python -m tourism`` processes
(person detector on ONE intra-op thread each, density off) join one camera group on a local
Kafka broker and share ``--cameras`` cameras (vtest.avi at different offsets, each asking for
5 processed frames/s). Once every camera runs, it counts the zone statuses on Kafka (one per
processed frame: one zone per camera) for ``--seconds``: frames/s in all, per worker, and
how the cameras were split. With 2 or more workers it then SIGKILLs one and times how long
until its cameras publish again from the others (session timeout 10 s + rebalance).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

from kafka import KafkaConsumer
from localinfra import KafkaServer, RedisServer
from localinfra.proc import free_port, stop_all
from tourism.areas import dump_areas
from tourism.topics import ZONE_STATUS
from zezhou5g.tourism.v1 import flow_pb2

ROOT = Path(__file__).resolve().parents[1]
TRAPEZOID = [[130, 110], [640, 110], [768, 576], [0, 576]]


def areas_file(path: Path, cameras: int) -> Path:
    """An areas file of ``cameras`` vtest cameras, one zone each, 5 frames/s asked."""
    raw: dict[str, list[dict[str, object]]] = {
        "areas": [{"id": "jueshan", "name_zh": "珏山景区", "name_en": "Jueshan",
                   "open_hours": 10.0, "mean_visit_hours": 3.0}], "cameras": [], "zones": []}
    for i in range(cameras):
        raw["cameras"].append({
            "id": f"bench-cam-{i}", "area": "jueshan", "name_zh": "测试", "name_en": "Test",
            "source": "sample:vtest", "loop": True, "sample_fps": 5, "start_s": 3 * i,
            "image_points": TRAPEZOID, "plan_points": [[0, 20], [10, 20], [8, 0], [2, 0]]})
        raw["zones"].append({
            "id": f"bench-zone-{i}", "area": "jueshan", "camera": f"bench-cam-{i}",
            "name_zh": "测试区", "name_en": "Test zone", "kind": "main_sight",
            "area_per_visitor_m2": 50, "polygon": TRAPEZOID})
    path.write_text(dump_areas(raw), encoding="utf-8")
    return path


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """One tourism process (its gRPC on a free port)."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("Z5G_")} | env | {
        "Z5G_GRPC_PORT": str(free_port()), "Z5G_METRICS_PORT": "0"}
    return subprocess.Popen([sys.executable, "-m", "tourism"], cwd=ROOT, env=full,  # noqa: S603
                            stdout=log.open("wb"), stderr=subprocess.STDOUT)


def read(consumer: KafkaConsumer, seconds: float) -> list[flow_pb2.ZoneStatus]:
    """Zone statuses that arrive within ``seconds``."""
    out: list[flow_pb2.ZoneStatus] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for records in consumer.poll(timeout_ms=500).values():
            out.extend(flow_pb2.ZoneStatus.FromString(r.value) for r in records)
    return out


def run(kafka: KafkaServer, redis: RedisServer, tmp: Path, n: int, cameras: int,
        seconds: float) -> None:
    group = f"bench-cameras-{uuid.uuid4().hex[:6]}"
    env = {"Z5G_ENV": "dev", "Z5G_KAFKA_BOOTSTRAP": kafka.bootstrap,
           "Z5G_REDIS_URL": redis.url, "Z5G_SERVICE_PRINCIPAL_KEY": "b" * 40,
           "Z5G_AREAS_FILE": str(areas_file(tmp / "areas.toml", cameras)),
           "Z5G_DENSITY_ENABLED": "false", "Z5G_INTRA_OP_THREADS": "1",
           "Z5G_CAMERA_GROUP": group, "Z5G_LOG_LEVEL": "WARNING"}
    workers = [start_worker(env, tmp / f"worker-{n}-{i}.log") for i in range(n)]
    consumer = KafkaConsumer(ZONE_STATUS, bootstrap_servers=kafka.bootstrap,
                             group_id=None, auto_offset_reset="latest")
    try:
        t0 = time.monotonic()
        while True:                      # until every camera publishes
            seen = {s.camera_id for s in read(consumer, 2.0)}
            if len(seen) == cameras:
                break
            if time.monotonic() - t0 > 180:
                raise SystemExit(f"only {len(seen)} of {cameras} cameras publish after 180 s")
        statuses = read(consumer, seconds)
        per_camera = Counter(s.camera_id for s in statuses)
        total = len(statuses) / seconds
        load = os.getloadavg()[0]
        print(f"{n} worker(s), {cameras} cameras x 5 fps asked: {total:.1f} frames/s processed "
              f"in all ({total / n:.1f} per worker), per camera "
              f"{min(per_camera.values()) / seconds:.1f}-{max(per_camera.values()) / seconds:.1f}"
              f" frames/s; load average {load:.1f}")
        if n < 2:
            return
        killed_at = time.time()
        workers[0].kill()
        workers[0].wait(10)
        quiet: set[str] = set(per_camera)
        t_kill = time.monotonic()
        while time.monotonic() - t_kill < 60:
            for s in read(consumer, 1.0):
                if s.frame_time.ToNanoseconds() / 1e9 > killed_at + 0.5:
                    quiet.discard(s.camera_id)
            if not quiet:
                break
        took = time.monotonic() - t_kill
        print(f"  SIGKILL of one worker: every camera publishing again after {took:.1f} s"
              + ("" if not quiet else f" (still silent: {sorted(quiet)})"))
    finally:
        consumer.close()
        stop_all(workers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cameras", type=int, default=8)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        kafka = KafkaServer(tmp, free_port(), free_port(), heap="384m")
        redis = RedisServer(tmp, free_port())
        kafka.start()
        redis.start()
        try:
            for n in args.workers:
                run(kafka, redis, tmp, n, args.cameras, args.seconds)
        finally:
            kafka.stop()
            redis.stop()


if __name__ == "__main__":
    main()
