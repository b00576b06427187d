"""One processed frame is one unit (app/flow.py), on the real Redis and broker: zone status,
alerts and area flow are stored and published with ids derived from camera, zone or area and
the frame time; a frame whose unit fails changes nothing, not even the zones' memory; an alert
open at a restart is cleared, not raised again."""

import time
import uuid

import numpy as np
import pytest
import redis
from tourism.adapters.camera import Frame
from tourism.adapters.flow_store import FlowStore
from tourism.app.alerts import alert_event_id
from tourism.app.flow import FlowPipeline, area_flow_id, zone_status_id
from tourism.areas import parse_areas
from tourism.topics import AREA_FLOW, ZONE_ALERTS, ZONE_STATUS
from zezhou5g.tourism.v1 import flow_pb2

STATE = {flow_pb2.ZONE_ALERT_STATE_RAISED: "raised", flow_pb2.ZONE_ALERT_STATE_CLEARED: "cleared"}
SQUARE = [[0, 0], [100, 0], [100, 100], [0, 100]]


def config(zone_id: str):
    # 100 m² at 50 m²/person: capacity 2; the alert at 80 % raises with 2 people, clears at 0.
    return parse_areas({
        "defaults": {"smoothing_frames": 1},
        "areas": [{"id": "a", "name_zh": "区", "name_en": "Area", "open_hours": 10,
                   "mean_visit_hours": 2}],
        "cameras": [{"id": "cam", "area": "a", "name_zh": "摄", "name_en": "cam",
                     "source": "sample:vtest", "image_points": SQUARE,
                     "plan_points": [[0, 10], [10, 10], [10, 0], [0, 0]]}],
        "zones": [{"id": zone_id, "area": "a", "camera": "cam", "name_zh": "区",
                   "name_en": "zone", "kind": "main_sight", "area_per_visitor_m2": 50,
                   "polygon": SQUARE}]})


def people(n: int) -> np.ndarray:
    """``n`` xyxy boxes whose feet stand inside the zone."""
    return np.array([[10 + 20 * i, 40, 20 + 20 * i, 80] for i in range(n)], dtype=np.float64)


def frame(at: float) -> Frame:
    return Frame(np.zeros((100, 100, 3), np.uint8), 1, at)


@pytest.fixture
def flow(redis_client, outbox):
    zone = f"z-{uuid.uuid4().hex[:8]}"
    store = FlowStore(redis_client)

    def pipeline() -> FlowPipeline:
        p = FlowPipeline(config(zone), store, outbox)
        p.restore()
        return p

    return pipeline, store, zone


def test_a_frame_stores_then_publishes_under_derived_ids(flow, published, outbox):
    pipeline, store, zone = flow
    p = pipeline()
    cam = p.cameras["cam"]
    t0 = time.time()
    p.frame_done(cam, frame(t0), people(3))
    p.frame_done(cam, frame(t0 + 1), people(0))
    (latest,) = [s for s in store.zones.all() if s.zone_id == zone]
    assert latest.count == 0
    (alert,) = [a for a in store.alerts() if a.zone_id == zone]
    assert (alert.alert_state, alert.count) == (flow_pb2.ZONE_ALERT_STATE_CLEARED, 0)
    ns = [int(t0 * 1e9), int((t0 + 1) * 1e9)]
    statuses = published(ZONE_STATUS, lambda m: m.zone_id == zone, 2)
    assert [s.meta.event_id for s in statuses] == [zone_status_id("cam", zone, n) for n in ns]
    assert latest.meta.event_id == statuses[-1].meta.event_id, "stored as published"
    alerts = published(ZONE_ALERTS, lambda m: m.zone_id == zone, 2)
    assert [(STATE[a.alert_state], a.meta.event_id) for a in alerts] == [
        ("raised", alert_event_id(alert.alert_id, "raised")),
        ("cleared", alert_event_id(alert.alert_id, "cleared"))]
    # The area's flow went with the first frame (then not again within its 2 s interval).
    flows = published(AREA_FLOW, lambda m: m.meta.event_id == area_flow_id("a", "cam", ns[0]),
                      1)
    assert [f.people_now for f in flows] == [3]


def test_a_frame_whose_unit_fails_changes_nothing(flow, outbox, monkeypatch):
    pipeline, store, zone = flow
    p = pipeline()
    cam = p.cameras["cam"]

    def store_goes_away(*args, **kwargs):
        raise redis.ConnectionError("Redis went away mid-unit")

    monkeypatch.setattr(store, "stage", store_goes_away)
    t0 = time.time()
    with pytest.raises(redis.ConnectionError):
        p.frame_done(cam, frame(t0), people(3))
    assert [s for s in store.zones.all() if s.zone_id == zone] == []
    assert outbox.pending() == 0
    assert not p.monitors[zone].alert.active, "the zone's memory did not move on"
    monkeypatch.undo()
    p.frame_done(cam, frame(t0 + 1), people(3))     # the next frame raises it
    (alert,) = [a for a in store.alerts() if a.zone_id == zone]
    assert alert.alert_state == flow_pb2.ZONE_ALERT_STATE_RAISED
    assert alert.alert_id == f"{zone}-{int((t0 + 1) * 1000)}"


def test_an_alert_open_at_a_restart_is_cleared_not_raised_again(flow):
    pipeline, store, zone = flow
    t0 = time.time()
    before = pipeline()
    before.frame_done(before.cameras["cam"], frame(t0), people(3))
    after = pipeline()                                # the service restarted
    cam = after.cameras["cam"]
    after.frame_done(cam, frame(t0 + 1), people(3))
    after.frame_done(cam, frame(t0 + 2), people(0))
    alerts = [a for a in store.alerts() if a.zone_id == zone]
    assert [(a.alert_id, STATE[a.alert_state]) for a in alerts] == [
        (f"{zone}-{int(t0 * 1000)}", "cleared")]


class ThreePeople:
    """Stands in for the person detector: three people in the zone on every frame."""

    def boxes(self, images):
        return [people(3) for _ in images]


def test_frames_not_stored_while_redis_is_away_turn_the_service_unavailable(
        redis_client, outbox, monkeypatch, wait):
    zone = f"z-{uuid.uuid4().hex[:8]}"
    store = FlowStore(redis_client)
    p = FlowPipeline(config(zone), store, outbox, make_detector=ThreePeople)

    def store_goes_away(*args, **kwargs):
        raise redis.ConnectionError("Redis went away mid-unit")

    def away() -> bool:
        try:
            p.check()
        except redis.ConnectionError:
            return True
        return False

    monkeypatch.setattr(store, "stage", store_goes_away)
    p.start()      # the real camera (vtest.avi) and inference thread
    try:
        wait(away, 20, "check raises")
        assert store.zones.get(zone) is None
        monkeypatch.undo()
        # Available again (ServiceRuntime.every turns health back to SERVING), frames stored.
        wait(lambda: not away(), 20, "check passes again")
        assert store.zones.get(zone) is not None
    finally:
        p.stop()
