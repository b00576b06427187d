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

from tourism.domain.geometry import PointLike, feet, side_of_line


@dataclass(slots=True)
class Track:
    """One person followed across frames; positions are feet (bottom-centre) pixels."""

    track_id: int
    box: np.ndarray
    position: np.ndarray
    previous: np.ndarray | None = None
    missed: int = 0
    hits: int = 1


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


@dataclass
class LineCounter:
    """Counts tracks whose feet cross the segment a→b between two frames.

    Moving onto the left side of a→b (as seen on screen, y down) is an entry, the other way an
    exit: draw the line so that the scenic area lies to its left.
    """

    a: PointLike
    b: PointLike
    entries: int = 0
    exits: int = 0

    def update(self, tracks: list[Track]) -> tuple[int, int]:
        """Count crossings made by ``tracks`` since their previous frame; returns (in, out).

        Feet exactly on the line count as on its outer side, so stepping onto the line and then
        over it is one crossing, not none.
        """
        a = np.asarray(self.a, dtype=np.float64)
        b = np.asarray(self.b, dtype=np.float64)
        n_in = n_out = 0
        for t in tracks:
            if t.previous is None:
                continue
            before, after = side_of_line(np.stack([t.previous, t.position]), self.a, self.b) > 0
            if before == after or not _within(t.previous, t.position, a, b):
                continue
            if after:
                n_in += 1
            else:
                n_out += 1
        self.entries += n_in
        self.exits += n_out
        return n_in, n_out


def _within(p: np.ndarray, q: np.ndarray, a: np.ndarray, b: np.ndarray) -> bool:
    """Whether the move p→q meets the line through a–b between a and b (ends included)."""
    d, e = q - p, b - a
    denom = d[0] * e[1] - d[1] * e[0]
    if denom == 0:
        return False
    u = ((a[0] - p[0]) * d[1] - (a[1] - p[1]) * d[0]) / denom
    return 0.0 <= u <= 1.0
