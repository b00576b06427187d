"""People tracking across frames and entrance-line counting — pure numpy, no I/O.

A small nearest-neighbour tracker instead of ByteTrack: at the 1–5 frames/s we sample, people
move a body width or more between frames, so box IoU alone loses them; matching feet positions
within a gate scaled by box height keeps identities for walking people. (roboflow ``supervision``
would pull ``opencv-python`` next to the workspace's ``opencv-python-headless``, two packages
owning one ``cv2``.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tourism.domain.geometry import PointLike, feet


@dataclass(slots=True)
class Track:
    """One person followed across frames; positions are feet (bottom-centre) pixels."""

    track_id: int
    box: np.ndarray
    position: np.ndarray
    previous: np.ndarray | None = None
    missed: int = 0
    hits: int = 1

    @property
    def confirmed(self) -> bool:
        """Matched in at least two frames: a single detection is not yet a person."""
        return self.hits >= 2


@dataclass
class FeetTracker:
    """Greedy nearest-neighbour matching of feet positions between frames.

    Args:
        gate: a detection matches a track when their feet are closer than ``gate`` × the
            track's box height (pixels ÷ pixels) per frame since the track was last seen.
        max_missed: frames a track survives without a match.
    """

    gate: float = 1.0
    max_missed: int = 2
    tracks: list[Track] = field(default_factory=list)
    _next_id: int = 1

    def update(self, boxes: np.ndarray) -> list[Track]:
        """Feed ``(N, 4)`` xyxy pixel boxes of one frame; returns the tracks seen in it."""
        pos = feet(boxes)
        b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
        pairs: list[tuple[float, int, int]] = []
        for ti, t in enumerate(self.tracks):
            height = max(float(t.box[3] - t.box[1]), 1.0)
            # Measured in frames since last seen: someone missed once may have walked twice as far.
            dist = np.linalg.norm(pos - t.position, axis=1) / height / (t.missed + 1)
            pairs += [(float(d), ti, di) for di, d in enumerate(dist) if d < self.gate]
        pairs.sort()
        used_t: set[int] = set()
        used_d: set[int] = set()
        seen: list[Track] = []
        for _, ti, di in pairs:
            if ti in used_t or di in used_d:
                continue
            used_t.add(ti)
            used_d.add(di)
            t = self.tracks[ti]
            t.previous, t.position, t.box = t.position, pos[di], b[di]
            t.missed, t.hits = 0, t.hits + 1
            seen.append(t)
        for ti, t in enumerate(self.tracks):
            if ti not in used_t:
                t.missed += 1
        self.tracks = [t for t in self.tracks if t.missed <= self.max_missed]
        for di in range(len(b)):
            if di not in used_d:
                t = Track(self._next_id, b[di], pos[di])
                self._next_id += 1
                self.tracks.append(t)
                seen.append(t)
        return seen


@dataclass(slots=True)
class _LineState:
    """Where one track stands relative to a line: the side it last held and since when."""

    side: int = 0                        # +1 entry side, −1 exit side, 0 not yet held
    anchor: np.ndarray | None = None     # last feet position on ``side`` (pixels)
    beyond: int = 0                      # consecutive frames on the other side past the margin
    seen: int = 0                        # counter's update number when last seen


@dataclass
class LineCounter:
    """Counts confirmed tracks whose feet cross the segment a→b — with hysteresis.

    Moving onto the left side of a→b (as seen on screen, y down) is an entry, the other way an
    exit: draw the line so that the scenic area lies to its left.

    A track first has to *hold* a side: feet at least ``margin_px`` from the line. A crossing
    counts once the track holds the other side for ``hold_frames`` processed frames in a row and
    its move from the last position held on the old side passes between a and b. Feet wobbling
    within ``margin_px`` of the line (box flicker, someone standing on it, walking along it)
    therefore count nothing, and a crossing counts once however often the box jitters.

    Args:
        a, b: the segment's ends, image pixels.
        margin_px: distance from the line a side is held at, pixels (≈ half a stride at the
            gate: a box's bottom edge jitters by 5–10 px between frames on vtest.avi).
        hold_frames: frames a track must stay beyond the margin before its crossing counts.
        min_hits: frames a track must have been matched in before it counts (confirmed track).
    """

    a: PointLike
    b: PointLike
    margin_px: float = 20.0
    hold_frames: int = 1
    min_hits: int = 2
    entries: int = 0
    exits: int = 0
    _states: dict[int, _LineState] = field(default_factory=dict)
    _updates: int = 0

    def update(self, tracks: list[Track]) -> tuple[int, int]:
        """Feed the tracks seen in one frame; returns the (entries, exits) counted in it."""
        a = np.asarray(self.a, dtype=np.float64)
        b = np.asarray(self.b, dtype=np.float64)
        self._updates += 1
        n_in = n_out = 0
        for t in tracks:
            st = self._states.setdefault(t.track_id, _LineState())
            st.seen = self._updates
            d = signed_distance(t.position, a, b)
            side = 1 if d >= self.margin_px else -1 if d <= -self.margin_px else 0
            if side == 0:
                st.beyond = 0
                continue
            if st.side in (0, side):
                st.side, st.anchor, st.beyond = side, t.position.copy(), 0
                continue
            st.beyond += 1
            if st.beyond < self.hold_frames or t.hits < self.min_hits:
                continue
            assert st.anchor is not None
            if _within(st.anchor, t.position, a, b):
                if side > 0:
                    n_in += 1
                else:
                    n_out += 1
            st.side, st.anchor, st.beyond = side, t.position.copy(), 0
        # Tracks gone for a while will not come back under the same id (ids only grow).
        stale = [k for k, st in self._states.items() if self._updates - st.seen > 50]
        for k in stale:
            del self._states[k]
        self.entries += n_in
        self.exits += n_out
        return n_in, n_out


def signed_distance(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    """Distance (pixels) of point p from the line through a→b; positive on its left (y down)."""
    e = b - a
    norm = float(np.hypot(e[0], e[1]))
    if norm == 0:
        return 0.0
    return float(e[0] * (a[1] - p[1]) - e[1] * (a[0] - p[0])) / norm


@dataclass(frozen=True, slots=True)
class Occupancy:
    """People inside an area by its gates: start + entries − exits, never below zero.

    ``inconsistent`` flags a day whose exits exceed entries plus the starting occupancy: people
    cannot leave who never came in, so a gate missed entries (or counted exits twice) and the
    operator should not trust the gate figures until checked.
    """

    inside: int
    inconsistent: bool


def reconcile(start: int, entries: int, exits: int) -> Occupancy:
    """Occupancy from a starting count and the day's gate crossings (all persons)."""
    balance = start + entries - exits
    return Occupancy(max(0, balance), balance < 0)


def _within(p: np.ndarray, q: np.ndarray, a: np.ndarray, b: np.ndarray) -> bool:
    """Whether the move p→q meets the line through a–b between a and b (ends included)."""
    d, e = q - p, b - a
    denom = d[0] * e[1] - d[1] * e[0]
    if denom == 0:
        return False
    u = ((a[0] - p[0]) * d[1] - (a[1] - p[1]) * d[0]) / denom
    return 0.0 <= u <= 1.0
