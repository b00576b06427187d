"""Camera sources through OpenCV: files (looped, paced in real time), RTSP and HTTP streams.

Each :class:`CameraStream` owns a reader thread that keeps only the newest frame
(latest-frame-wins): a slow detector skips frames, it never builds a backlog. A source that
fails to open or stops delivering is reopened with exponential backoff, forever; health says
whether a frame arrived within ``stale_after_s``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from zezhou5g.platform.logging import log_fields

log = logging.getLogger(__name__)

NETWORK_SCHEMES = ("rtsp://", "rtsps://", "http://", "https://", "rtmp://", "udp://", "tcp://")


# ShanghaiTech Part A dense crowds (350-2,650 people) in shared/testdata/crowd_counting
# (from guohaoyu110/Crowd-Density-Estimation @ 397d176e; research-use dataset), played as a
# slideshow camera by ``sample:crowd`` so the demo shows the density path at work.
CROWD_IMAGES = ("sha_train_data_IMG_145.jpg", "sha_train_data_IMG_296.jpg",
                "sha_train_data_IMG_136.jpg", "sha_train_data_IMG_151.jpg",
                "sha_train_data_IMG_242.jpg")
CROWD_FRAME = (1024, 768)  # slideshow frame size (w, h); each photo letterboxed into it
CROWD_SECONDS = 20  # each photo stays on screen this long (video at 1 frame/s)


def crowd_slideshow() -> Path:
    """A video (MJPG .avi, 1 fps) of the CROWD_IMAGES, written once into the cache."""
    from zezhou5g.platform import paths

    out = paths.cache_dir() / "samples" / f"crowd-slideshow-{CROWD_SECONDS}s.avi"
    if out.is_file():
        return out
    src = paths.testdata_dir() / "crowd_counting" / "images"
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.stem + ".tmp.avi")
    w, h = CROWD_FRAME
    writer = cv2.VideoWriter(str(tmp), cv2.VideoWriter.fourcc(*"MJPG"), 1.0, (w, h))
    try:
        for name in CROWD_IMAGES:
            img = cv2.imread(str(src / name))
            if img is None:
                raise FileNotFoundError(src / name)
            s = min(w / img.shape[1], h / img.shape[0])
            small = cv2.resize(img, (round(img.shape[1] * s), round(img.shape[0] * s)),
                               interpolation=cv2.INTER_AREA)
            frame = np.zeros((h, w, 3), np.uint8)
            y, x = (h - small.shape[0]) // 2, (w - small.shape[1]) // 2
            frame[y:y + small.shape[0], x:x + small.shape[1]] = small
            for _ in range(CROWD_SECONDS):
                writer.write(frame)
    finally:
        writer.release()
    tmp.replace(out)
    return out


def resolve_source(source: str) -> str:
    """Resolve ``sample:`` sources; anything else is returned unchanged.

    ``sample:vtest`` → OpenCV's vtest.avi (Debian opencv-doc); ``sample:crowd`` → a slideshow
    of dense crowd photos (see crowd_slideshow).
    """
    if source == "sample:crowd":
        try:
            return str(crowd_slideshow())
        except (FileNotFoundError, OSError) as exc:
            log.error("crowd sample missing", extra=log_fields(error=str(exc)))
            return "/nonexistent/crowd-slideshow.avi"
    if source == "sample:vtest":
        from zezhou5g.vision.samples import vtest_path

        try:
            return str(vtest_path())
        except FileNotFoundError as exc:
            log.error("sample video missing", extra=log_fields(error=str(exc)))
            return "/nonexistent/vtest.avi"
    return source


@dataclass(frozen=True, slots=True)
class Frame:
    """One captured frame.

    Attributes:
        image: HxWx3 uint8 BGR.
        seq: 1, 2, … per stream (gaps = frames nobody took).
        captured_at: UNIX seconds (UTC) when the reader got it.
    """

    image: np.ndarray
    seq: int
    captured_at: float


@dataclass(frozen=True, slots=True)
class Health:
    """A camera's health now.

    Attributes:
        healthy: a frame arrived within ``stale_after_s``.
        fps_in: frames read per second over the last few seconds.
        fps_processed: frames taken for inference per second over the same window.
        last_frame_at: UNIX seconds of the newest frame, 0 if none yet.
        reconnects: successful reopenings after a failure.
        error: the last failure in words ("" while healthy).
        width, height: frame size in pixels (0 before the first frame).
    """

    healthy: bool
    fps_in: float
    fps_processed: float
    last_frame_at: float
    reconnects: int
    error: str
    width: int
    height: int


class _Rate:
    """Events per second over a sliding window (seconds)."""

    def __init__(self, window_s: float = 5.0) -> None:
        self.window_s = window_s
        self._times: deque[float] = deque()
        self._lock = threading.Lock()
        self._since: float | None = None

    def tick(self, now: float) -> None:
        with self._lock:
            if self._since is None:
                self._since = now
            self._times.append(now)
            self._trim(now)

    def rate(self, now: float) -> float:
        with self._lock:
            self._trim(now)
            if self._since is None:
                return 0.0
            # Until a full window has passed, divide by the time actually observed.
            span = min(self.window_s, max(now - self._since, 1.0))
            return len(self._times) / span

    def _trim(self, now: float) -> None:
        while self._times and self._times[0] < now - self.window_s:
            self._times.popleft()


class CameraStream:
    """Reads one source in a thread; :meth:`take` returns the newest frame not yet taken.

    Args:
        camera_id: for logs.
        source: file path, ``sample:vtest``, or rtsp/http(s) URL.
        loop: files restart at the end, else they play once (a stream that ends is reopened
            either way).
        start_s: files start this many seconds in (so demo cameras on one video differ).
        stale_after_s: no frame for this long → unhealthy.
        backoff_s: first and longest wait between reopen attempts, seconds.
        timeout_s: open/read timeout for network sources, seconds.
        decode_fps: convert at most this many frames/s to images (None: all); the pipeline
            asks for twice its sample rate, so a taken frame is at most half a period old.
    """

    def __init__(self, camera_id: str, source: str, *, loop: bool = True, start_s: float = 0.0,
                 stale_after_s: float = 5.0, backoff_s: tuple[float, float] = (0.5, 5.0),
                 timeout_s: float = 5.0, decode_fps: float | None = None) -> None:
        self.camera_id = camera_id
        self.source = resolve_source(source)
        self.network = self.source.lower().startswith(NETWORK_SCHEMES)
        self.loop = loop
        self.start_s = start_s
        self.stale_after_s = stale_after_s
        self.backoff_s = backoff_s
        self.timeout_s = timeout_s
        self.decode_fps = decode_fps
        self._lock = threading.Lock()
        self._latest: Frame | None = None
        self._taken_seq = 0
        self._seq = 0
        self._in = _Rate()
        self._processed = _Rate()
        self._reconnects = 0
        self._error = "not started"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> CameraStream:
        """Start the reader thread (idempotent)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=f"camera-{self.camera_id}",
                                            daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop reading and wait for the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def take(self) -> Frame | None:
        """The newest frame if it was not taken before (counted as processed), else None."""
        with self._lock:
            frame = self._latest
            if frame is None or frame.seq <= self._taken_seq:
                return None
            self._taken_seq = frame.seq
        self._processed.tick(time.time())
        return frame

    def health(self, now: float | None = None) -> Health:
        """Health as of ``now`` (UNIX seconds, default: now)."""
        now = time.time() if now is None else now
        with self._lock:
            frame, error, reconnects = self._latest, self._error, self._reconnects
        last = frame.captured_at if frame else 0.0
        healthy = frame is not None and now - last <= self.stale_after_s
        h, w = frame.image.shape[:2] if frame is not None else (0, 0)
        return Health(healthy, round(self._in.rate(now), 2), round(self._processed.rate(now), 2),
                      last, reconnects, "" if healthy else (error or "no recent frame"), w, h)

    # ------------------------------------------------------------ reader thread

    def _open(self) -> cv2.VideoCapture | None:
        if self.network:
            ms = int(self.timeout_s * 1000)
            cap = cv2.VideoCapture(self.source, cv2.CAP_FFMPEG,
                                   [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, ms,
                                    cv2.CAP_PROP_READ_TIMEOUT_MSEC, ms])
        elif not Path(self.source).is_file():
            self._fail(f"file not found: {self.source}")
            return None
        else:
            cap = cv2.VideoCapture(self.source)
        if not cap.isOpened():
            cap.release()
            self._fail(f"cannot open {self._redacted()}")
            return None
        return cap

    def _run(self) -> None:
        wait = self.backoff_s[0]
        first_open = True
        failed = False  # the source failed since it was last open: the next open is a reconnect
        while not self._stop.is_set():
            cap = self._open()
            if cap is None:
                failed = True
                self._stop.wait(wait)
                wait = min(wait * 2, self.backoff_s[1])
                continue
            if failed and not first_open:
                with self._lock:
                    self._reconnects += 1
            failed = False
            if first_open and not self.network and self.start_s:
                cap.set(cv2.CAP_PROP_POS_MSEC, self.start_s * 1000.0)
            first_open = False
            read = self._read_all(cap)
            cap.release()
            if self._stop.is_set():
                return
            if read and not self.network:
                if self.loop:
                    continue  # end of a looped file: play it again at once
                self._fail("end of file")
                return
            if read:
                wait = self.backoff_s[0]
            failed = True
            self._fail("stream ended" if read else f"no frames from {self._redacted()}")
            self._stop.wait(wait)
            wait = min(wait * 2, self.backoff_s[1])

    def _read_all(self, cap: cv2.VideoCapture) -> int:
        """Read until the source ends or fails; returns frames read.

        Every frame is grabbed (the stream must be drained, files keep real time) but only
        up to ``decode_fps`` of them are converted to images: the rest would be dropped anyway.
        """
        fps = cap.get(cv2.CAP_PROP_FPS) if not self.network else 0.0
        period = 1.0 / fps if 0 < fps < 200 else 0.0
        min_gap = 1.0 / self.decode_fps if self.decode_fps else 0.0
        n = 0
        last_decoded = 0.0
        next_at = time.monotonic()
        while not self._stop.is_set():
            if not cap.grab():
                return n
            n += 1
            now = time.time()
            self._in.tick(now)
            if now - last_decoded >= min_gap:
                ok, image = cap.retrieve()
                if not ok or image is None:
                    return n
                last_decoded = now
                with self._lock:
                    self._seq += 1
                    self._latest = Frame(image, self._seq, now)
                    self._error = ""
            if period:  # a file plays at its own frame rate, like a live camera
                next_at += period
                delay = next_at - time.monotonic()
                if delay > 0:
                    self._stop.wait(delay)
                else:
                    next_at = time.monotonic()
        return n

    def _fail(self, error: str) -> None:
        with self._lock:
            if error != self._error:
                log.warning("camera problem", extra=log_fields(camera=self.camera_id,
                                                               error=error))
            self._error = error

    def _redacted(self) -> str:
        """The source without credentials (rtsp://user:pass@host → rtsp://***@host)."""
        if "@" in self.source and "://" in self.source:
            scheme, rest = self.source.split("://", 1)
            return f"{scheme}://***@{rest.split('@', 1)[1]}"
        return self.source
