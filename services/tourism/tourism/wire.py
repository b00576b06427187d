"""Domain levels ↔ the codes of the wire (``CrowdLevel``, ``ComfortLevel`` in proto/).

The service sends codes only; pages word them (gateway/web/static/js/tourism/i18n.js).
"""

from __future__ import annotations

from zezhou5g.tourism.v1 import flow_pb2, tourism_pb2

from tourism.domain.crowding import AlertChange, Level

CROWD_LEVELS = {
    Level.COMFORTABLE: flow_pb2.CROWD_LEVEL_COMFORTABLE,
    Level.BUSY: flow_pb2.CROWD_LEVEL_BUSY,
    Level.CROWDED: flow_pb2.CROWD_LEVEL_CROWDED,
    Level.OVER_CAPACITY: flow_pb2.CROWD_LEVEL_OVER_CAPACITY,
}
# What an alert's last change was -> its state on the wire.
ALERT_STATES = {AlertChange.RAISED: flow_pb2.ZONE_ALERT_STATE_RAISED,
                AlertChange.CLEARED: flow_pb2.ZONE_ALERT_STATE_CLEARED}
_LEVEL_OF_CODE: dict[int, Level] = {code: lv for lv, code in CROWD_LEVELS.items()}
# domain.comfort's level names.
COMFORT_LEVELS = {
    "comfortable": tourism_pb2.COMFORT_LEVEL_COMFORTABLE,
    "fair": tourism_pb2.COMFORT_LEVEL_FAIR,
    "uncomfortable": tourism_pb2.COMFORT_LEVEL_UNCOMFORTABLE,
}


def crowd_level(lv: Level | None) -> flow_pb2.CrowdLevel:
    """The wire code of a crowding level; ``CROWD_LEVEL_UNSPECIFIED`` for None (not known)."""
    return CROWD_LEVELS[lv] if lv is not None else flow_pb2.CROWD_LEVEL_UNSPECIFIED


def level_of(code: int) -> Level | None:
    """The domain level of a wire code; None when unset (no status yet)."""
    return _LEVEL_OF_CODE.get(code)


def comfort_level(name: str) -> tourism_pb2.ComfortLevel:
    """The wire code of a comfort level name ("comfortable", "fair", "uncomfortable")."""
    return COMFORT_LEVELS[name]
