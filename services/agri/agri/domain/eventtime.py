"""The device's measurement time (event time): bounds, and silence found in event-time gaps.

Rule (also in services/agri/README.md): a reading carries ``meta.event_time`` (UTC), the time the
device measured; without one it is stamped on arrival. It is refused with a reason when it lies
more than ``max_skew_s`` in the future of the receiver's clock, or more than ``backlog_s`` in
the past. Accepted readings are ordered, bucketed and checked for silence by event time: a gap
between consecutive readings of one sensor longer than its profile's ``interval × k`` is one
``SENSOR_SILENT`` episode for the gap, from ``previous + interval × k`` to the next reading. A
device is *live* while its newest event time is within ``interval × k`` of the wall clock; only
live devices are also watched on the wall clock (no reading for ``interval × k`` → silent).
"""

from __future__ import annotations

MAX_SKEW_S = 300.0            # 5 min: a device clock ahead of ours by more is wrong
BACKLOG_S = 30 * 24 * 3600.0  # 30 days: older readings are not ingested live (use a backfill)


def event_time_violation(event_s: float, now_s: float, max_skew_s: float = MAX_SKEW_S,
                         backlog_s: float = BACKLOG_S) -> str | None:
    """Why a reading measured at ``event_s`` (epoch s) is refused at ``now_s``, or None."""
    if event_s - now_s > max_skew_s:
        return (f"event_time is {event_s - now_s:.0f} s in the future "
                f"(at most {max_skew_s:.0f} s of clock skew allowed)")
    if now_s - event_s > backlog_s:
        return (f"event_time is {(now_s - event_s) / 86400:.1f} days old "
                f"(backlog window {backlog_s / 86400:.0f} days)")
    return None


def silence_gap(previous_s: float | None, event_s: float,
                silent_after_s: float) -> tuple[float, float] | None:
    """(silent from, silent until) when the gap before ``event_s`` is a silence, else None."""
    if previous_s is None or event_s - previous_s <= silent_after_s:
        return None
    return previous_s + silent_after_s, event_s


def is_live(event_s: float, now_s: float, silent_after_s: float) -> bool:
    """A device is watched on the wall clock only while its newest reading is recent."""
    return now_s - event_s < silent_after_s
