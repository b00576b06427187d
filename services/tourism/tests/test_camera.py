"""Camera sources for real: an MJPEG HTTP stream that dies and comes back, a video file that
disappears and returns, latest-frame-wins when nobody keeps up."""

import time

import cv2
import pytest
from localinfra.proc import free_port
from tourism.adapters.camera import CameraStream
from tourism.adapters.mjpeg import MjpegServer
from zezhou5g.vision import samples

# Real networks on real pixels or real-time camera waits: seconds per test, not in make test-fast.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def frames():
    return list(samples.read_frames(samples.vtest_path(), [0, 5, 10, 15, 20]).values())


def until(check, timeout):
    """Seconds until ``check()`` holds; fails after ``timeout`` seconds."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > timeout:
            pytest.fail(f"condition not met within {timeout}s")
        time.sleep(0.1)
    return time.monotonic() - start


def test_http_camera_that_dies_turns_unhealthy_within_10s_and_recovers(frames):
    port = free_port()
    server = MjpegServer(frames, port, fps=10).start()
    cam = CameraStream("cam-t", server.url, stale_after_s=5.0).start()
    try:
        until(lambda: cam.health().healthy, 15)
        h = cam.health()
        assert (h.width, h.height) == (768, 576)
        time.sleep(2)
        assert 5 <= cam.health().fps_in <= 12
        server.stop()
        assert until(lambda: not cam.health().healthy, 10) <= 10
        assert cam.health().error
        server = MjpegServer(frames, port, fps=10).start()
        until(lambda: cam.health().healthy, 15)   # nobody restarted the reader
        assert cam.health().reconnects >= 1
        assert cam.health().error == ""
    finally:
        cam.stop()
        server.stop()


def test_file_camera_that_disappears_recovers_when_it_returns(tmp_path, frames):
    video = tmp_path / "cam.avi"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), 10, (768, 576))
    for f in frames * 4:                     # a 2-second clip: it loops (and reopens) often
        writer.write(f)
    writer.release()
    hidden = tmp_path / "hidden.avi"
    cam = CameraStream("cam-f", str(video), stale_after_s=2.0, backoff_s=(0.2, 1.0))
    cam.start()
    try:
        until(lambda: cam.health().healthy, 10)
        time.sleep(2.5)                      # at least one loop: replaying is not reconnecting
        assert cam.health().healthy and cam.health().reconnects == 0
        video.rename(hidden)
        until(lambda: not cam.health().healthy, 10)
        assert "file not found" in cam.health().error
        hidden.rename(video)
        until(lambda: cam.health().healthy, 10)
        assert cam.health().reconnects == 1
    finally:
        cam.stop()


def test_latest_frame_wins_no_backlog():
    cam = CameraStream("cam-l", "sample:vtest").start()   # paced at the file's 10 fps
    try:
        until(lambda: cam.health().healthy, 10)
        first = cam.take()
        assert first is not None
        time.sleep(1.5)                      # a slow consumer: ~15 frames arrive meanwhile
        newest = cam.take()
        assert newest is not None and newest.seq - first.seq >= 10
        assert cam.take() is None            # nothing queued behind the newest
        assert time.time() - newest.captured_at < 0.5
    finally:
        cam.stop()


def test_missing_file_is_unhealthy_with_a_reason(tmp_path):
    cam = CameraStream("cam-m", str(tmp_path / "none.avi"), backoff_s=(0.1, 0.2)).start()
    try:
        until(lambda: "file not found" in cam.health().error, 5)
        assert not cam.health().healthy and cam.take() is None
    finally:
        cam.stop()


def test_start_offset_skips_into_the_file():
    cap = cv2.VideoCapture(str(samples.vtest_path()))
    ok, frame0 = cap.read()
    cap.release()
    cam = CameraStream("cam-o", "sample:vtest", start_s=40).start()
    try:
        until(lambda: cam.health().healthy, 10)
        frame = cam.take()
        assert frame is not None and cv2.absdiff(frame.image, frame0).mean() > 5
    finally:
        cam.stop()


def test_decode_cap_keeps_reading_in_real_time_but_converts_fewer_frames():
    cam = CameraStream("cam-d", "sample:vtest", decode_fps=2).start()
    try:
        until(lambda: cam.health().healthy, 10)
        first = cam.take()
        time.sleep(3)
        last = cam.take()
        assert first is not None and last is not None
        assert 3 <= last.seq - first.seq <= 8          # ~2 images/s, not 10
        assert cam.health().fps_in >= 7                # while the file still plays at 10 fps
    finally:
        cam.stop()
