"""Face detection, alignment, verification and quality checks on real photos.

Photos: faces_ageitgey, from ageitgey/face_recognition @
2e2dccea9dd0ce730c8d464d0f67c6eebb40c9d1 (MIT); identities from its labels.csv.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from zezhou5g.vision import (
    DEFAULT_MATCH_THRESHOLD,
    FaceDetections,
    FacePoints,
    align_face,
    assess_quality,
    cosine_similarity,
    samples,
    similarity_transform,
)

# Real networks on real pixels or real-time camera waits: seconds per test, not in make test-fast.
pytestmark = pytest.mark.slow

OBAMA = "tests/test_images/obama.jpg"
OBAMA2 = "tests/test_images/obama2.jpg"
OBAMA3 = "tests/test_images/obama3.jpg"
BIDEN = "tests/test_images/biden.jpg"


def _largest(faces: FaceDetections) -> int:
    return int(np.argmax(faces.boxes[:, 2] - faces.boxes[:, 0]))


def _embedding(embedder, faces_dir, rel: str) -> np.ndarray:
    img = samples.imread(faces_dir / rel)
    faces, emb = embedder.embed_images([img])[0]
    assert len(faces) >= 1, rel
    return emb.vectors[_largest(faces)]


def test_face_found_with_landmarks_inside_the_box(face_detector, faces_dir):
    img = samples.imread(faces_dir / OBAMA)
    faces = face_detector.detect([img])[0]
    assert len(faces) == 1
    assert faces.boxes.shape == (1, 4) and faces.landmarks.shape == (1, 6, 2)
    assert faces.scores[0] > 0.8
    x1, y1, x2, y2 = faces.boxes[0]
    eyes_nose_mouth = faces.landmarks[0, :4]
    assert ((eyes_nose_mouth[:, 0] > x1) & (eyes_nose_mouth[:, 0] < x2)).all()
    assert ((eyes_nose_mouth[:, 1] > y1) & (eyes_nose_mouth[:, 1] < y2)).all()
    # Anatomy: eyes above nose above mouth; keypoint 0 is the image-left eye.
    lm = faces.landmarks[0]
    assert lm[0, 0] < lm[1, 0]
    assert max(lm[0, 1], lm[1, 1]) < lm[2, 1] < lm[3, 1]
    # The ageitgey test asserts the face spans rows ~142..365 at x 0..365 in
    # the cropped variant; here, the face is in the upper half of the photo.
    assert y2 < img.shape[0] / 2


def test_two_faces_in_two_person_photos(face_detector, faces_dir):
    paths = ["examples/two_people.jpg", "examples/knn_examples/test/kit_with_rose.jpg"]
    results = face_detector.detect([samples.imread(faces_dir / p) for p in paths])
    assert [len(r) for r in results] == [2, 2]


def test_no_face_in_a_blank_image(face_detector):
    assert len(face_detector.detect([np.full((300, 300, 3), 200, np.uint8)])[0]) == 0


def test_similarity_transform_recovers_a_known_transform():
    rng = np.random.default_rng(1)
    src = rng.uniform(0, 100, size=(4, 2))
    angle, scale, t = np.radians(20), 1.7, np.array([5.0, -3.0])
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    dst = src @ (scale * rot).T + t
    m = similarity_transform(src, dst)
    np.testing.assert_allclose(m[:, :2], scale * rot, atol=1e-4)
    np.testing.assert_allclose(m[:, 2], t, atol=1e-3)


def test_aligned_crop_puts_the_eyes_level(face_detector, faces_dir):
    img = samples.imread(faces_dir / OBAMA2)  # head slightly tilted
    faces = face_detector.detect([img])[0]
    crop = align_face(img, faces.landmarks[0], 224)
    again = face_detector.detect([crop])[0]
    assert crop.shape == (224, 224, 3) and len(again) == 1
    left, right = again.landmarks[0, 0], again.landmarks[0, 1]
    assert abs(left[1] - right[1]) < 6, "eyes level after alignment"


def test_five_points_are_eyes_nose_and_mouth_corners(face_detector, faces_dir):
    img = samples.imread(faces_dir / OBAMA2)
    faces = face_detector.detect([img])[0]
    (p5,) = FacePoints(device="cpu").locate(img, faces.landmarks)
    assert p5 is not None and p5.shape == (5, 2)
    blaze = faces.landmarks[0]
    eyes = float(np.linalg.norm(blaze[1] - blaze[0]))
    # Eyes and nose where BlazeFace put them (within a quarter of the eye distance) ...
    assert np.linalg.norm(p5[:3] - blaze[:3], axis=1).max() < 0.25 * eyes
    # ... and the mouth corners either side of BlazeFace's mouth centre, below the nose.
    assert p5[3, 0] < blaze[3, 0] < p5[4, 0]
    assert min(p5[3, 1], p5[4, 1]) > p5[2, 1]
    assert np.linalg.norm(p5[3:].mean(0) - blaze[3]) < 0.25 * eyes


def test_no_five_points_where_there_is_no_face(face_detector, faces_dir):
    img = samples.imread(faces_dir / OBAMA)
    faces = face_detector.detect([img])[0]
    blank = np.full_like(img, 128)
    assert FacePoints(device="cpu").locate(blank, faces.landmarks) == [None]


def test_embeddings_are_unit_vectors(embedder, faces_dir):
    img = samples.imread(faces_dir / "examples/two_people.jpg")
    faces, emb = embedder.embed_images([img])[0]
    assert emb.vectors.shape == (len(faces), embedder.dim) == (len(faces), 128)
    assert emb.vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(emb.vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize("a,b", [(OBAMA, OBAMA2), (OBAMA, OBAMA3), (OBAMA2, OBAMA3)])
def test_same_person_scores_above_threshold(embedder, faces_dir, a, b):
    s = float(cosine_similarity(_embedding(embedder, faces_dir, a),
                                _embedding(embedder, faces_dir, b))[0, 0])
    assert s >= DEFAULT_MATCH_THRESHOLD, f"{a} vs {b}: {s:.3f}"


@pytest.mark.parametrize("a", [OBAMA, OBAMA2, OBAMA3])
def test_different_people_score_below_threshold(embedder, faces_dir, a):
    s = float(cosine_similarity(_embedding(embedder, faces_dir, a),
                                _embedding(embedder, faces_dir, BIDEN))[0, 0])
    assert s < DEFAULT_MATCH_THRESHOLD, f"{a} vs biden: {s:.3f}"


def test_good_photo_passes_quality(face_detector, faces_dir):
    img = samples.imread(faces_dir / OBAMA)
    q = assess_quality(img, face_detector.detect([img])[0])[0]
    assert q.ok, q.reasons
    assert abs(q.yaw_deg) < 15 and q.face_px > 200 and q.sharpness > 300


def test_tiny_face_is_rejected(face_detector, faces_dir):
    img = samples.imread(faces_dir / OBAMA)
    small = cv2.resize(img, None, fx=0.15, fy=0.15, interpolation=cv2.INTER_AREA)
    faces = face_detector.detect([small])[0]
    assert len(faces) == 1, "still detectable, just too small"
    q = assess_quality(small, faces)[0]
    assert not q.ok and any("too small" in r for r in q.reasons), q


def test_blurred_face_is_rejected(face_detector, faces_dir):
    img = samples.imread(faces_dir / OBAMA)
    blurred = cv2.GaussianBlur(img, (0, 0), sigmaX=7)
    faces = face_detector.detect([blurred])[0]
    assert len(faces) == 1
    q = assess_quality(blurred, faces)[0]
    assert not q.ok and any("blurred" in r for r in q.reasons), q
    assert not any("too small" in r for r in q.reasons)


def test_turned_head_has_large_yaw(face_detector, faces_dir):
    frontal = samples.imread(faces_dir / OBAMA)
    turned = samples.imread(faces_dir / "examples/knn_examples/train/kit_harington/john2.jpeg")
    qf = assess_quality(frontal, face_detector.detect([frontal])[0])[0]
    qt = assess_quality(turned, face_detector.detect([turned])[0])[0]
    assert abs(qt.yaw_deg) > abs(qf.yaw_deg) + 15
