"""Tourism through the real gateway and stack (cameras playing vtest.avi): who may read what,
the public crowding summary and its suggestions, the camera view, and the locust scenario without
a single failure. (Which spots are suggested is decided and table-tested in the service:
services/tourism/tests/test_forecast.py; the console and public page e2e test shows it.)"""

from pathlib import Path

import httpx
from zezhou5g.tourism.v1 import flow_pb2

# The camera view and zone data need the cameras and detector running in the stack.
STACK_ENV = {"Z5G_VISION_ENABLED": "true"}

ROOT = Path(__file__).resolve().parents[2]


def test_roles_public_summary_and_camera_view(stack, wait, sign_in):
    url = stack["url"]
    assert httpx.get(f"{url}/api/tourism/zones").status_code == 401
    farmer = sign_in(stack, "farmer-zhao")
    assert farmer.get("/api/tourism/zones").status_code == 403
    ops = sign_in(stack, "jueshan-ops")
    wait(lambda: len(ops.get("/api/tourism/zones").json()) == 6, 60, "all 6 demo zones live")
    public = httpx.get(f"{url}/api/public/tourism/crowding").json()
    assert {s["zone_id"] for s in public["spots"]} == {z["zone_id"] for z in
                                                       ops.get("/api/tourism/zones").json()}
    assert all(set(s) >= {"crowd_level", "best_crowd_level", "count", "capacity"}
               for s in public["spots"])
    assert {s["crowd_level"] for s in public["spots"]} <= set(flow_pb2.CrowdLevel.keys())
    assert not any("jpeg" in k or "box" in k for s in public["spots"] for k in s)
    # The service's forecast: 1 h, 2 h, 3 h ahead per spot, and where the plaza queues, a wait.
    assert all(len(s["ahead"]) == 3 for s in public["spots"])
    plaza = next(s for s in public["spots"] if s["zone_id"] == "jueshan-gate-plaza")
    assert plaza["wait_min"] is not None and plaza["wait_min"] >= 0
    page = ops.get("/api/tourism/alerts?kind=cleared&limit=5").json()
    assert set(page) == {"alerts", "total", "offset", "limit"} and len(page["alerts"]) <= 5
    frame = ops.get("/api/tourism/cameras/cam-jueshan-gate/frame.jpg")
    assert frame.status_code == 200 and frame.headers["content-type"] == "image/jpeg"
    assert frame.content[:2] == b"\xff\xd8"
    assert ops.get("/api/tourism/cameras/nope/frame.jpg").status_code == 404
    assert ops.get("/api/tourism/zones/nope/history").status_code == 404
    assert ops.post("/api/tourism/alerts/nope/ack").status_code == 404
    hist = ops.get("/api/tourism/zones/jueshan-gate-plaza/history?hours=1").json()
    assert hist["zone_id"] == "jueshan-gate-plaza" and hist["minutes"]
    cams = ops.get("/api/tourism/cameras").json()
    assert len(cams) == 5 and all(c["healthy"] for c in cams)


def test_tourism_locust_scenario_has_no_failures(stack, tmp_path, stack_client):
    by_name = stack_client.run_locust(stack, "tourism.py", tmp_path, users=6, seconds=10)
    assert int(by_name["Aggregated"][2]) > 20, by_name
    # Both kinds of user ran: the public endpoint and the operator's (signed-in) ones.
    assert int(by_name["/api/public/tourism/crowding"][2]) > 0
    assert int(by_name["/api/tourism/zones"][2]) > 0
