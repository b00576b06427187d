"""The public page's decision (``ListSpotForecasts``): forecasts and calmer spots per zone.

Per zone: now, the next hours, the best time today, the wait and calmer spots, from the live
status and 7 days of minute history.
"""

from __future__ import annotations

from zezhou5g.tourism.v1 import flow_pb2

from tourism.adapters.flow_store import FlowStore
from tourism.areas import AreaConfig
from tourism.domain.crowding import Level, Thresholds, level
from tourism.domain.forecast import (
    Forecaster,
    Profile,
    SpotOutlook,
    best_hour_today,
    build_profile,
    calmer_spots,
    outlook,
    wait_minutes,
)
from tourism.wire import crowd_level, level_of

DAY_S = 24 * 3600
PROFILE_DAYS = 7
PROFILE_TTL_S = 600.0      # the hour-of-week profile changes slowly: rebuilt every 10 minutes


class SpotForecasts:
    """Forecasts per zone; hour-of-week profiles cached for :data:`PROFILE_TTL_S`."""

    def __init__(self, config: AreaConfig, store: FlowStore) -> None:
        self.config = config
        self.store = store
        self.forecaster = Forecaster()
        self._profiles: dict[str, tuple[float, Profile]] = {}

    def profile(self, zone_id: str, now_s: float) -> Profile:
        """The zone's hour-of-week profile from its last 7 days (cached)."""
        cached = self._profiles.get(zone_id)
        if cached is not None and now_s - cached[0] < PROFILE_TTL_S:
            return cached[1]
        rows = self.store.history(zone_id, now_s - PROFILE_DAYS * DAY_S, now_s)
        prof = build_profile((m.minute_s, m.mean_count) for m in rows)
        self._profiles[zone_id] = (now_s, prof)
        return prof

    def spot_forecasts(self, now_s: float, hours: int) -> flow_pb2.ListSpotForecastsResponse:
        """Every zone's outlook ``hours`` ahead at UNIX time ``now_s`` (blocking: reads Redis)."""
        live = {z.zone_id: z for z in self.store.zones.all()}
        ahead = [float(h) for h in range(1, hours + 1)]
        outlooks: list[SpotOutlook] = []
        reply = flow_pb2.ListSpotForecastsResponse()
        for z in self.config.zones.values():
            s = live.get(z.id)
            count = float(s.count) if s else 0.0
            prof = self.profile(z.id, now_s)
            lv = level_of(s.crowd_level) if s else None
            o = outlook(z.id, z.area, z.capacity, z.thresholds, lv, count, prof, now_s, ahead,
                        self.forecaster)
            outlooks.append(o)
            spot = reply.spots.add(
                zone_id=z.id, area_id=z.area, name_zh=z.name_zh, name_en=z.name_en,
                capacity=z.capacity, area_m2=z.area_m2, count=int(count),
                density_per_m2=s.density_per_m2 if s else 0.0,
                occupancy=s.occupancy if s else 0.0, crowd_level=crowd_level(lv),
                history_hours=round(prof.hours, 1))
            if s:
                spot.updated.CopyFrom(s.frame_time)
            for h, c, occ, lvl in zip(o.hours_ahead, o.counts_ahead, o.occupancy_ahead,
                                      o.levels_ahead, strict=True):
                p = spot.ahead.add(count=c, occupancy=occ, crowd_level=crowd_level(lvl))
                p.at.FromSeconds(int(now_s + h * 3600))
            area = self.config.areas[z.area]
            best = best_hour_today(prof, self.forecaster, now_s, count, area.opens_at_hour,
                                   area.open_hours)
            if best is not None:
                spot.best_time.FromSeconds(int(best[0]))
                spot.best_crowd_level = crowd_level(_level_of(best[1], z.capacity,
                                                              z.thresholds))
            wait = wait_minutes(count, z.queue_per_min)
            spot.wait_min = wait if wait is not None else -1.0
        _offer_calmer(reply, calmer_spots(outlooks), self.config)
        return reply


def _offer_calmer(reply: flow_pb2.ListSpotForecastsResponse, calmer: dict[str, list[str]],
                  config: AreaConfig) -> None:
    """Name each spot's area and say which spots a visitor is offered calmer ones for.

    A spot is offered alternatives exactly when :func:`calmer_spots` names it (busy or worse
    now), even with none to offer: the page then says so instead of staying silent.
    """
    for spot in reply.spots:
        area = config.areas[spot.area_id]
        spot.area_name_zh, spot.area_name_en = area.name_zh, area.name_en
        spot.suggest_calmer = spot.zone_id in calmer
        spot.calmer.extend(calmer.get(spot.zone_id, []))


def _level_of(count: float, capacity: int, thresholds: Thresholds) -> Level:
    return level(count / capacity if capacity else 99.0, thresholds)
