"""Two tourism workers share the cameras through Kafka's consumer-group protocol; SIGKILL one and
its cameras carry on on the other.

Two real ``python -m tourism`` processes with one areas file of four cameras (real footage,
vtest.avi, 2 frames/s each, person detector on) join one camera group. Checked:

- each worker runs some of the cameras and none runs a camera twice; either worker answers
  ``ListCameras`` for all four (with the worker that runs each) and ``GetCameraFrame`` for a
  camera the *other* one runs;
- after SIGKILL of one worker, the survivor runs all four within the group's session timeout
  (10 s) plus a rebalance, and the killed worker's zones get new statuses on Kafka from it.
"""

from __future__ import annotations

import time
import uuid

import cv2
import numpy as np
from kafka import KafkaConsumer
from localinfra.proc import free_port
from tourism.areas import dump_areas
from tourism.topics import ZONE_STATUS
from zezhou5g.tourism.v1 import flow_pb2, tourism_pb2_grpc

CAMERAS = [f"cam-w{i}" for i in range(4)]

# Real footage, one zone per camera; each camera starts 5 s further into vtest.avi.
TRAPEZOID = [[130, 110], [640, 110], [768, 576], [0, 576]]
AREAS = {
    "areas": [{"id": "jueshan", "name_zh": "珏山景区", "name_en": "Jueshan", "open_hours": 10.0,
               "mean_visit_hours": 3.0}],
    "cameras": [{"id": c, "area": "jueshan", "name_zh": "测试", "name_en": "Test",
                 "source": "sample:vtest", "loop": True, "sample_fps": 2, "start_s": 5 * i,
                 "image_points": TRAPEZOID, "plan_points": [[0, 20], [10, 20], [8, 0], [2, 0]]}
                for i, c in enumerate(CAMERAS)],
}


def test_two_workers_share_the_cameras_and_survive_the_loss_of_one(
        spawn, base_env, kafka, tmp_path, wait, signed):
    run = uuid.uuid4().hex[:6]
    zones = {c: f"{c}-zone-{run}" for c in CAMERAS}
    areas = tmp_path / "areas.toml"
    areas.write_text(dump_areas(AREAS | {"zones": [
        {"id": zones[c], "area": "jueshan", "camera": c, "name_zh": "测试区",
         "name_en": "Test zone", "kind": "main_sight", "area_per_visitor_m2": 50,
         "polygon": TRAPEZOID} for c in CAMERAS]}), encoding="utf-8")
    ports = [free_port(), free_port()]
    workers = [spawn("tourism", base_env | {
        "Z5G_GRPC_PORT": str(port), "Z5G_METRICS_PORT": "0", "Z5G_AREAS_FILE": str(areas),
        "Z5G_VISION_ENABLED": "true", "Z5G_DENSITY_ENABLED": "false",
        "Z5G_CAMERA_GROUP": f"tourism-workers-{run}"}) for port in ports]
    stubs = [tourism_pb2_grpc.TourismServiceStub(signed(
        f"127.0.0.1:{port}", "tourism", "scenic_operator", "jueshan-ops", {"area": ["jueshan"]}))
        for port in ports]

    def cameras(i: int) -> dict[str, flow_pb2.CameraHealth]:
        try:
            reply = stubs[i].ListCameras(flow_pb2.ListCamerasRequest(), timeout=5)
        except Exception:  # noqa: BLE001 - not up yet
            return {}
        return {c.camera_id: c for c in reply.cameras}

    def shared() -> dict[str, str] | None:
        seen = cameras(0)
        runners = {c: h.worker for c, h in seen.items() if h.healthy and h.fps_processed > 0}
        ok = set(runners) == set(CAMERAS) and len(set(runners.values())) == 2
        return runners if ok else None

    runners = wait(shared, 120, "both workers running some of the four cameras", tuple(workers))
    # Either worker answers for every camera, the same way.
    assert {c: h.worker for c, h in cameras(1).items()} == runners
    # Workers are named <host>-<pid>: which is process 0.
    victim = next(w for w in runners.values() if w.endswith(f"-{workers[0].popen.pid}"))
    survivor = next(w for w in runners.values() if w != victim)
    orphaned = sorted(c for c, w in runners.items() if w == victim)
    # A frame of a camera the other worker runs, through process 0.
    theirs = next(c for c, w in runners.items() if w == survivor)
    frame = wait(lambda: _frame(stubs[0], theirs), 15, "a frame from the other worker")
    image = cv2.imdecode(np.frombuffer(frame.jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert image.shape == (576, 768, 3)

    # SIGKILL process 0: no LeaveGroup, its heartbeats just stop.
    workers[0].popen.kill()
    killed_at = time.time()
    workers[0].popen.wait(10)

    def taken_over() -> bool:
        now = cameras(1)
        return all(now.get(c) is not None and now[c].worker == survivor and now[c].healthy
                   and now[c].last_frame_time.ToNanoseconds() / 1e9 > killed_at for c in CAMERAS)

    wait(taken_over, 40, "the survivor runs all four cameras", (workers[1],))
    moved_in = time.time() - killed_at
    # The killed worker's zones carry on: statuses on Kafka from frames taken after the kill
    # (read until they show: the survivor keeps publishing, so the topic has no end to reach).
    statuses = KafkaConsumer(ZONE_STATUS, bootstrap_servers=kafka.bootstrap,
                             group_id=None, auto_offset_reset="earliest")
    late: set[str] = set()

    def late_statuses() -> bool:
        for records in statuses.poll(timeout_ms=1000, max_records=2000).values():
            for r in records:
                s = flow_pb2.ZoneStatus.FromString(r.value)
                if s.frame_time.ToNanoseconds() / 1e9 > killed_at:
                    late.add(s.zone_id)
        return {zones[c] for c in orphaned} <= late

    wait(late_statuses, 30, "the killed worker's zones updated by the survivor", (workers[1],))
    statuses.close()
    print(f"cameras {orphaned} moved to the survivor {moved_in:.1f} s after the SIGKILL")
    assert moved_in < 30


def _frame(stub: tourism_pb2_grpc.TourismServiceStub,
           camera: str) -> flow_pb2.GetCameraFrameResponse | None:
    try:
        return stub.GetCameraFrame(flow_pb2.GetCameraFrameRequest(camera_id=camera), timeout=5)
    except Exception:  # noqa: BLE001 - NOT_FOUND until the first frame is posted
        return None
