"""Presentation-attack and live frame sequences made from real footage, for tests and bench.

Live: ``short_hamilton_clip.mp4`` (faces_ageitgey, ageitgey/face_recognition @
2e2dccea9dd0ce730c8d464d0f67c6eebb40c9d1, MIT) -- frames 94-151 show the speaker turning his
head to his right by ~30 degrees and back; mirrored, the same frames are a turn to the left
(a mirrored head is still a 3-D head).  A "move closer" is rendered as a zoom into real frames.

Attacks, following what a person at a gate could do:

* ``photo``: a real photo printed and held in front of the camera, moved as a rigid plane
  (turned, tilted, brought closer) -- projected through a pinhole camera, over a real
  background, with sensor noise, blur, print contrast and JPEG.
* ``screen``: the live clip played full screen on a tablet (bezel, gamma, a faint moire
  pattern) held in front of the camera and moved by hand as a plane.

All frames are BGR uint8, ``CAMERA_SIZE`` (width, height); times in seconds from the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

CAMERA_SIZE = (640, 480)
FOCAL_PX = 600.0
CLIP = "faces_ageitgey/examples/short_hamilton_clip.mp4"
CLIP_FPS = 29.97
TURN_RIGHT = range(94, 152)  # clip frames: frontal (yaw ~0) -> turned to his right -> frontal
# The frontal frame just before the turn: the passenger's enrolment photo as a station kiosk
# camera takes it, the same day and light as the gate footage (a photo from another day and
# camera, lin-manuel-miranda.png, scores 0.76 against the footage: below the 1:1 accept bar,
# i.e. such a passenger is sent to the staffed lane -- see transport/domain/thresholds.py).
KIOSK_FRAME = 88


@dataclass(frozen=True)
class Sequence:
    """A labelled frame sequence.

    Attributes:
        kind: "live", "photo" or "screen".
        actions: what the subject does, in order ("turn_left", "turn_right", "move_closer").
        frames: BGR frames.
        times: seconds from the first frame, one per frame.
        source: where the pixels came from (file, frames, variant).
    """

    kind: str
    actions: tuple[str, ...]
    frames: list[np.ndarray]
    times: list[float]
    source: str


def read_clip(testdata: Path, frames: range = TURN_RIGHT) -> list[np.ndarray]:
    """Decode the clip's frames (0-based, sequential read) as BGR 640x360."""
    cap = cv2.VideoCapture(str(testdata / CLIP))
    out, i = [], 0
    try:
        while i < frames.stop:
            ok, frame = cap.read()
            if not ok:
                break
            if i in frames:
                out.append(frame)
            i += 1
    finally:
        cap.release()
    if len(out) != len(frames):
        raise ValueError(f"{CLIP} has only {i} frames")
    return out


def enrolment_photo(testdata: Path) -> bytes:
    """The clip's frame ``KIOSK_FRAME`` as PNG bytes: the enrolment photo of the clip's person."""
    frame = read_clip(testdata, range(KIOSK_FRAME, KIOSK_FRAME + 1))[0]
    ok, buf = cv2.imencode(".png", frame)
    if not ok:
        raise ValueError("PNG encoding failed")
    return buf.tobytes()


