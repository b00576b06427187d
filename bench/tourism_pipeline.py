"""Tourism visitor-flow pipeline: detector speed per CPU core and frame → Kafka latency.

    uv run python bench/tourism_pipeline.py [--seconds 20] [--cameras 1 4 8] [--backend centernet]

Prints (not a test):

1. Person detector frames/s on ONE CPU core (ONNX Runtime intra-op threads = 1) at each
   backend's input size (centernet 512×512, nanodet 416×416), on 40 vtest.avi frames.
2. End to end with 1, 4 and 8 cameras: each camera reads vtest.avi in real time (10 fps, at a
   different offset) and asks for 5 processed frames/s; the real FlowPipeline (latest-frame-wins,
   round-robin, detector on one intra-op thread) publishes ``tourism.zone.status`` to a real
   Kafka broker (and Redis); a consumer takes the latency frame captured → status received, p50
   and p95, and the processed frames/s per camera.
3. How many 5-fps cameras one core sustains: the measured end-to-end throughput (frames/s through
   the whole loop, detector + zones + Kafka + Redis) ÷ 5.

With Z5G_INFERENCE_DEVICE=cuda on a GPU machine the same script measures the CUDA path.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
import uuid

os.environ.setdefault("Z5G_INTRA_OP_THREADS", "1")  # before any session is created

import onnxruntime as ort  # noqa: E402
from kafka import KafkaConsumer  # noqa: E402
from localinfra.scratch import scratch_infra  # noqa: E402
from tourism.adapters.detector import Detector, OnnxPersonDetector  # noqa: E402
from tourism.adapters.flow_store import FlowStore  # noqa: E402
from tourism.app.flow import FlowPipeline  # noqa: E402
from tourism.areas import parse_areas  # noqa: E402
from tourism.topics import PRODUCES, ZONE_STATUS  # noqa: E402
from zezhou5g import contracts  # noqa: E402
from zezhou5g.platform.kafka import EventProducer, ensure_topics  # noqa: E402
from zezhou5g.platform.outbox import RedisOutbox  # noqa: E402
from zezhou5g.platform.redis import make_redis  # noqa: E402
from zezhou5g.tourism.v1 import flow_pb2  # noqa: E402
from zezhou5g.vision import PersonDetector, samples  # noqa: E402
from zezhou5g.vision.runtime import select_providers  # noqa: E402

TRAPEZOID = [[130, 110], [640, 110], [768, 576], [0, 576]]


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of ``values``."""
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s)) - 1))]


def detector_speed(backend: str, frames: list) -> tuple[float, float]:
    """(frames per wall second, frames per CPU second of this thread) of ``backend``.

    With one intra-op thread ONNX Runtime computes in the calling thread, so frames per CPU
    second is frames/s per core even on a machine shared with other work.
    """
    det = PersonDetector(backend)  # type: ignore[arg-type]
    det.detect(frames[:2])
    t0, c0 = time.perf_counter(), time.thread_time()
    det.detect(frames)
    return (len(frames) / (time.perf_counter() - t0), len(frames) / (time.thread_time() - c0))


def config(n: int, backend_fps: float = 5.0) -> dict:
    cams, zones = [], []
    for i in range(n):
        cams.append({"id": f"cam-{i}", "area": "jueshan", "name_zh": f"摄像机{i}",
                     "name_en": f"Camera {i}", "source": "sample:vtest", "start_s": 9.0 * i,
                     "sample_fps": backend_fps, "image_points": TRAPEZOID,
                     "plan_points": [[0, 24], [18, 24], [14, 0], [4, 0]]})
        zones.append({"id": f"zone-{i}", "area": "jueshan", "camera": f"cam-{i}",
                      "name_zh": f"区域{i}", "name_en": f"Zone {i}", "kind": "main_sight",
                      "area_per_visitor_m2": 50, "polygon": TRAPEZOID})
    return {"areas": [{"id": "jueshan", "name_zh": "珏山景区", "name_en": "Jueshan",
                       "open_hours": 10, "mean_visit_hours": 3}],
            "cameras": cams, "zones": zones}


