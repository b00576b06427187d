"""Zone counting: the fusion rule (table) and detector + density on real pixels.

Real material: vtest.avi (OpenCV sample video, Debian opencv-doc; the project's hand counts in
zezhou5g.vision.samples) for a sparse street, and a ShanghaiTech Part A photo from
shared/testdata/crowd_counting (guohaoyu110/Crowd-Density-Estimation @ 397d176e; research use)
for a dense crowd.
"""

from __future__ import annotations

import time

import cv2
import numpy as np
import pytest
from tourism.adapters.camera import CROWD_FRAME, CROWD_IMAGES, CROWD_SECONDS, resolve_source
from tourism.adapters.density import DensityCounts
from tourism.domain.counting import CountMethod, FusionRule, fuse_count
from tourism.domain.geometry import feet, points_in_polygon
from zezhou5g.platform import paths
from zezhou5g.vision import PersonDetector, samples

# Real networks on real pixels or real-time camera waits: seconds per test, not in make test-fast.
pytestmark = pytest.mark.slow

RULE = FusionRule(background_per_cell=0.004)


@pytest.mark.parametrize(("det", "dens", "cells", "count", "method"), [
    (6, None, 4800, 6, CountMethod.DETECTOR),      # no map yet: the detector
    (6, 18.0, 4800, 6, CountMethod.DETECTOR),      # 18 ≤ 6 + 19.2 floor: background only
    (6, 25.2, 4800, 6, CountMethod.DETECTOR),      # exactly at the floor: still the detector
    (6, 25.3, 4800, 25.3, CountMethod.DENSITY),    # above: the detector has saturated
    (7, 33.0, 4800, 33.0, CountMethod.DENSITY),    # mall frame: detector finds 7 of ~30
    (0, 900.0, 4000, 900.0, CountMethod.DENSITY),  # dense crowd, detector finds nobody
    (3, 2.0, 4800, 3, CountMethod.DETECTOR),       # density below the detector
    (0, 0.0, 0, 0, CountMethod.DETECTOR),          # empty zone of no area
    (2, 3.0, 0, 3.0, CountMethod.DENSITY),         # zero area: no floor
])
def test_fusion_rule(det, dens, cells, count, method):
    got = fuse_count(det, dens, cells, RULE)
    assert (got.count, got.method) == (pytest.approx(count), method)
    assert got.floor == pytest.approx(0.004 * cells)


@pytest.mark.parametrize("args", [(-1, 1.0, 1.0), (1, -1.0, 1.0), (1, 1.0, -1.0)])
def test_fusion_rejects_negative(args):
    with pytest.raises(ValueError):
        fuse_count(*args)
    with pytest.raises(ValueError):
        FusionRule(background_per_cell=-0.1)


@pytest.fixture(scope="module")
def counts() -> DensityCounts:
    return DensityCounts(interval_s=10.0)


@pytest.fixture(scope="module")
def detector() -> PersonDetector:
    return PersonDetector("centernet", device="cpu")


def _zone_count(counts: DensityCounts, detector: PersonDetector, cam: str, image: np.ndarray,
                polygon: np.ndarray):
    boxes = detector.detect([image])[0].boxes
    n_det = int(points_in_polygon(feet(boxes), polygon).sum())
    counts.update(cam, image, now=0.0)
    return counts.zone_count(cam, "z", polygon, n_det)


def test_sparse_street_not_overcounted(counts: DensityCounts, detector: PersonDetector):
    frame = samples.read_frames(samples.vtest_path(), [300])[300]  # hand count: 6 people
    h, w = frame.shape[:2]
    whole = np.array([(0, 0), (w, 0), (w, h), (0, h)], float)
    got = _zone_count(counts, detector, "street", frame, whole)
    assert got.density > 2 * 6  # the density model alone over-counts this street ...
    assert got.method is CountMethod.DETECTOR  # ... so the fusion keeps the detector
    assert abs(got.count - 6) <= 1


def test_dense_crowd_counted_by_density(counts: DensityCounts, detector: PersonDetector):
    image = samples.imread(paths.testdata_dir() / "crowd_counting" / "images"
                           / "sha_train_data_IMG_151.jpg")  # 992 head points
    h, w = image.shape[:2]
    whole = np.array([(0, 0), (w, 0), (w, h), (0, h)], float)
    got = _zone_count(counts, detector, "crowd", image, whole)
    assert got.detector < 50 and got.method is CountMethod.DENSITY
    assert abs(got.count - 992) <= 0.25 * 992
    # two complementary zones split the same people
    left = np.array([(0, 0), (w / 2, 0), (w / 2, h), (0, h)], float)
    right = np.array([(w / 2, 0), (w, 0), (w, h), (w / 2, h)], float)
    a = counts.zone_count("crowd", "left", left, 0).density
    b = counts.zone_count("crowd", "right", right, 0).density
    assert a + b == pytest.approx(got.density, rel=1e-6)
    assert not counts.due("crowd", 5.0) and counts.due("crowd", 10.0)


def test_background_worker_computes_offered_frames(counts: DensityCounts):
    frame = samples.read_frames(samples.vtest_path(), [0])[0]
    worker = DensityCounts(interval_s=10.0, make_estimator=lambda side: counts.base)
    worker.start()
    try:
        assert worker.offer("cam", frame, now=100.0)
        assert not worker.offer("cam", frame, now=100.5)  # queued or computed: not due again
        deadline = time.monotonic() + 30
        while worker.latest("cam") is None and time.monotonic() < deadline:
            time.sleep(0.05)
        m = worker.latest("cam")
        assert m is not None and m.at == 100.0 and m.base.density.shape == (60, 80)
        assert worker.due("cam", 110.0) and not worker.due("cam", 109.0)
    finally:
        worker.stop()
    assert worker.errors == 0


def test_crowd_sample_camera_is_a_slideshow_of_dense_photos():
    path = resolve_source("sample:crowd")
    cap = cv2.VideoCapture(path)
    try:
        n = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
        ok, frame = cap.read()
    finally:
        cap.release()
    assert ok and frame.shape == (CROWD_FRAME[1], CROWD_FRAME[0], 3)
    assert n == len(CROWD_IMAGES) * CROWD_SECONDS
    assert frame.mean() > 20  # a photo, not a blank frame
