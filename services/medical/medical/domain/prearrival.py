"""Pre-arrival estimates for an ambulance on its way to a hospital: road distance and ETA."""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088
# County roads wind: road distance is about 1.3 x the straight line (a common planning factor).
ROAD_FACTOR = 1.3
# Below this the ambulance is taken to be stopped in traffic or at a scene, not its road speed.
MIN_MOVING_KMH = 10.0
# Average ambulance speed on county roads used when it is stopped (km/h).
DEFAULT_SPEED_KMH = 40.0
ARRIVED_KM = 0.2


@dataclass(frozen=True)
class Place:
    """A receiving hospital."""

    place_id: str
    name_zh: str
    name_en: str
    lat: float
    lon: float


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two WGS-84 points (degrees)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def estimate(lat: float, lon: float, speed_kmh: float, dest: Place) -> tuple[float, int, bool]:
    """``(road km, ETA s, arrived)`` from a position and current speed to ``dest``."""
    road_km = haversine_km(lat, lon, dest.lat, dest.lon) * ROAD_FACTOR
    if road_km <= ARRIVED_KM:
        return road_km, 0, True
    speed = speed_kmh if speed_kmh >= MIN_MOVING_KMH else DEFAULT_SPEED_KMH
    return road_km, round(road_km / speed * 3600), False
