"""Farm machinery dispatch: the nearest free capable machine, ETA, and the work-order life cycle.

Distances are great-circle (haversine, WGS84 mean radius) times a road factor, since machines
drive on farm roads, not straight lines; ETA = road distance / travel speed.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass

from agri.domain.alarms import Alarm, Change, Severity
from agri.domain.rules import FROST

EARTH_RADIUS_KM = 6371.0088
ROAD_FACTOR = 1.3            # road distance / straight-line distance in hilly farmland
FROST_TASK = "frost_protection"


class OrderState(enum.IntEnum):
    """Work order states; values match ``zezhou5g.agri.v1.OrderState``."""

    CREATED = 1
    ASSIGNED = 2
    EN_ROUTE = 3
    WORKING = 4
    DONE = 5
    CANCELLED = 6


OPEN = frozenset({OrderState.CREATED, OrderState.ASSIGNED, OrderState.EN_ROUTE,
                  OrderState.WORKING})

# Allowed transitions. A machine going silent sends its order back to CREATED (released); a
# machine assigned while already at the field starts working at once (see :func:`progress`).
TRANSITIONS: dict[OrderState, frozenset[OrderState]] = {
    OrderState.CREATED: frozenset({OrderState.ASSIGNED, OrderState.CANCELLED}),
    OrderState.ASSIGNED: frozenset({OrderState.EN_ROUTE, OrderState.WORKING, OrderState.CREATED,
                                    OrderState.CANCELLED}),
    OrderState.EN_ROUTE: frozenset({OrderState.WORKING, OrderState.CREATED,
                                    OrderState.CANCELLED}),
    OrderState.WORKING: frozenset({OrderState.DONE, OrderState.CREATED, OrderState.CANCELLED}),
    OrderState.DONE: frozenset(),
    OrderState.CANCELLED: frozenset(),
}


class InvalidTransition(ValueError):
    """An order was asked to move to a state it cannot reach from its current one."""


def transition(current: OrderState, wanted: OrderState) -> OrderState:
    """``wanted`` when allowed from ``current``; raises :class:`InvalidTransition` otherwise."""
    if wanted not in TRANSITIONS[current]:
        raise InvalidTransition(f"order cannot go from {current.name} to {wanted.name}")
    return wanted


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two WGS84 points (degrees), km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class MachineView:
    """What dispatch needs to know of a machine.

    Attributes:
        id: machine id.
        capabilities: tasks it can do, e.g. ``{"frost_protection", "irrigation"}``.
        lat, lon: last known WGS84 position, degrees.
        speed_kmh: travel speed on roads, km/h.
        free: not working an order and not silent.
    """

    id: str
    capabilities: frozenset[str]
    lat: float
    lon: float
    speed_kmh: float
    free: bool


@dataclass(frozen=True)
class Assignment:
    """The chosen machine with its road distance (km) and ETA (minutes)."""

    machine_id: str
    distance_km: float
    eta_min: float


def nearest_free(machines: Iterable[MachineView], task: str, lat: float, lon: float,
                 road_factor: float = ROAD_FACTOR) -> Assignment | None:
    """The free machine able to do ``task`` that reaches (lat, lon) first; None if there is none.

    Ties (same ETA) go to the lower machine id, so the choice is reproducible.
    """
    best: Assignment | None = None
    for m in machines:
        if not m.free or task not in m.capabilities or m.speed_kmh <= 0:
            continue
        km = haversine_km(m.lat, m.lon, lat, lon) * road_factor
        candidate = Assignment(m.id, round(km, 3), round(km / m.speed_kmh * 60.0, 1))
        if best is None or (candidate.eta_min, candidate.machine_id) < (best.eta_min,
                                                                        best.machine_id):
            best = candidate
    return best


def progress(state: OrderState, distance_to_field_km: float, speed_kmh: float,
             arrive_km: float = 0.15) -> OrderState:
    """Order state implied by the assigned machine's latest fix.

    ASSIGNED → EN_ROUTE once the machine moves (> 1 km/h); → WORKING once within ``arrive_km``
    of the field centre. Other states are changed by people (DONE, CANCELLED) only.
    """
    if state in (OrderState.ASSIGNED, OrderState.EN_ROUTE) and distance_to_field_km <= arrive_km:
        return OrderState.WORKING
    if state == OrderState.ASSIGNED and speed_kmh > 1.0:
        return OrderState.EN_ROUTE
    return state


def wants_frost_protection(alarm: Alarm, change: Change) -> bool:
    """Rule: frost protection for a frost alarm raised or changed in severity at major or worse.

    Given once per field: not while a frost order is open there (dispatch checks that).
    """
    return (alarm.type == FROST and alarm.active and alarm.severity >= Severity.MAJOR
            and change in (Change.CREATED, Change.SEVERITY_UPDATED))