def _camera_finish(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Sensor noise, slight defocus and JPEG, as a cheap webcam adds them."""
    sigma = float(rng.uniform(0.0, 0.8))
    if sigma > 0.2:
        img = cv2.GaussianBlur(img, (0, 0), sigma)
    noisy = img.astype(np.float32) + rng.normal(0, rng.uniform(1.5, 3.5), img.shape)
    img = np.clip(noisy, 0, 255).astype(np.uint8)
    q = int(rng.integers(70, 92))
    out = cv2.imdecode(cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, q])[1],
                       cv2.IMREAD_COLOR)
    assert out is not None  # our own JPEG always decodes
    return np.asarray(out, np.uint8)


def _fit_camera(frame: np.ndarray, zoom: float = 1.0) -> np.ndarray:
    """A clip frame centre-cropped to the camera's aspect, zoomed, resized to CAMERA_SIZE."""
    w, h = CAMERA_SIZE
    fh, fw = frame.shape[:2]
    cw = min(fw, fh * w / h) / zoom
    ch = cw * h / w
    x0, y0 = (fw - cw) / 2, (fh - ch) / 2
    m = np.array([[w / cw, 0, -x0 * w / cw], [0, h / ch, -y0 * h / ch]], np.float32)
    return cv2.warpAffine(frame, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def live_sequence(clip: list[np.ndarray], actions: tuple[str, ...], rng: np.random.Generator,
                  start: int = 0, step: int = 2) -> Sequence:
    """Real head turns from the clip in the order of ``actions`` (turns and move_closer).

    Each turn uses the clip frames from ``start`` (mirrored for a left turn); "move_closer"
    zooms into the last frontal frames from 1.0x to 1.5x over ~1 s.  Frame rate
    ``29.97 / step`` fps.
    """
    frames: list[np.ndarray] = []
    zoom, mirrored = 1.0, False
    for action in actions:
        if action in ("turn_left", "turn_right"):
            mirrored = action == "turn_left"
            part = [cv2.flip(f, 1) if mirrored else f for f in clip[start::step]]
            frames += [_fit_camera(f, zoom) for f in part]
        elif action == "move_closer":
            src = clip[-1] if frames else clip[start]  # the clip ends frontal
            src = cv2.flip(src, 1) if mirrored else src
            n = max(1, round(CLIP_FPS / step))
            frames += [_fit_camera(src, zoom * (1 + 0.5 * (k + 1) / n)) for k in range(n)]
            zoom *= 1.5
        else:
            raise ValueError(f"no live footage can perform {action!r}")
    frames = [_camera_finish(f, rng) for f in frames]
    times = [k * step / CLIP_FPS for k in range(len(frames))]
    return Sequence("live", actions, frames, times, f"{CLIP} frames {TURN_RIGHT.start + start}"
                    f"-{TURN_RIGHT.stop - 1} step {step} {'+'.join(actions)}")


def _rotation(yaw: float, pitch: float, roll: float) -> np.ndarray:
    """3x3 rotation from degrees (yaw about y, pitch about x, roll about z)."""
    y, p, r = np.radians([yaw, pitch, roll])
    ry = np.array([[np.cos(y), 0, np.sin(y)], [0, 1, 0], [-np.sin(y), 0, np.cos(y)]])
    rx = np.array([[1, 0, 0], [0, np.cos(p), -np.sin(p)], [0, np.sin(p), np.cos(p)]])
    rz = np.array([[np.cos(r), -np.sin(r), 0], [np.sin(r), np.cos(r), 0], [0, 0, 1]])
    return ry @ rx @ rz


def plane_homography(size_px: tuple[int, int], width_m: float, yaw: float, pitch: float,
                     roll: float, t_m: tuple[float, float, float]) -> np.ndarray:
    """3x3 homography from a flat picture's pixels to camera pixels.

    The picture (``size_px`` = (w, h)) is ``width_m`` metres wide, its centre at camera
    coordinates ``t_m`` (x right, y down, z forward, metres), turned by the angles (degrees);
    the camera is a pinhole with focal length FOCAL_PX, principal point at the image centre.
    """
    w, h = size_px
    s = width_m / w
    a = np.array([[s, 0, -s * w / 2], [0, s, -s * h / 2], [0, 0, 1]])
    r = _rotation(yaw, pitch, roll)
    k = np.array([[FOCAL_PX, 0, CAMERA_SIZE[0] / 2], [0, FOCAL_PX, CAMERA_SIZE[1] / 2], [0, 0, 1]])
    return k @ np.column_stack([r[:, 0], r[:, 1], np.asarray(t_m)]) @ a


def _composite(picture: np.ndarray, hmat: np.ndarray, background: np.ndarray) -> np.ndarray:
    size = CAMERA_SIZE
    warped = cv2.warpPerspective(picture, hmat, size, flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full(picture.shape[:2], 255, np.uint8), hmat, size)
    m = (mask.astype(np.float32) / 255.0)[..., None]
    return (warped * m + background * (1 - m)).astype(np.uint8)


def _path(actions: tuple[str, ...], rng: np.random.Generator, fps: float,
          z0: float) -> list[tuple[float, float, float, tuple[float, float, float]]]:
    """Per-frame (yaw, pitch, roll, t) of a hand-held plane performing ``actions``."""
    poses = []
    yaw = pitch = roll = 0.0
    z = z0
    hand = rng.normal(0, 1, 3)
    for action in actions:
        n = int(fps * rng.uniform(1.2, 2.2))
        for k in range(n):
            u = np.sin(np.pi * k / max(1, n - 1))  # 0 -> 1 -> 0
            if action in ("turn_left", "turn_right"):
                # Mesh yaw grows when the subject turns to their left; a plane turned so that
                # its right edge comes forward mimics that.  The amplitude is random, and
                # some attackers tilt a little as they turn.
                amp = rng.uniform(25, 50) * (1 if action == "turn_left" else -1)
                yaw, pitch = amp * u, 8 * u * hand[0]
            elif action == "tilt":
                yaw, pitch = 0.0, rng.uniform(15, 30) * u
            elif action == "move_closer":
                z = z0 * (1 - 0.35 * k / max(1, n - 1))
            roll = 3 * hand[1] * np.sin(k / 7)
            jitter = rng.normal(0, 0.002, 3)
            poses.append((float(yaw), float(pitch), float(roll),
                          (0.01 * hand[2] + jitter[0], jitter[1], z + jitter[2])))
        z0 = z
    return poses


def photo_attack(photo: np.ndarray, face_box: np.ndarray, background: np.ndarray,
                 actions: tuple[str, ...], rng: np.random.Generator, fps: float = 15.0,
                 source: str = "") -> Sequence:
    """A printed ``photo`` moved as a plane to perform ``actions`` (see module doc).

    The print is a head-and-shoulders cut of the photo around ``face_box`` (xyxy pixels),
    scaled so the face is life size (0.15 m wide), held 0.45-0.6 m from the camera.
    """
    x0, y0, x1, y1 = (float(v) for v in face_box)
    side = max(x1 - x0, y1 - y0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2 + 0.15 * side
    half = rng.uniform(1.2, 1.6) * side
    m = np.array([[1, 0, half - cx], [0, 1, half * 1.2 - cy]], np.float32)
    cut = cv2.warpAffine(photo, m, (round(2 * half), round(2.4 * half)),
                         borderMode=cv2.BORDER_REPLICATE)
    print_ = np.clip(cut.astype(np.float32) * rng.uniform(0.8, 0.95) + rng.uniform(5, 25),
                     0, 255).astype(np.uint8)
    width_m = 0.15 * cut.shape[1] / max(side, 1.0)
    bg = _fit_camera(background)
    frames, times = [], []
    for k, (yaw, pitch, roll, t) in enumerate(_path(actions, rng, fps, rng.uniform(0.45, 0.6))):
        hmat = plane_homography((cut.shape[1], cut.shape[0]), width_m, yaw, pitch, roll, t)
        frames.append(_camera_finish(_composite(print_, hmat, bg), rng))
        times.append(k / fps)
    return Sequence("photo", actions, frames, times, source)


def _screen(frame: np.ndarray, rng: np.random.Generator, phase: float) -> np.ndarray:
    """The clip frame as a tablet shows it: brighter gamma, a faint moire, a black bezel."""
    img = (255 * (frame.astype(np.float32) / 255) ** 0.8).astype(np.float32)
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w]
    img += 4 * np.sin(0.9 * xx + 0.4 * yy + phase)[..., None]
    b = int(0.06 * w)
    out = np.full((h + 2 * b, w + 2 * b, 3), 18, np.float32)
    out[b:b + h, b:b + w] = img
    return np.clip(out, 0, 255).astype(np.uint8)


def screen_attack(clip: list[np.ndarray], background: np.ndarray, actions: tuple[str, ...],
                  rng: np.random.Generator, step: int = 2, hand_mm: float = 10.0) -> Sequence:
    """A tablet replaying the live clip (performing ``actions``), held by hand as a plane.

    The clip is zoomed to 1.6x around its centre (as a person replaying would, to fill the
    gate's face box); the tablet (0.2 m wide, 0.3-0.4 m away) sways by about ``hand_mm``.
    """
    live = live_sequence(clip, actions, rng, step=step)
    fps = CLIP_FPS / step
    bg = _fit_camera(background)
    z = rng.uniform(0.3, 0.4)
    phase0 = rng.uniform(0, 6)
    frames = []
    for k, f in enumerate(live.frames):
        s = k / fps
        sway = hand_mm / 1000 * np.array([np.sin(1.3 * s + phase0), np.cos(0.9 * s), 0.5 *
                                           np.sin(0.7 * s)])
        yaw, pitch = 4 * np.sin(0.8 * s + phase0), 3 * np.cos(0.6 * s)
        pic = _screen(_fit_camera(f, 1.6), rng, phase0 + 0.3 * k)
        hmat = plane_homography((pic.shape[1], pic.shape[0]), 0.2, yaw, pitch, 0.0,
                                (sway[0], sway[1], z + sway[2]))
        frames.append(_camera_finish(_composite(pic, hmat, bg), rng))
    return Sequence("screen", actions, frames, live.times, f"screen replay of {live.source}")
