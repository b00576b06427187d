"""Liveness challenge on real pixels: real head turns pass, flat pictures and wrong moves fail.

Photos/video: faces_ageitgey (ageitgey/face_recognition @ 2e2dccea, MIT);
antispoof_samples (minivision-ai/Silent-Face-Anti-Spoofing @ b6d5f04a, Apache-2.0);
backgrounds: crowd_counting mall frames (guohaoyu110/Crowd-Density-Estimation @ 397d176e).
Sequences are made by zezhou5g.vision.attack_samples (see its docstring).
"""

from __future__ import annotations

import numpy as np
import pytest
from zezhou5g.vision import FaceMesh, LivenessChallenge, mean_ear, samples
from zezhou5g.vision import attack_samples as A

# Real networks on real pixels or real-time camera waits: seconds per test, not in make test-fast.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def parts(face_detector):
    return {"detector": face_detector, "mesh": FaceMesh(device="cpu")}


@pytest.fixture(scope="module")
def clip(testdata):
    return A.read_clip(testdata)


def _run(challenge, seq, times=None):
    status = None
    for frame, t in zip(seq.frames, times or seq.times, strict=True):
        status = challenge.update(frame, timestamp=t)
        if status.state != "pending":
            break
    assert status is not None
    return status


def test_real_head_turn_passes(parts, clip):
    """short_hamilton_clip.mp4 frames 94-151: the speaker turns to his right and back."""
    seq = A.live_sequence(clip, ("turn_right",), np.random.default_rng(0), step=3)
    challenge = LivenessChallenge(("turn_right",), min_face_px=60, **parts)
    status = _run(challenge, seq)
    assert status.state == "passed", status
    assert status.progress == 1.0
    assert status.parallax >= challenge.min_parallax, "a real head is not flat"


def test_two_actions_pass_in_the_order_asked_and_fail_the_other_way(parts, clip):
    """The mirrored clip is a real turn to the left; then a zoom brings the face closer."""
    seq = A.live_sequence(clip, ("turn_left", "move_closer"), np.random.default_rng(1), step=3)
    ok = _run(LivenessChallenge(("turn_left", "move_closer"), min_face_px=60, **parts), seq)
    assert ok.state == "passed", ok
    wrong = _run(LivenessChallenge(("turn_right", "move_closer"), min_face_px=60, **parts), seq)
    assert wrong.state == "failed" and "wrong way" in wrong.reasons[0], wrong


def test_action_done_too_slowly_fails(parts, clip):
    """The same real turn, but taking 4x as long as the per-action limit allows."""
    seq = A.live_sequence(clip, ("turn_right",), np.random.default_rng(2), step=3)
    challenge = LivenessChallenge(("turn_right",), min_face_px=60, action_time_s=1.5, **parts)
    status = _run(challenge, seq, [4 * t for t in seq.times])
    assert status.state == "failed" and "not done within" in status.reasons[0], status


def test_photo_moved_along_a_planar_path_fails(parts, faces_dir, testdata):
    """A printed photo turned, tilted and brought closer as a rigid plane (pinhole camera)."""
    photo = samples.imread(faces_dir / "examples/lin-manuel-miranda.png")
    box = parts["detector"].detect([photo])[0].boxes[0]
    bg = samples.imread(testdata / "crowd_counting/images/mall_seq_000001.jpg")
    seq = A.photo_attack(photo, box, bg, ("turn_right", "move_closer"),
                         np.random.default_rng(3), fps=10.0)
    challenge = LivenessChallenge(("turn_right", "move_closer"), min_face_px=60, **parts)
    status = _run(challenge, seq)
    assert status.state != "passed", status
    # The geometry alone rejects it too: its landmarks moved by one homography.
    parallax, _, _ = challenge.evidence()
    assert challenge.min_parallax is not None and parallax < challenge.min_parallax
    assert parallax > 0.0, "the face was tracked while the photo moved"


