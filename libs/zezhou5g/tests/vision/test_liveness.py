"""Liveness challenge on real pixels.

Photos/video: faces_ageitgey (ageitgey/face_recognition @ 2e2dccea, MIT);
antispoof_samples (minivision-ai/Silent-Face-Anti-Spoofing @ b6d5f04a, Apache-2.0).
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from zezhou5g.vision import FaceMesh, LivenessChallenge, SpoofScorer, mean_ear, samples


@pytest.fixture(scope="module")
def parts(face_detector):
    return {"detector": face_detector, "mesh": FaceMesh(device="cpu"),
            "scorer": SpoofScorer(device="cpu")}


def test_repeated_still_photo_fails_the_blink_challenge(parts, faces_dir):
    photo = samples.imread(faces_dir / "tests/test_images/obama.jpg")
    challenge = LivenessChallenge("blink", max_static_frames=10, **parts)
    statuses = [challenge.update(photo, timestamp=i / 10) for i in range(15)]
    assert all(s.state != "passed" for s in statuses)
    assert statuses[-1].state == "failed"
    assert "identical frames" in statuses[-1].reasons[0]
    # It did see the face and measured it before deciding.
    assert any(s.ear is not None for s in statuses)


def test_still_photo_with_camera_noise_times_out(parts, faces_dir):
    """A printed photo held in front of a camera: frames differ (noise), nothing blinks."""
    photo = samples.imread(faces_dir / "tests/test_images/obama2.jpg")
    rng = np.random.default_rng(0)
    challenge = LivenessChallenge("blink", timeout_s=2.0, **parts)
    status = None
    for i in range(25):
        noisy = np.clip(photo + rng.normal(0, 3, photo.shape), 0, 255).astype(np.uint8)
        status = challenge.update(noisy, timestamp=i * 0.1)
        assert status.state != "passed"
    assert status is not None and status.state == "failed"
    assert "timeout" in status.reasons[0] and status.step == "blink"


def test_head_turn_in_real_video_passes(parts, faces_dir):
    """short_hamilton_clip.mp4: the speaker turns his head away and back (frames 95-160)."""
    cap = cv2.VideoCapture(str(faces_dir / "examples/short_hamilton_clip.mp4"))
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    challenge = LivenessChallenge("turn", min_face_px=60, **parts)
    status, i = None, 0
    try:
        while True:
            ok, frame = cap.read()
            if not ok or i > 170:
                break
            if i >= 95:
                status = challenge.update(frame, timestamp=i / fps)
                if status.state != "pending":
                    break
            i += 1
    finally:
        cap.release()
    assert status is not None and status.state == "passed", status
    assert status.progress == 1.0


def test_blink_measure_is_stable_on_a_photo(parts, faces_dir):
    photo = samples.imread(faces_dir / "tests/test_images/obama.jpg")
    faces = parts["detector"].detect([photo])[0]
    ear = mean_ear(parts["mesh"].landmarks(photo, faces)[0].points)
    assert 0.15 < ear < 0.4, "open eyes"


def test_single_image_scores_are_probabilities(parts, testdata):
    for name in ("image_T1.jpg", "image_F1.jpg", "image_F2.jpg"):
        img = samples.imread(testdata / "antispoof_samples" / name)
        faces = parts["detector"].detect([img])[0]
        assert len(faces) >= 1
        s = parts["scorer"].score(img, faces)[0]
        assert 0.0 <= s.antispoof <= 1.0 and 0.0 <= s.liveness <= 1.0


def test_unknown_challenge_is_refused(parts):
    with pytest.raises(ValueError):
        LivenessChallenge("smile", **parts)  # type: ignore[arg-type]
