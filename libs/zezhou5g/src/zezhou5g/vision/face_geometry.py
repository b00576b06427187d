"""Is the face in a frame sequence a 3-D head or a flat picture? Geometry only, no model.

A printed photo or a screen moved in front of the camera is a plane: between any two frames
every point on it moves by one homography.  A real head turning is not a plane -- the nose tip
sits ~0.3 face widths in front of the cheeks, so after the best homography between a frontal
and a turned frame the nose (and the far cheek, the chin) are left over: parallax.

:func:`planar_residual` fits that homography over the FaceMesh landmarks and reports what it
leaves, relative to the face size.  A screen *replaying a video* of a real head turn keeps the
recorded parallax, so the second cue, :func:`carrier_quad`, looks for the carrier's outline
around the face -- the edge of a print, a tablet's bezel -- and :func:`carrier_motion` says in
how many frames it was found (a live face is not framed by a closed outline).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import cv2
import numpy as np

from .face_mesh import CHEEK_IMAGE_LEFT, CHEEK_IMAGE_RIGHT

# Landmarks used for the fit: the face oval, eye corners, nose, mouth corners and chin.
# Dense inner-lip / eyelid points are left out: they move with speech and blinks, which
# are not parallax.
FIT_POINTS: tuple[int, ...] = (
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
    152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
    33, 133, 362, 263, 1, 4, 5, 195, 197, 6, 168, 98, 327, 61, 291, 199, 175, 50, 280,
    117, 346, 205, 425, 9, 151)


def face_scale(points: np.ndarray) -> float:
    """Face width in pixels: distance between the two cheek contour points of a (468, 2+) mesh."""
    return float(np.linalg.norm(points[CHEEK_IMAGE_LEFT, :2] - points[CHEEK_IMAGE_RIGHT, :2]))


def planar_residual(ref: np.ndarray, cur: np.ndarray) -> float:
    """RMS landmark residual after the best homography ref -> cur, in face widths.

    Args:
        ref: (468, 2+) FaceMesh points in image pixels of one frame (the baseline).
        cur: the same face's points in a later frame.

    Returns:
        0 for a perfect plane; 0.02-0.045 at most over a printed photo turned, tilted and
        brought closer (landmark jitter), 0.08-0.14 at the peak of a real head turn of
        20-30 degrees (short_hamilton_clip.mp4; bench/transport_liveness.py).
    """
    idx = list(FIT_POINTS)
    a = ref[idx, :2].astype(np.float64)
    b = cur[idx, :2].astype(np.float64)
    scale = max(face_scale(ref), face_scale(cur), 1.0)
    h, _ = cv2.findHomography(a, b, 0)  # least squares: a plane fits *all* points
    if h is None:
        return 0.0
    proj = cv2.perspectiveTransform(a[None], h)[0]
    return float(np.sqrt(np.mean(np.sum((proj - b) ** 2, axis=1))) / scale)


def carrier_quad(gray: np.ndarray, box: np.ndarray, min_area: float = 2.0,
                 max_area: float = 40.0, min_cover: float = 0.6) -> np.ndarray | None:
    """The smallest convex quadrilateral outline enclosing the face: a print's edge or a bezel.

    Two tracers, the second tried only when the first finds nothing:

    * contours -- Canny edges traced into contours, simplified to polygons (2 % of the
      perimeter), a convex 4-gon;
    * lines -- straight edge segments (probabilistic Hough) on each side of the face (left,
      right, above, below; up to 4 nearest each), intersected into quadrilaterals whose four
      sides each lie on edge pixels for at least ``min_cover`` of their length.  This finds a
      bezel whose outer edge touches background edges (a person, a stand), which merge the
      traced contour into one that is no 4-gon: a tablet on a stand in front of a busy
      background was found in 0-9 of 14 frames by contours, 7-12 of 14 by lines.

    Each tracer returns its smallest fitting outline.

    Either candidate must contain the whole face box, have ``min_area``..``max_area`` times
    its area, and no side along the image border (two corners within 6 % of the frame's
    short side of one edge): that "outline" is the frame itself closing the trace (3.4 % of 323
    live photos of faces_calibration/faces_ageitgey found one, all of that kind; none is left
    with this rule, for either tracer at ``min_cover`` 0.5-0.7), and a carrier cut off by the
    border is not seen whole anyway.

    Args:
        gray: uint8 grey frame.
        box: (4,) xyxy face box, pixels.
        min_area: smallest outline area, in face box areas.
        max_area: largest outline area, in face box areas.
        min_cover: lines tracer: least share of each side's length on edge pixels.

    Returns:
        (4, 2) float corners in pixels (sorted by angle about their centre), or None.
    """
    x0, y0, x1, y1 = (float(v) for v in box[:4])
    face_area = max((x1 - x0) * (y1 - y0), 1.0)
    corners = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)
    edges = cv2.Canny(cv2.GaussianBlur(gray, (5, 5), 0), 40, 120)

    def fits(quad: np.ndarray, area: float) -> bool:
        return (min_area * face_area <= area <= max_area * face_area
                and cv2.isContourConvex(quad.reshape(-1, 1, 2))
                and not _side_on_border(quad, gray.shape)
                and all(cv2.pointPolygonTest(quad.reshape(-1, 1, 2), (float(x), float(y)),
                                             False) >= 0 for x, y in corners))

    # The line tracer only when the cheaper contour tracer finds nothing: the challenge
    # decides on whether an outline is there, not on which one.
    best = _contour_quad(edges, fits)
    if best is None:
        best = _line_quad(edges, box, fits, min_cover)
    if best is None:
        return None
    centre = best.mean(0)
    order = np.argsort(np.arctan2(best[:, 1] - centre[1], best[:, 0] - centre[0]))
    return best[order]


_Fits = Callable[[np.ndarray, float], bool]


def _contour_quad(edges: np.ndarray, fits: _Fits) -> np.ndarray | None:
    """Smallest fitting 4-gon among the traced edge contours."""
    contours, _ = cv2.findContours(cv2.dilate(edges, np.ones((3, 3), np.uint8)),
                                   cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    best, best_area = None, np.inf
    for c in contours:
        area = cv2.contourArea(c)
        if area >= best_area:
            continue
        poly = cv2.approxPolyDP(c, 0.02 * cv2.arcLength(c, True), True)
        if len(poly) != 4:
            continue
        quad = poly.reshape(4, 2).astype(np.float32)
        if fits(quad, area):
            best, best_area = quad, area
    return best


def _line_quad(edges: np.ndarray, box: np.ndarray, fits: _Fits, min_cover: float,
               per_side: int = 4) -> np.ndarray | None:
    """Smallest fitting quadrilateral of straight edge lines around the face box."""
    x0, y0, x1, y1 = (float(v) for v in box[:4])
    fw, fh = x1 - x0, y1 - y0
    size = max(min(fw, fh), 1.0)
    segs = cv2.HoughLinesP(edges, 1, np.pi / 180, threshold=max(int(0.4 * size), 10),
                           minLineLength=0.6 * size, maxLineGap=max(0.05 * size, 3.0))
    if segs is None:
        return None
    segs = segs.reshape(-1, 4).astype(np.float64)
    start = segs[:, :2]
    direc = segs[:, 2:] - start
    direc /= np.maximum(np.linalg.norm(direc, axis=1, keepdims=True), 1e-9)
    normal = np.stack([-direc[:, 1], direc[:, 0]], axis=1)
    centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    offset = ((start - centre) * normal).sum(1)  # the line's signed distance from the centre
    foot = normal * offset[:, None]  # centre + foot = nearest point of the line
    angle = np.degrees(np.arctan2(foot[:, 1], foot[:, 0]))
    dist = np.abs(offset)
    sides = []
    for towards, clear in ((-90.0, fh / 2), (0.0, fw / 2), (90.0, fh / 2), (180.0, fw / 2)):
        off_axis = np.abs((angle - towards + 180) % 360 - 180)
        idx = np.where((off_axis < 30) & (dist > 1.05 * clear))[0]
        kept: list[int] = []
        for i in idx[np.argsort(dist[idx])]:
            if all(abs(dist[i] - dist[j]) > 0.05 * size or abs(angle[i] - angle[j]) > 5
                   for j in kept):
                kept.append(int(i))
            if len(kept) == per_side:
                break
        if not kept:
            return None
        sides.append(kept)  # above, right, below, left: consecutive sides meet at corners
    near = cv2.dilate(edges, np.ones((5, 5), np.uint8)) > 0
    h, w = edges.shape[:2]

    def meet(i: int, j: int) -> np.ndarray | None:
        m = np.array([direc[i], -direc[j]]).T
        if abs(np.linalg.det(m)) < 1e-6:
            return None
        t = np.linalg.solve(m, start[j] - start[i])
        return start[i] + t[0] * direc[i]

    def covered(quad: np.ndarray) -> bool:
        for k in range(4):
            a, b = quad[k], quad[(k + 1) % 4]
            t = np.linspace(0.02, 0.98, max(int(np.linalg.norm(b - a) / 2), 8))[:, None]
            pt = np.rint(a + t * (b - a)).astype(int)
            inside = (pt[:, 0] >= 0) & (pt[:, 0] < w) & (pt[:, 1] >= 0) & (pt[:, 1] < h)
            if not inside.all() or near[pt[:, 1], pt[:, 0]].mean() < min_cover:
                return False
        return True

    best, best_area = None, np.inf
    for lines in itertools.product(*sides):
        pts = [meet(lines[k], lines[(k + 1) % 4]) for k in range(4)]
        if any(p is None for p in pts):
            continue
        quad = np.array(pts, np.float32)
        area = float(cv2.contourArea(quad))
        if area < best_area and fits(quad, area) and covered(quad):
            best, best_area = quad, area
    return best


def _side_on_border(quad: np.ndarray, shape: tuple[int, ...]) -> bool:
    """Whether two consecutive corners of ``quad`` lie near the same image edge."""
    h, w = shape[:2]
    m = max(3.0, 0.06 * min(h, w))
    near = np.stack([quad[:, 0] < m, quad[:, 1] < m, quad[:, 0] > w - 1 - m,
                     quad[:, 1] > h - 1 - m], axis=1)  # (4 corners, 4 edges)
    return bool((near & np.roll(near, -1, axis=0)).any())


def carrier_motion(quads: list[np.ndarray | None]) -> tuple[float, float]:
    """How often a carrier outline was seen, and how far it moved.

    Args:
        quads: per-frame result of :func:`carrier_quad` (None where none).

    Returns:
        (fraction of frames with an outline, largest corner displacement from the first
        outline seen, in units of that outline's diagonal; 0 when fewer than 2 outlines).
        The displacement includes the tracer's own jitter (the line tracer may pick a
        different edge of a bezel from frame to frame), so the challenge reports it and
        decides on the seen fraction alone.
    """
    seen = [q for q in quads if q is not None]
    if not quads:
        return 0.0, 0.0
    frac = len(seen) / len(quads)
    if len(seen) < 2:
        return frac, 0.0
    ref = seen[0]
    diag = float(np.linalg.norm(ref.max(0) - ref.min(0))) or 1.0
    moved = max(float(np.linalg.norm(q - ref, axis=1).max()) for q in seen[1:])
    return frac, moved / diag
