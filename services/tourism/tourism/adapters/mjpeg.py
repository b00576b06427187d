"""A minimal MJPEG-over-HTTP server standing in for an IP camera (tests, bench, demo).

``multipart/x-mixed-replace`` with one JPEG part per frame is what many IP cameras serve on
``/video``; OpenCV reads it through FFmpeg. :meth:`MjpegServer.stop` cuts every open stream,
which is what a camera losing power looks like to the reader.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import cv2
import numpy as np

BOUNDARY = "frame"


class MjpegServer:
    """Serves ``frames`` (BGR images) in a loop at ``fps`` on ``http://127.0.0.1:<port>/video``."""

    def __init__(self, frames: Sequence[np.ndarray], port: int, fps: float = 10.0) -> None:
        self.jpegs: list[bytes] = []
        self.set_frames(frames)
        self.port = port
        self.fps = fps
        self._server: ThreadingHTTPServer | None = None
        self._stopping = threading.Event()

    def set_frames(self, frames: Sequence[np.ndarray]) -> None:
        """Serve ``frames`` from now on (a scene change on a live camera)."""
        self.jpegs = [cv2.imencode(".jpg", f, [cv2.IMWRITE_JPEG_QUALITY, 80])[1].tobytes()
                      for f in frames]

    @property
    def url(self) -> str:
        """The stream's URL."""
        return f"http://127.0.0.1:{self.port}/video"

    def start(self) -> MjpegServer:
        """Listen and serve in a thread."""
        owner = self
        self._stopping.clear()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                self.send_response(200)
                self.send_header("Content-Type",
                                 f"multipart/x-mixed-replace; boundary={BOUNDARY}")
                self.end_headers()
                i = 0
                try:
                    while not owner._stopping.is_set():
                        jpegs = owner.jpegs
                        jpeg = jpegs[i % len(jpegs)]
                        self.wfile.write(f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\n"
                                         f"Content-Length: {len(jpeg)}\r\n\r\n".encode())
                        self.wfile.write(jpeg + b"\r\n")
                        i += 1
                        time.sleep(1.0 / owner.fps)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Cut every stream and stop listening."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
