"""Is the face in a frame sequence a 3-D head or a flat picture? Geometry only, no model.

A printed photo or a screen moved in front of the camera is a plane: between any two frames
every point on it moves by one homography.  A real head turning is not a plane -- the nose tip
sits ~0.3 face widths in front of the cheeks, so after the best homography between a frontal
and a turned frame the nose (and the far cheek, the chin) are left over: parallax.

:func:`planar_residual` fits that homography over the FaceMesh landmarks and reports what it
leaves, relative to the face size.  A screen *replaying a video* of a real head turn keeps the
recorded parallax, so the second cue, :func:`carrier_quad`, looks for the carrier's outline
around the face -- the edge of a print, a tablet's bezel -- and :func:`carrier_motion` for it
swaying with the hand that holds it (a gate camera is fixed; its background does not move).
"""

from __future__ import annotations

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
                 max_area: float = 40.0) -> np.ndarray | None:
    """The smallest convex quadrilateral outline enclosing the face: a print's edge or a bezel.

    Edges (Canny) are traced into contours, simplified to polygons (2% of the perimeter);
    a convex 4-gon whose area is ``min_area``..``max_area`` times the face box and which
    contains the whole face box is a candidate.

    Args:
        gray: uint8 grey frame.
        box: (4,) xyxy face box, pixels.
        min_area: smallest outline area, in face box areas.
        max_area: largest outline area, in face box areas.

    Returns:
        (4, 2) float corners in pixels (sorted by angle about their centre), or None.
    """
    face_area = max(float((box[2] - box[0]) * (box[3] - box[1])), 1.0)
    edges = cv2.Canny(cv2.GaussianBlur(gray, (5, 5), 0), 40, 120)
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    corners = np.array([[box[0], box[1]], [box[2], box[1]], [box[2], box[3]], [box[0], box[3]]],
                       np.float32)
    best, best_area = None, np.inf
    for c in contours:
        area = cv2.contourArea(c)
        if not min_area * face_area <= area <= max_area * face_area or area >= best_area:
            continue
        poly = cv2.approxPolyDP(c, 0.02 * cv2.arcLength(c, True), True)
        if len(poly) != 4 or not cv2.isContourConvex(poly):
            continue
        if all(cv2.pointPolygonTest(poly, (float(x), float(y)), False) >= 0 for x, y in corners):
            best, best_area = poly.reshape(4, 2).astype(np.float32), area
    if best is None:
        return None
    centre = best.mean(0)
    order = np.argsort(np.arctan2(best[:, 1] - centre[1], best[:, 0] - centre[0]))
    return best[order]


def carrier_motion(quads: list[np.ndarray | None]) -> tuple[float, float]:
    """How often a carrier outline was seen, and how far it moved.

    Args:
        quads: per-frame result of :func:`carrier_quad` (None where none).

    Returns:
        (fraction of frames with an outline, largest corner displacement from the first
        outline seen, in units of that outline's diagonal; 0 when fewer than 2 outlines).
        A print or a tablet held by hand is seen in most frames and sways; a door frame
        behind a passenger is still (the gate camera is fixed).
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
