"""Image ↔ ground geometry — pure numpy, no I/O.

Conventions: image points are pixels (x right, y down); plan points are metres on the area plan
(x east, y north). Boxes are ``(N, 4)`` xyxy pixels as the detector returns them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

PointLike = Sequence[float]


class Homography:
    """Projective map from image pixels to plan metres, fitted to 4 point pairs.

    Four ground points seen by the camera (e.g. corners of paving, a kerb, a gate) and their
    positions measured on the plan fix the ground plane exactly; a person's feet are on it.

    Raises:
        ValueError: not exactly 4 pairs, or three of them on one line (no unique homography).
    """

    def __init__(self, image_points: Sequence[PointLike], plan_points: Sequence[PointLike]) -> None:
        src = np.asarray(image_points, dtype=np.float64)
        dst = np.asarray(plan_points, dtype=np.float64)
        if src.shape != (4, 2) or dst.shape != (4, 2):
            raise ValueError("a homography needs exactly 4 image points and 4 plan points")
        for pts, what in ((src, "image"), (dst, "plan")):
            for i in range(4):
                a, b, c = (pts[j] for j in range(4) if j != i)
                if abs(_cross(b - a, c - a)) < 1e-6 * max(1.0, np.abs(pts).max() ** 2):
                    raise ValueError(f"three of the 4 {what} points lie on one line")
        rows = []
        for (x, y), (u, v) in zip(src, dst, strict=True):
            rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y, -u])
            rows.append([0, 0, 0, x, y, 1, -v * x, -v * y, -v])
        _, _, vt = np.linalg.svd(np.asarray(rows))
        self.matrix = (vt[-1] / vt[-1, -1]).reshape(3, 3)
        self._front = float(np.sign(self._w(src).mean()))

    def _w(self, pts: np.ndarray) -> np.ndarray:
        return np.hstack([pts, np.ones((len(pts), 1))]) @ self.matrix[2]

    def on_ground(self, points: np.ndarray | Sequence[PointLike]) -> np.ndarray:
        """Boolean ``(N,)``: which image pixels lie below the horizon (on the ground side).

        Beyond the horizon the projection wraps round to the far side of the plane; such points
        have no place on the ground plan.
        """
        pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        return np.asarray(self._w(pts) * self._front > 1e-12)

    def to_plan(self, points: np.ndarray | Sequence[PointLike]) -> np.ndarray:
        """Map ``(N, 2)`` image pixels to ``(N, 2)`` plan metres."""
        pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        hom = np.hstack([pts, np.ones((len(pts), 1))]) @ self.matrix.T
        return hom[:, :2] / hom[:, 2:3]


def _cross(a: np.ndarray, b: np.ndarray) -> float:
    return float(a[0] * b[1] - a[1] * b[0])


def polygon_area(points: np.ndarray | Sequence[PointLike]) -> float:
    """Area of a simple polygon (shoelace), in the square of its units (e.g. m²)."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    x, y = pts[:, 0], pts[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2.0)


def is_simple(points: np.ndarray | Sequence[PointLike]) -> bool:
    """True when no two non-adjacent edges of the polygon cross (no bow-tie outlines)."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    n = len(pts)
    edges = [(pts[i], pts[(i + 1) % n]) for i in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            if j == i + 1 or (i == 0 and j == n - 1):
                continue
            if segments_cross(*edges[i], *edges[j]):
                return False
    return True


def segments_cross(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> bool:
    """True when segment a–b properly crosses segment c–d."""
    d1, d2 = _cross(b - a, c - a), _cross(b - a, d - a)
    d3, d4 = _cross(d - c, a - c), _cross(d - c, b - c)
    return d1 * d2 < 0 and d3 * d4 < 0


def points_in_polygon(points: np.ndarray, polygon: np.ndarray | Sequence[PointLike]) -> np.ndarray:
    """Boolean ``(N,)``: which of the ``(N, 2)`` points lie inside ``polygon`` (even–odd rule).

    A point exactly on the left/bottom edge counts as inside, on the right/top edge as outside,
    so a point on the border between two adjacent zones is counted in exactly one of them.
    """
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    poly = np.asarray(polygon, dtype=np.float64).reshape(-1, 2)
    x, y = pts[:, 0:1], pts[:, 1:2]
    x1, y1 = poly[:, 0], poly[:, 1]
    x2, y2 = np.roll(x1, -1), np.roll(y1, -1)
    straddles = (y1 <= y) != (y2 <= y)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_at = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
    crossings = straddles & (x < x_at)
    return np.asarray(crossings.sum(axis=1) % 2 == 1)


def feet(boxes: np.ndarray) -> np.ndarray:
    """Bottom-centre ``(N, 2)`` pixels of ``(N, 4)`` xyxy boxes: where a person stands."""
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    return np.stack([(b[:, 0] + b[:, 2]) / 2.0, b[:, 3]], axis=1)


def side_of_line(points: np.ndarray, a: PointLike, b: PointLike) -> np.ndarray:
    """Sign ``(N,)`` of each point relative to the directed line a→b in image pixels.

    With y pointing down, positive means the point is to the *left* of a→b as seen on screen.
    """
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    ax, ay = a
    bx, by = b
    return np.sign((bx - ax) * (ay - pts[:, 1]) - (by - ay) * (ax - pts[:, 0]))
