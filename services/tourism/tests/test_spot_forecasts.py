"""The public page's decision in the service (app/forecasts.py, ListSpotForecasts) on a real
Redis: latest zone status + 7 days of minute history → now, +1 h/+2 h, best hour, wait, calmer
spots."""

import time

import pytest
from tourism.adapters.flow_store import FlowStore, FlowWrites, Sample
from tourism.app.forecasts import SpotForecasts
from tourism.areas import parse_areas
from zezhou5g.tourism.v1 import flow_pb2

CAM = {"area": "a", "name_zh": "摄", "name_en": "cam", "source": "sample:vtest",
       "image_points": [[0, 0], [100, 0], [100, 100], [0, 100]],
       "plan_points": [[0, 10], [10, 10], [10, 0], [0, 0]]}


def zone(zid, cam, queue=None):
    z = {"id": zid, "area": "a", "camera": cam, "name_zh": zid, "name_en": zid, "kind": "path",
         "area_per_visitor_m2": 5, "polygon": [[0, 0], [100, 0], [100, 100], [0, 100]]}
    return z | ({"queue_per_min": queue} if queue else {})


CONFIG = parse_areas({
    "areas": [{"id": "a", "name_zh": "区", "name_en": "Area", "open_hours": 24,
               "mean_visit_hours": 2, "opens_at_hour": 0}],
    "cameras": [CAM | {"id": f"c{i}"} for i in range(4)],
    # 100 m² each, 5 m²/person → capacity 20
    "zones": [zone("crowded", "c0", queue=4), zone("calm", "c1"), zone("filling", "c2"),
              zone("busy", "c3")],
})


@pytest.fixture
def api(redis_client):
    store = FlowStore(redis_client)
    return SpotForecasts(CONFIG, store), store


def status(store, zid, count, lvl):
    s = flow_pb2.ZoneStatus(zone_id=zid, area_id="a", count=count, capacity=20,
                            occupancy=count / 20, density_per_m2=count / 100,
                            crowd_level=flow_pb2.CrowdLevel.Value(f"CROWD_LEVEL_{lvl.upper()}"))
    s.frame_time.GetCurrentTime()
    store.zones.put(zid, s)


def test_suggests_only_spots_calm_now_and_forecast_calm(api):
    api, store = api
    now = time.time()
    # "filling" was busy an hour from now every day of last week; "calm" stayed empty.
    samples = []
    for day in range(1, 8):
        for m in range(0, 180, 3):
            at = now - day * 86400 + m * 60
            samples += [Sample("filling", at, 18 if m >= 45 else 1, 0.18),
                        Sample("calm", at, 1, 0.01)]
    store.apply(FlowWrites(samples=samples))
    status(store, "crowded", 19, "crowded")
    status(store, "calm", 1, "comfortable")
    status(store, "filling", 1, "comfortable")
    status(store, "busy", 11, "busy")
    spots = {s.zone_id: s for s in api.spot_forecasts(now, 3).spots}
    assert list(spots["crowded"].calmer) == ["calm"]      # never "filling", "busy", itself
    assert list(spots["busy"].calmer) == ["calm"]
    assert list(spots["calm"].calmer) == []
    calm = flow_pb2.CROWD_LEVEL_COMFORTABLE
    assert [p.crowd_level for p in spots["filling"].ahead][:2] != [calm, calm]
    assert spots["calm"].crowd_level == calm
    assert len(spots["calm"].ahead) == 3
    assert spots["calm"].history_hours == 7    # 60 minutes a day × 7 days
    assert spots["crowded"].wait_min == pytest.approx(4.8)   # 19 people ÷ 4 per minute
    assert spots["calm"].wait_min == -1
    # Open 0–24 h local: a whole hour is left today except during the day's last hour.
    from tourism.domain.forecast import LOCAL_OFFSET_S

    last_hour = (now + LOCAL_OFFSET_S) % 86400 > 23 * 3600
    assert spots["calm"].HasField("best_time") is not last_hour


def test_without_status_a_spot_is_unknown_and_never_suggested(api):
    api, store = api
    status(store, "crowded", 19, "crowded")
    spots = {s.zone_id: s for s in api.spot_forecasts(time.time(), 2).spots}
    assert spots["calm"].crowd_level == flow_pb2.CROWD_LEVEL_UNSPECIFIED
    assert list(spots["crowded"].calmer) == []
