"""Tourism through the real gateway and stack (cameras playing vtest.avi): who may read what,
the public crowding summary and its suggestions, the camera view, and the locust scenario without
a single failure."""

from pathlib import Path

import httpx
import pytest
from gateway.routes.tourism import suggestions

# The camera view and zone data need the cameras and detector running in the stack.
STACK_ENV = {"Z5G_VISION_ENABLED": "true"}

ROOT = Path(__file__).resolve().parents[2]


def spot(zone, area, level, occ):
    return {"zone_id": zone, "area_id": area, "level": level, "occupancy": occ}


@pytest.mark.parametrize("spots,expected", [
    # A crowded spot gets the calmer spots of its own area, calmest first, at most two.
    ([spot("a", "x", "crowded", 0.9), spot("b", "x", "busy", 0.6),
      spot("c", "x", "comfortable", 0.1), spot("d", "x", "comfortable", 0.3),
      spot("e", "y", "comfortable", 0.0)],
     {"a": ["c", "d"], "b": ["c", "d"]}),
    # Equally crowded is not calmer; a spot without data is never suggested.
    ([spot("a", "x", "busy", 0.6), spot("b", "x", "busy", 0.5),
      spot("c", "x", "unknown", None)],
     {"a": [], "b": []}),
    # Comfortable spots need no suggestion.
    ([spot("a", "x", "comfortable", 0.4), spot("b", "x", "comfortable", 0.1)], {}),
])
def test_suggestions(spots, expected):
    assert suggestions(spots) == expected


def test_roles_public_summary_and_camera_view(stack, wait, sign_in):
    url = stack["url"]
    assert httpx.get(f"{url}/api/tourism/zones").status_code == 401
    farmer = sign_in(stack, "farmer-zhao")
    assert farmer.get("/api/tourism/zones").status_code == 403
    ops = sign_in(stack, "jueshan-ops")
    wait(lambda: len(ops.get("/api/tourism/zones").json()) == 5, 60, "all 5 demo zones live")
    public = httpx.get(f"{url}/api/public/tourism/crowding").json()
    assert {s["zone_id"] for s in public["spots"]} == {z["zone_id"] for z in
                                                       ops.get("/api/tourism/zones").json()}
    assert all(set(s) >= {"level", "count", "capacity"} for s in public["spots"])
    assert not any("jpeg" in k or "box" in k for s in public["spots"] for k in s)
    frame = ops.get("/api/tourism/cameras/cam-jueshan-gate/frame.jpg")
    assert frame.status_code == 200 and frame.headers["content-type"] == "image/jpeg"
    assert frame.content[:2] == b"\xff\xd8"
    assert ops.get("/api/tourism/cameras/nope/frame.jpg").status_code == 404
    assert ops.get("/api/tourism/zones/nope/history").status_code == 404
    assert ops.post("/api/tourism/alerts/nope/ack").status_code == 404
    hist = ops.get("/api/tourism/zones/jueshan-gate-plaza/history?hours=1").json()
    assert hist["zone_id"] == "jueshan-gate-plaza" and hist["minutes"]
    cams = ops.get("/api/tourism/cameras").json()
    assert len(cams) == 4 and all(c["healthy"] for c in cams)


def test_tourism_locust_scenario_has_no_failures(stack, tmp_path, stack_client):
    by_name = stack_client.run_locust(stack, "tourism.py", tmp_path, users=6, seconds=10)
    assert int(by_name["Aggregated"][2]) > 20, by_name
    # Both kinds of user ran: the public endpoint and the operator's (signed-in) ones.
    assert int(by_name["/api/public/tourism/crowding"][2]) > 0
    assert int(by_name["/api/tourism/zones"][2]) > 0
