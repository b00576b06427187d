"""People counting on real pixels: OpenCV's vtest.avi (Debian opencv-doc) and test photos.

Hand counts live in zezhou5g.vision.samples (VTEST_HAND_COUNTS, PHOTO_HAND_COUNTS).
Photos: faces_ageitgey, from ageitgey/face_recognition @ 2e2dccea (MIT).
"""

from __future__ import annotations

import numpy as np
import pytest
from zezhou5g.vision import PersonDetections, PersonDetector, samples

# Real networks on real pixels or real-time camera waits: seconds per test, not in make test-fast.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=["centernet", "nanodet"])
def detector(request, vision_models) -> PersonDetector:
    return PersonDetector(request.param, device="cpu")


def test_people_found_in_vtest_frames_close_to_hand_count(detector, vtest_frames):
    frames = sorted(vtest_frames)
    results = detector.detect([vtest_frames[i] for i in frames])
    errors = []
    for i, res in zip(frames, results, strict=True):
        truth = samples.VTEST_HAND_COUNTS[i]
        lo, hi = truth["count"] - 2, truth["count"] + truth["partial"] + 2
        assert lo <= len(res) <= hi, f"frame {i}: {len(res)} people, hand count {truth}"
        errors.append(abs(len(res) - truth["count"]))
    assert np.mean(errors) <= 1.0, f"count MAE {np.mean(errors):.2f} over {len(frames)} frames"


def test_result_format(detector, vtest_frames):
    frame = vtest_frames[100]
    res = detector.detect([frame])[0]
    assert isinstance(res, PersonDetections)
    assert res.boxes.dtype == np.float32 and res.boxes.shape == (len(res), 4)
    assert res.scores.dtype == np.float32 and res.scores.shape == (len(res),)
    h, w = frame.shape[:2]
    assert (res.boxes[:, 0] < res.boxes[:, 2]).all() and (res.boxes[:, 1] < res.boxes[:, 3]).all()
    assert (res.boxes >= 0).all() and (res.boxes[:, [0, 2]] <= w).all()
    assert (res.boxes[:, [1, 3]] <= h).all()
    assert (np.diff(res.scores) <= 0).all(), "sorted by descending score"
    assert (res.scores >= detector.score_threshold).all()
    # Pedestrians in this camera view are taller than wide.
    aspect = (res.boxes[:, 3] - res.boxes[:, 1]) / (res.boxes[:, 2] - res.boxes[:, 0])
    assert np.median(aspect) > 1.5


def test_tiled_inference_on_a_wide_shot(vision_models, vtest_frames):
    tiled = PersonDetector("centernet", tiles=(2, 2), device="cpu")
    for i in (100, 700):
        n = len(tiled.detect([vtest_frames[i]])[0])
        truth = samples.VTEST_HAND_COUNTS[i]
        assert truth["count"] - 2 <= n <= truth["count"] + truth["partial"] + 2, (i, n)


def test_people_in_photos(detector, testdata):
    paths = ["faces_ageitgey/examples/two_people.jpg",
             "faces_ageitgey/examples/knn_examples/test/kit_with_rose.jpg",
             "faces_ageitgey/tests/test_images/biden.jpg"]
    counts = detector.count([samples.imread(testdata / p) for p in paths])
    assert counts == [samples.PHOTO_HAND_COUNTS[p] for p in paths]


def test_thresholds_are_configurable(vision_models, vtest_frames):
    strict = PersonDetector("centernet", score_threshold=0.95, device="cpu")
    loose = PersonDetector("centernet", score_threshold=0.05, device="cpu")
    frame = vtest_frames[100]
    assert len(strict.detect([frame])[0]) < len(loose.detect([frame])[0])
    assert len(strict.detect([frame])[0]) <= 1


def test_empty_scene_has_no_people(detector):
    grey = np.full((480, 640, 3), 128, np.uint8)
    assert len(detector.detect([grey])[0]) == 0
