"""Homography from 4 ground points, polygon areas, feet-in-zone and line sides."""

import numpy as np
import pytest
from tourism.domain.geometry import (
    Homography,
    feet,
    is_simple,
    points_in_polygon,
    polygon_area,
    side_of_line,
)

# A 10 m × 20 m rectangle of paving seen in perspective: the far edge (top) looks shorter.
IMAGE = [[300, 100], [500, 100], [700, 500], [100, 500]]
PLAN = [[0, 20], [10, 20], [10, 0], [0, 0]]


def test_homography_maps_the_four_points_exactly():
    h = Homography(IMAGE, PLAN)
    assert h.to_plan(IMAGE) == pytest.approx(np.array(PLAN, float), abs=1e-9)


def test_homography_respects_perspective():
    h = Homography(IMAGE, PLAN)
    # Midway down the image is NOT midway along the ground: the near half takes more rows.
    (_, y_mid), = h.to_plan([[400, 300]])
    assert 0 < y_mid < 9
    # The image diagonals cross (at 400, 200) where the rectangle's diagonals do: its centre.
    (x, y), = h.to_plan([[400, 200]])
    assert (x, y) == pytest.approx((5, 10), abs=1e-6)


def test_area_through_homography_is_the_ground_area():
    h = Homography(IMAGE, PLAN)
    assert polygon_area(h.to_plan(IMAGE)) == pytest.approx(200.0)


@pytest.mark.parametrize("image,plan,msg", [
    (IMAGE[:3], PLAN[:3], "exactly 4"),
    ([[0, 0], [1, 1], [2, 2], [0, 5]], PLAN, "image points lie on one line"),
    (IMAGE, [[0, 0], [5, 0], [10, 0], [3, 3]], "plan points lie on one line"),
])
def test_degenerate_point_sets_are_refused(image, plan, msg):
    with pytest.raises(ValueError, match=msg):
        Homography(image, plan)


@pytest.mark.parametrize("poly,area", [
    ([[0, 0], [4, 0], [4, 3]], 6.0),
    ([[0, 0], [10, 0], [10, 10], [0, 10]], 100.0),
    ([[0, 0], [0, 10], [10, 10], [10, 0]], 100.0),   # orientation does not matter
])
def test_polygon_area(poly, area):
    assert polygon_area(poly) == pytest.approx(area)


def test_bow_tie_is_not_simple():
    assert is_simple([[0, 0], [10, 0], [10, 10], [0, 10]])
    assert not is_simple([[0, 0], [10, 10], [10, 0], [0, 10]])


SQUARE = [[0, 0], [10, 0], [10, 10], [0, 10]]


@pytest.mark.parametrize("point,inside", [
    ((5, 5), True), ((0.1, 9.9), True), ((-0.1, 5), False), ((10.1, 5), False),
    ((5, 10.5), False), ((5, -3), False),
])
def test_points_in_polygon(point, inside):
    assert points_in_polygon(np.array([point]), SQUARE)[0] == inside


def test_a_point_on_a_shared_border_counts_in_exactly_one_zone():
    left = [[0, 0], [5, 0], [5, 10], [0, 10]]
    right = [[5, 0], [10, 0], [10, 10], [5, 10]]
    pts = np.array([[5.0, 3.0], [5.0, 7.0]])
    assert (points_in_polygon(pts, left) ^ points_in_polygon(pts, right)).all()


def test_feet_are_bottom_centres():
    boxes = np.array([[10, 20, 30, 100], [0, 0, 4, 8]], np.float32)
    assert feet(boxes).tolist() == [[20, 100], [2, 8]]


def test_side_of_line_on_screen():
    # Line pointing right along y=0: "left" on screen is up (smaller y).
    assert side_of_line(np.array([[5, -1], [5, 1], [5, 0]]), (0, 0), (10, 0)).tolist() == [1, -1, 0]


def test_points_beyond_the_horizon_are_not_on_the_ground():
    h = Homography(IMAGE, PLAN)
    # The two sides of the trapezoid meet at (400, -100): the vanishing point on the horizon.
    assert h.on_ground([[400, 300], [400, -50], [400, -150], [0, -1000]]).tolist() == [
        True, True, False, False]
