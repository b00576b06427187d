"""Alarm episodes that mean something: field aggregates, duration conditions, minimum durations.

A rule (:mod:`agri.domain.rules`) says, for one value, *raise at severity S*, *clear* (past the
hysteresis) or *keep* (in the band). This module turns that instant verdict into episodes:

- the value is a **field aggregate** (min/mean/max over the latest reading of each of the field's
  sensors reporting that metric, a sensor counting only while its reading is at most ``window_s``
  old in event time), so two sensors with offset values give one series, not a flip-flop;
- **raise after**: the condition must hold for ``raise_after_s`` of event time ("below 0.12 for
  15 min"); a keep/clear verdict in between restarts the wait;
- **clear after**: the clear verdict must hold for ``clear_after_s``, and an alarm stays active at
  least ``min_active_s`` from its start, so no alarm is shorter than its rule's minimum;
- **repeat**: an unacknowledged critical alarm is notified again every ``repeat_every_s``.

Times are epoch seconds of *event* time (the device's measurement time). Pure functions only;
the state lives in Redis through the telemetry processor.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

AGGREGATES = ("min", "mean", "max")


@dataclass(frozen=True)
class Timing:
    """Duration conditions of one alarm type, s of event time (0 = immediately)."""

    raise_after_s: float = 0.0
    clear_after_s: float = 0.0
    min_active_s: float = 0.0
    repeat_every_s: float = 0.0


@dataclass(frozen=True)
class Aggregate:
    """How the field's value of ``metric`` is formed from its sensors' latest readings."""

    metric: str
    fn: str = "mean"
    window_s: float = 3600.0

    def __post_init__(self) -> None:
        if self.fn not in AGGREGATES:
            raise ValueError(f"aggregate {self.fn!r} is not one of {AGGREGATES}")


def aggregate(latest: Mapping[str, tuple[float, float]], agg: Aggregate,
              now_s: float) -> float | None:
    """The field value from ``latest`` (sensor → (event time s, value)); None if none is fresh.

    A sensor counts while its reading is at most ``agg.window_s`` older than ``now_s``.
    """
    fresh = [v for t, v in latest.values() if now_s - t <= agg.window_s and math.isfinite(v)]
    if not fresh:
        return None
    if agg.fn == "min":
        return min(fresh)
    if agg.fn == "max":
        return max(fresh)
    return sum(fresh) / len(fresh)


@dataclass(frozen=True)
class Gate:
    """Where one (originator, alarm type) stands between verdicts and the alarm.

    Attributes:
        pending_since: event time (s) since which the raise condition holds, alarm not yet up.
        clear_since: event time (s) since which the clear verdict holds, alarm still up.
        active_since: event time (s) the current alarm started (None: no active alarm).
    """

    pending_since: float | None = None
    clear_since: float | None = None
    active_since: float | None = None

    def to_text(self) -> str:
        """Compact form for storage: three numbers or '-' separated by ','."""
        return ",".join("-" if v is None else repr(v)
                        for v in (self.pending_since, self.clear_since, self.active_since))

    @classmethod
    def from_text(cls, text: str | None) -> Gate:
        """Inverse of :meth:`to_text`; an empty/None text is the initial state."""
        if not text:
            return cls()
        a, b, c = (None if x == "-" else float(x) for x in text.split(","))
        return cls(a, b, c)


def gate(state: Gate, raise_now: bool, clear_now: bool, now_s: float,
         timing: Timing) -> tuple[Gate, str]:
    """Apply one verdict at event time ``now_s``; returns the new state and the action.

    ``raise_now``: the condition holds (at some severity); ``clear_now``: past the hysteresis;
    neither: in the band. Actions: ``"raise"`` (create, or update the severity of the active
    alarm), ``"clear"``, or ``"keep"``. A reading older than the state's times changes nothing.
    """
    if raise_now:
        if state.active_since is not None:
            return replace(state, clear_since=None), "raise"
        since = state.pending_since if state.pending_since is not None else now_s
        if now_s - since >= timing.raise_after_s:
            return Gate(active_since=now_s), "raise"
        return Gate(pending_since=since), "keep"
    if state.active_since is None:
        return Gate(), "keep"                      # band or clear: any pending raise restarts
    if not clear_now:
        return replace(state, clear_since=None), "keep"
    since = state.clear_since if state.clear_since is not None else now_s
    if now_s - since >= timing.clear_after_s and now_s - state.active_since >= timing.min_active_s:
        return Gate(), "clear"
    return replace(state, clear_since=since), "keep"


def repeat_due(last_s: float, now_s: float, timing: Timing) -> bool:
    """Whether an alarm last notified at ``last_s`` (its start, or its last repeat) is due again.

    A backfilled alarm whose start is long past is repeated once at once, then every period.
    """
    return timing.repeat_every_s > 0 and now_s - last_s >= timing.repeat_every_s


def episodes(series: Iterable[tuple[float, bool, bool]],
             timing: Timing) -> list[tuple[float, float]]:
    """(start, end) event times of the alarm episodes a verdict series gives (for tests/benches).

    ``series`` yields (event time s, raise_now, clear_now) in time order; an episode still open
    at the end is closed at the last time.
    """
    state, out, last = Gate(), [], 0.0
    start: float | None = None
    for t, up, down in series:
        last = t
        state, action = gate(state, up, down, t, timing)
        if action == "raise" and start is None:
            start = t
        elif action == "clear" and start is not None:
            out.append((start, t))
            start = None
    if start is not None:
        out.append((start, last))
    return out
