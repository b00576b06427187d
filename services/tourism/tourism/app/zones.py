"""The zones' and areas' state for the API.

Areas as configured, zone status, area flow, and a zone's minute history.
"""

from __future__ import annotations

from zezhou5g.tourism.v1 import flow_pb2

from tourism.adapters.flow_store import HISTORY_S, FlowStore, Minute
from tourism.app.errors import BadRequest, NotFound
from tourism.areas import AreaConfig

DAY_S = 24 * 3600


class Zones:
    """``ListAreas``, ``ListZoneStatus``, ``ListAreaFlow`` and ``GetZoneHistory``."""

    def __init__(self, config: AreaConfig, store: FlowStore) -> None:
        self.config = config
        self.store = store
        self.areas = areas_message(config)

    def statuses(self, area_id: str = "") -> list[flow_pb2.ZoneStatus]:
        """Latest status of every configured zone that has reported, in the config's order.

        Raises:
            NotFound: ``area_id`` is given and not configured.
        """
        if area_id and area_id not in self.config.areas:
            raise NotFound(f"no area {area_id!r}")
        order = {z: i for i, z in enumerate(self.config.zones)}
        zones = [z for z in self.store.zones.all() if z.zone_id in order
                 and (not area_id or z.area_id == area_id)]
        zones.sort(key=lambda z: order[z.zone_id])
        return zones

    def area_flows(self) -> list[flow_pb2.AreaFlow]:
        """People now and entries today of every area that has reported."""
        return self.store.areas.all()

    def history(self, zone_id: str, since_s: float | None, until_s: float | None,
                now_s: float) -> list[Minute]:
        """A zone's minutes from ``since_s`` to ``until_s`` (UNIX s), oldest first.

        ``until_s`` defaults to ``now_s``, ``since_s`` to a day before it; at most
        :data:`HISTORY_S` back from ``now_s``.

        Raises:
            NotFound: no such zone.
            BadRequest: ``since_s`` is after ``until_s``.
        """
        if zone_id not in self.config.zones:
            raise NotFound(f"no zone {zone_id!r}")
        until = now_s if until_s is None else until_s
        since = until - DAY_S if since_s is None else since_s
        if since > until:
            raise BadRequest("since is after until")
        return self.store.history(zone_id, max(since, now_s - HISTORY_S), until)


def areas_message(config: AreaConfig) -> flow_pb2.ListAreasResponse:
    """Areas, zones (image and plan polygons, m², capacity, thresholds) and gates."""
    reply = flow_pb2.ListAreasResponse()
    for a in config.areas.values():
        area = reply.areas.add(
            area_id=a.id, name_zh=a.name_zh, name_en=a.name_en, open_hours=a.open_hours,
            mean_visit_hours=a.mean_visit_hours, instantaneous_capacity=a.instantaneous_capacity,
            daily_capacity=a.daily_capacity)
        for z in config.zones.values():
            if z.area != a.id:
                continue
            t = z.thresholds
            zone = area.zones.add(
                zone_id=z.id, area_id=z.area, name_zh=z.name_zh, name_en=z.name_en, kind=z.kind,
                area_m2=z.area_m2, area_per_visitor_m2=z.area_per_visitor_m2,
                capacity=z.capacity, camera_id=z.camera, busy_at=t.busy_at,
                crowded_at=t.crowded_at, over_at=t.over_at, alert_at=t.alert_at,
                alert_hysteresis=t.hysteresis)
            for x, y in z.image_polygon:
                zone.image_polygon.add(x=float(x), y=float(y))
            for x, y in z.plan_polygon:
                zone.plan_polygon.add(x=round(float(x), 2), y=round(float(y), 2))
        for g in config.gates.values():
            if g.area == a.id:
                (ax, ay), (bx, by) = g.line
                gate = area.gates.add(gate_id=g.id, name_zh=g.name_zh, name_en=g.name_en,
                                      camera_id=g.camera)
                gate.line_a.x, gate.line_a.y, gate.line_b.x, gate.line_b.y = ax, ay, bx, by
    return reply
