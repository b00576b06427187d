"""Clips made from real footage (OpenCV's vtest.avi) for tests, benchmarks and demo surges.

``crowd_surge_clip`` writes an empty square, then the video's busiest stretch, then the empty
square again: a zone that fills past its capacity and empties, on real pixels. The empty square
is the per-pixel median of the video over time — the real scene with the walkers gone.
"""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np
from zezhou5g.platform import paths
from zezhou5g.vision import samples

VTEST_FRAMES = 795
BUSY = range(690, 750)      # 7–8 people walking (hand counts 700: 8, 750: 8)
FPS = 10.0


def vtest_frames(indices: list[int]) -> dict[int, np.ndarray]:
    """vtest.avi frames (BGR) by 0-based index."""
    return samples.read_frames(samples.vtest_path(), sorted(set(indices)))


def empty_square(step: int = 10) -> np.ndarray:
    """The scene without people: median over every ``step``-th frame (BGR).

    Computed once (seconds of CPU: the whole video is decoded) and kept as a lossless PNG in
    the cache folder.
    """
    cached = paths.cache_dir() / "samples" / f"vtest-empty-square-{step}.png"
    image = cv2.imread(str(cached)) if cached.is_file() else None
    if image is not None:
        return image
    frames = vtest_frames(list(range(0, VTEST_FRAMES, step)))
    image = np.median(np.stack(list(frames.values())), axis=0).astype(np.uint8)
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_name(f"{cached.stem}.{os.getpid()}.tmp.png")
    if cv2.imwrite(str(tmp), image):
        tmp.replace(cached)
    return image


def crowd_surge_clip(out: Path, before_s: float = 3.0, after_s: float = 30.0) -> Path:
    """Write an MJPG AVI at 10 fps: empty ``before_s``, 6 s of the crowd, empty ``after_s``."""
    empty = empty_square()
    busy = vtest_frames(list(BUSY))
    h, w = empty.shape[:2]
    fourcc = cv2.VideoWriter.fourcc(*"MJPG")
    writer = cv2.VideoWriter(str(out), fourcc, FPS, (w, h))
    try:
        for _ in range(int(before_s * FPS)):
            writer.write(empty)
        for i in BUSY:
            writer.write(busy[i])
        for _ in range(int(after_s * FPS)):
            writer.write(empty)
    finally:
        writer.release()
    return out