def end_to_end(bootstrap: str, redis_url: str, n: int, seconds: float, backend: str,
               batch: int) -> dict:
    """Run the pipeline with ``n`` cameras for ``seconds``; latency and throughput figures."""
    cfg = parse_areas(config(n))
    client = make_redis(redis_url)
    client.flushdb()
    producer = EventProducer(bootstrap, "tourism-bench")
    consumer = KafkaConsumer(ZONE_STATUS, bootstrap_servers=bootstrap,
                             group_id=f"bench-{uuid.uuid4()}", auto_offset_reset="latest",
                             consumer_timeout_ms=200)
    while not consumer.assignment():
        consumer.poll(100)
    latencies: list[float] = []
    stop = threading.Event()
    started = [0.0]

    def consume() -> None:
        while not stop.is_set():
            for m in consumer:
                now = time.time()
                s = flow_pb2.ZoneStatus.FromString(m.value)
                at = s.frame_time.ToNanoseconds() / 1e9
                if started[0] and at >= started[0]:
                    latencies.append(now - at)

    thread = threading.Thread(target=consume, daemon=True)
    thread.start()
    detector: Detector = OnnxPersonDetector(backend)
    # As the service wires it: every frame's effects go through the outbox, the relay publishes.
    outbox = RedisOutbox(client, producer, "tourism",
                         {t: contracts.get(t).message for t in PRODUCES})
    outbox.start()
    pipeline = FlowPipeline(cfg, FlowStore(client), outbox,
                            make_detector=lambda: detector, batch=batch)
    pipeline.start()
    time.sleep(4)  # cameras open, first frames, session warm
    started[0] = time.time()
    cpu0 = time.process_time()
    time.sleep(seconds)
    per_cam = [s.stream.health().fps_processed for s in pipeline.cameras.values()]
    # One zone per camera: each status received is one frame processed since ``started``.
    frames_done, cpu_used = len(latencies), time.process_time() - cpu0
    pipeline.stop()
    outbox.stop()
    producer.flush(10)
    time.sleep(1)
    stop.set()
    thread.join(5)
    consumer.close()
    producer.close()
    return {"n": n, "count": len(latencies), "p50": pct(latencies, 50) * 1e3,
            "p95": pct(latencies, 95) * 1e3, "per_cam": statistics.mean(per_cam),
            "total": sum(per_cam), "per_cpu_s": frames_done / cpu_used}



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--cameras", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--backend", default="centernet", choices=["centernet", "nanodet"])
    parser.add_argument("--batch", type=int, default=1, help="frames per detector call")
    args = parser.parse_args()
    providers = select_providers()
    print(f"machine: {os.cpu_count()} CPU cores; onnxruntime {ort.__version__}; "
          f"providers {providers[0]}; python {sys.version.split()[0]}")
    frames = list(samples.read_frames(samples.vtest_path(), list(range(0, 400, 10))).values())
    print("\n== 1. person detector on vtest.avi (768x576), frames/s ==")
    for backend, size in (("centernet", 512), ("nanodet", 416)):
        wall, cpu = detector_speed(backend, frames)
        print(f"{backend:9s} input {size}x{size}: {cpu:5.1f} frames per CPU-second "
              f"({1000 / cpu:.0f} ms CPU/frame); wall {wall:.1f} frames/s at load average "
              f"{os.getloadavg()[0]:.1f}")

    print(f"\n== 2. frame captured -> zone status on Kafka ({args.backend}, detector on 1 "
          f"intra-op thread, each camera asks for 5 fps, {args.seconds:.0f} s each) ==")
    results = []
    with scratch_infra("z5g-bench-tourism-") as (_, kafka, redis):
        ensure_topics(kafka.bootstrap, PRODUCES)
        for n in args.cameras:
            r = end_to_end(kafka.bootstrap, redis.url, n, args.seconds, args.backend, args.batch)
            results.append(r)
            print(f"{n} camera(s): latency p50 {r['p50']:6.0f} ms, p95 {r['p95']:6.0f} ms "
                  f"({r['count']} statuses); processed {r['per_cam']:.2f} frames/s per camera, "
                  f"{r['total']:.1f} frames/s in all; {r['per_cpu_s']:.1f} frames per CPU-second "
                  f"of the whole process; load average {os.getloadavg()[0]:.1f}")
    busiest = max(results, key=lambda r: r["n"])
    per_core = busiest["per_cpu_s"]
    print("\n== 3. 5-fps cameras one CPU core sustains ==")
    print(f"whole process with {busiest['n']} cameras (reading every camera at 10 fps, detector, "
          f"zones, tracking, Kafka, Redis): {per_core:.1f} processed frames per CPU-second "
          f"-> {int(per_core // 5)} cameras at 5 fps per core")


if __name__ == "__main__":
    main()
