"""CSRNet density maps on real crowd photos: counts, and integrals over polygons.

Photos: shared/testdata/crowd_counting (ShanghaiTech Part A images with head-point counts,
via guohaoyu110/Crowd-Density-Estimation @ 397d176e; research-use dataset).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from zezhou5g.vision import samples
from zezhou5g.vision.density import DensityEstimator, DensityMap, input_size

# Real networks on real pixels or real-time camera waits: seconds per test, not in make test-fast.
pytestmark = pytest.mark.slow

# file → head-point count (counts.csv)
DENSE = {"sha_train_data_IMG_145.jpg": 350, "sha_train_data_IMG_136.jpg": 701}


@pytest.fixture(scope="module")
def estimator(vision_models: Path) -> DensityEstimator:
    return DensityEstimator(max_side=640, device="cpu")


@pytest.fixture(scope="module")
def dense_maps(estimator: DensityEstimator, testdata: Path) -> dict[str, DensityMap]:
    root = testdata / "crowd_counting" / "images"
    return {name: estimator.estimate(samples.imread(root / name)) for name in DENSE}


@pytest.mark.parametrize("name", sorted(DENSE))
def test_dense_crowd_count_within_25_percent(dense_maps: dict[str, DensityMap], name: str):
    got, truth = dense_maps[name].count(), DENSE[name]
    assert abs(got - truth) <= 0.25 * truth, (name, got, truth)


def test_map_covers_the_image(dense_maps: dict[str, DensityMap]):
    m = dense_maps["sha_train_data_IMG_145.jpg"]  # 1024x561 → 640x352 input → 80x44 cells
    assert m.density.shape == (44, 80) and (m.image_w, m.image_h) == (1024, 561)
    assert m.cell_w * m.density.shape[1] == pytest.approx(m.image_w)
    assert m.to_image().shape == (561, 1024)
    assert m.to_image().sum() == pytest.approx(m.count(), rel=1e-4)


def test_complementary_polygons_sum_to_the_whole(dense_maps: dict[str, DensityMap]):
    m = dense_maps["sha_train_data_IMG_136.jpg"]
    w, h = m.image_w, m.image_h
    whole = [(0, 0), (w, 0), (w, h), (0, h)]
    # a slanted cut with a kink, so cells are split at fractions
    cut = [(0.3 * w, 0), (0.55 * w, 0.4 * h), (0.47 * w, h)]
    left = [(0, 0), *cut[::1], (0, h)]
    right = [cut[0], (w, 0), (w, h), cut[2], cut[1]]
    a, b, total = m.integrate(left), m.integrate(right), m.integrate(whole)
    assert total == pytest.approx(m.count(), rel=1e-6)
    assert a + b == pytest.approx(total, rel=1e-6)
    assert 0.15 * total < a < 0.85 * total  # both halves hold part of the crowd
    cov = m.coverage(left) + m.coverage(right)
    np.testing.assert_allclose(cov, 1.0)


def test_polygon_outside_the_image_counts_nobody(dense_maps: dict[str, DensityMap]):
    m = dense_maps["sha_train_data_IMG_145.jpg"]
    assert m.integrate([(-50, -50), (-10, -50), (-10, -10)]) == 0.0
    with pytest.raises(ValueError):
        m.integrate([(0, 0), (10, 10)])


@pytest.mark.parametrize(("w", "h", "cap", "want"), [
    (1024, 768, 640, (640, 480)), (640, 480, 1024, (640, 480)),
    (766, 575, 640, (640, 480)), (832, 1024, 640, (520, 640)), (100, 60, 640, (96, 64)),
])
def test_input_size_caps_long_side_in_multiples_of_8(w, h, cap, want):
    assert input_size(w, h, cap) == want
