"""ListSpotForecasts says which spots a visitor is offered calmer ones for, and names the area,
so the public page needs nothing else (app/forecasts.py, on a real Redis)."""

import time

from tourism.adapters.flow_store import FlowStore
from tourism.app.forecasts import SpotForecasts
from tourism.areas import parse_areas
from zezhou5g.tourism.v1 import flow_pb2

CAM = {"area": "north", "name_zh": "摄", "name_en": "cam", "source": "sample:vtest",
       "image_points": [[0, 0], [100, 0], [100, 100], [0, 100]],
       "plan_points": [[0, 10], [10, 10], [10, 0], [0, 0]]}


def _zone(zid: str, area: str, cam: str) -> dict:
    return {"id": zid, "area": area, "camera": cam, "name_zh": zid, "name_en": zid,
            "kind": "path", "area_per_visitor_m2": 5,   # 100 m² → capacity 20
            "polygon": [[0, 0], [100, 0], [100, 100], [0, 100]]}


CONFIG = parse_areas({
    "areas": [{"id": a, "name_zh": zh, "name_en": en, "open_hours": 24,
               "mean_visit_hours": 2, "opens_at_hour": 0}
              for a, zh, en in (("north", "北区", "North"), ("south", "南区", "South"))],
    "cameras": [CAM | {"id": f"c{i}", "area": a} for i, a in
                enumerate(("north", "north", "north", "south"))],
    "zones": [_zone("n-crowded", "north", "c0"), _zone("n-busy", "north", "c1"),
              _zone("n-calm", "north", "c2"), _zone("s-over", "south", "c3")],
})


def _status(store: FlowStore, zid: str, area: str, count: int, level: str) -> None:
    s = flow_pb2.ZoneStatus(zone_id=zid, area_id=area, count=count, capacity=20,
                            occupancy=count / 20, density_per_m2=count / 100,
                            crowd_level=flow_pb2.CrowdLevel.Value(f"CROWD_LEVEL_{level.upper()}"))
    s.frame_time.GetCurrentTime()
    store.zones.put(zid, s)


def test_busy_or_worse_spots_are_offered_calmer_ones_even_when_none_is_calm(redis_client):
    store = FlowStore(redis_client)
    _status(store, "n-crowded", "north", 19, "crowded")
    _status(store, "n-busy", "north", 11, "busy")
    _status(store, "n-calm", "north", 1, "comfortable")
    _status(store, "s-over", "south", 30, "over_capacity")   # alone in its area
    spots = {s.zone_id: s for s in
             SpotForecasts(CONFIG, store).spot_forecasts(time.time(), 2).spots}
    offered = {z: list(s.calmer) for z, s in spots.items() if s.suggest_calmer}
    assert offered == {"n-crowded": ["n-calm"], "n-busy": ["n-calm"], "s-over": []}
    assert (spots["n-calm"].area_name_zh, spots["n-calm"].area_name_en) == ("北区", "North")
    assert (spots["s-over"].area_name_zh, spots["s-over"].area_name_en) == ("南区", "South")


def test_a_spot_without_status_is_not_offered_anything(redis_client):
    store = FlowStore(redis_client)
    spots = SpotForecasts(CONFIG, store).spot_forecasts(time.time(), 2).spots
    assert [s.crowd_level for s in spots] == [flow_pb2.CROWD_LEVEL_UNSPECIFIED] * 4
    assert not any(s.suggest_calmer or s.calmer for s in spots)