def test_handheld_screen_replaying_the_matching_clip_fails(parts, clip, testdata):
    """The live clip doing exactly the drawn turns, on a tablet swaying ~1 cm in the hand:
    the recorded head has real parallax, but the bezel frames it."""
    bg = samples.imread(testdata / "crowd_counting/images/mall_seq_000091.jpg")
    seq = A.screen_attack(clip, bg, ("turn_right", "turn_left"), np.random.default_rng([1, 1, 11]))
    challenge = LivenessChallenge(("turn_right", "turn_left"), min_face_px=60, **parts)
    status = _run(challenge, seq)
    assert status.state == "failed" and "frame around the face" in status.reasons[0], status
    parallax, _, _ = challenge.evidence()
    assert parallax >= challenge.min_parallax, "the replayed head alone would pass as 3-D"


def test_screen_on_a_stand_replaying_the_matching_clip_fails(parts, clip, testdata):
    """The same replay held still (1 mm sway) in front of a busy mall: people touch the bezel,
    so its traced contour is no 4-gon; the straight-line tracer still closes the outline."""
    mall = sorted((testdata / "crowd_counting/images").glob("mall_*.jpg"))
    seq = A.screen_attack(clip, samples.imread(mall[0]), ("turn_left", "turn_right"),
                          np.random.default_rng([0, 0, 11]), hand_mm=1.0)
    challenge = LivenessChallenge(("turn_left", "turn_right"), min_face_px=60, **parts)
    status = _run(challenge, seq)
    assert status.state == "failed" and "frame around the face" in status.reasons[0], status
    _, seen, _ = challenge.evidence()
    assert seen >= challenge.carrier_seen, seen


@pytest.mark.parametrize("name", ["Jackie_Chan/Jackie_Chan_0003.jpg",
                                  "Michael_Chang/Michael_Chang_0004.jpg",
                                  "Michelle_Yeoh/Michelle_Yeoh_0003.jpg"])
def test_no_carrier_outline_around_a_live_face(face_detector, testdata, name):
    """Live photos whose edges run close to the image border: the border is not an outline."""
    import cv2
    from zezhou5g.vision.face_geometry import carrier_quad

    img = samples.imread(testdata / "faces_calibration" / name)
    faces = face_detector.detect([img])[0]
    box = faces.boxes[int(np.argmax(faces.boxes[:, 2] - faces.boxes[:, 0]))]
    assert carrier_quad(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), box) is None


def test_repeated_still_photo_fails_the_blink_challenge(parts, faces_dir):
    photo = samples.imread(faces_dir / "tests/test_images/obama.jpg")
    challenge = LivenessChallenge("blink", max_static_frames=10, **parts)
    statuses = [challenge.update(photo, timestamp=i / 10) for i in range(15)]
    assert all(s.state != "passed" for s in statuses)
    assert statuses[-1].state == "failed"
    assert "identical frames" in statuses[-1].reasons[0]
    assert any(s.ear is not None for s in statuses)


def test_still_photo_with_camera_noise_times_out(parts, faces_dir):
    """A printed photo held in front of a camera: frames differ (noise), nothing blinks."""
    photo = samples.imread(faces_dir / "tests/test_images/obama2.jpg")
    rng = np.random.default_rng(0)
    challenge = LivenessChallenge(("blink",), timeout_s=2.0, **parts)
    status = None
    for i in range(25):
        noisy = np.clip(photo + rng.normal(0, 3, photo.shape), 0, 255).astype(np.uint8)
        status = challenge.update(noisy, timestamp=i * 0.1)
        assert status.state != "passed"
    assert status is not None and status.state == "failed"
    assert "timeout" in status.reasons[0] and status.step == "blink"


def test_blink_measure_is_stable_on_a_photo(parts, faces_dir):
    photo = samples.imread(faces_dir / "tests/test_images/obama.jpg")
    faces = parts["detector"].detect([photo])[0]
    ear = mean_ear(parts["mesh"].landmarks(photo, faces)[0].points)
    assert 0.15 < ear < 0.4, "open eyes"


def test_unknown_action_is_refused(parts):
    with pytest.raises(ValueError):
        LivenessChallenge(("turn_left", "smile"), **parts)
