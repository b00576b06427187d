"""Locate the real test material and hold the hand counts used by tests and bench.

Sources (see /work/shared/testdata/README.md, cited here as required):

* ``faces_ageitgey/``: photos from ageitgey/face_recognition @
  2e2dccea9dd0ce730c8d464d0f67c6eebb40c9d1 (MIT); identities in labels.csv.
* ``antispoof_samples/``: minivision-ai/Silent-Face-Anti-Spoofing @
  b6d5f04ad78778917853b25c778acef6d5626d15 (Apache-2.0).
* ``vtest.avi``: OpenCV sample data, Debian package ``opencv-doc``
  (/usr/share/doc/opencv-doc/examples/data/), 768x576, 795 frames, 10 fps.
"""

from __future__ import annotations

import csv
import gzip
import os
import shutil
import tempfile
from pathlib import Path

import cv2
import numpy as np

# Debian's opencv-doc puts OpenCV's sample media here; images carry a copy elsewhere.
OPENCV_DATA = Path(os.environ.get("Z5G_OPENCV_DATA", "/usr/share/doc/opencv-doc/examples/data"))

# People visible in vtest.avi frames, counted by hand (looking at each frame
# upscaled 1.5x).  "count" = people with at least about half of the body
# visible; "partial" = extra people mostly hidden (behind the parked van, cut
# by the frame edge) that a detector may or may not find.  Frame index is
# 0-based in decode order (cv2.VideoCapture.read()).
VTEST_HAND_COUNTS: dict[int, dict[str, int]] = {
    0: {"count": 3, "partial": 0},
    100: {"count": 7, "partial": 0},
    200: {"count": 7, "partial": 0},
    300: {"count": 6, "partial": 0},
    400: {"count": 3, "partial": 0},
    500: {"count": 4, "partial": 1},  # a leg entering at the right edge
    600: {"count": 6, "partial": 0},
    700: {"count": 8, "partial": 1},  # head/shoulders behind the van, top right
    790: {"count": 7, "partial": 1},  # person bent into the car boot, top right
}

# A second, disjoint set of hand-counted frames, used only to choose the
# default score threshold (so the evaluation frames above stay held out).
VTEST_CALIBRATION_COUNTS: dict[int, int] = {
    50: 6, 150: 8, 250: 7, 350: 6,  # 150 and 350: one person half behind the sign
    450: 3, 550: 6, 650: 6, 750: 8,  # 550: one behind the sign; 750: one small by the car
}

# People in shared/testdata photos, counted by hand.  Photos with people cut
# at the border or crowds in the background (obama2.jpg, 32bit.png,
# obama_and_biden.jpg, the podium shots) are left out: no unambiguous count.
PHOTO_HAND_COUNTS: dict[str, int] = {
    "faces_ageitgey/examples/knn_examples/train/alex_lacamoire/img1.jpg": 1,
    "faces_ageitgey/examples/knn_examples/train/biden/biden.jpg": 1,
    "faces_ageitgey/examples/knn_examples/train/biden/biden2.jpg": 1,
    "faces_ageitgey/examples/knn_examples/train/kit_harington/john1.jpeg": 1,
    "faces_ageitgey/examples/knn_examples/train/kit_harington/john2.jpeg": 1,
    "faces_ageitgey/examples/knn_examples/train/obama/obama.jpg": 1,
    "faces_ageitgey/examples/knn_examples/train/rose_leslie/img1.jpg": 1,
    "faces_ageitgey/examples/knn_examples/train/rose_leslie/img2.jpg": 1,
    "faces_ageitgey/examples/knn_examples/test/alex_lacamoire1.jpg": 1,
    "faces_ageitgey/examples/knn_examples/test/johnsnow_test1.jpg": 1,
    "faces_ageitgey/examples/knn_examples/test/kit_with_rose.jpg": 2,
    "faces_ageitgey/examples/knn_examples/test/obama1.jpg": 1,
    "faces_ageitgey/tests/test_images/obama3.jpg": 1,
    "faces_ageitgey/tests/test_images/biden.jpg": 1,
    "faces_ageitgey/examples/two_people.jpg": 2,
    "faces_ageitgey/examples/obama-720p.jpg": 1,
    "faces_ageitgey/examples/alex-lacamoire.png": 1,
    "faces_ageitgey/examples/lin-manuel-miranda.png": 1,
}


def vtest_path() -> Path:
    """Path of OpenCV's vtest.avi (decompressing vtest.avi.gz to a temp dir if needed).

    Raises:
        FileNotFoundError: opencv-doc is not installed.
    """
    avi = OPENCV_DATA / "vtest.avi"
    if avi.is_file():
        return avi
    gz = OPENCV_DATA / "vtest.avi.gz"
    if gz.is_file():
        st = gz.stat()  # name the copy after the source, so a new package re-extracts
        out = Path(tempfile.gettempdir()) / f"zezhou5g-vtest-{st.st_size}-{int(st.st_mtime)}.avi"
        if not out.is_file() or out.stat().st_size == 0:
            tmp = out.with_suffix(".part")
            with gzip.open(gz, "rb") as src, tmp.open("wb") as dst:
                shutil.copyfileobj(src, dst)
            tmp.replace(out)
        return out
    raise FileNotFoundError(
        f"{avi} not found: install the Debian package with `apt-get install -y opencv-doc`")


def read_frames(path: Path, indices: list[int]) -> dict[int, np.ndarray]:
    """Decode the requested 0-based frame indices (BGR) by reading sequentially.

    Sequential reading (not CAP_PROP_POS_FRAMES seeking) keeps indices exact
    for codecs where seeking snaps to key frames.
    """
    wanted = set(indices)
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        raise OSError(f"OpenCV cannot open {path}")
    out: dict[int, np.ndarray] = {}
    i = 0
    try:
        while len(out) < len(wanted):
            ok, frame = cap.read()
            if not ok:
                break
            if i in wanted:
                out[i] = frame
            i += 1
    finally:
        cap.release()
    missing = wanted - out.keys()
    if missing:
        raise ValueError(f"{path} has no frames {sorted(missing)}")
    return out


def face_labels(testdata: Path) -> list[tuple[str, str, str]]:
    """Rows (relative path, split, identity) of faces_ageitgey/labels.csv."""
    with (testdata / "faces_ageitgey" / "labels.csv").open(newline="") as f:
        return [(r["path"], r["split"], r["identity_or_expected"]) for r in csv.DictReader(f)]


def single_identity_faces(testdata: Path) -> dict[str, str]:
    """{relative path under faces_ageitgey: identity} for photos of exactly one known person.

    Skips multi-person photos (identity contains "+"), the video and the
    "detect" rows whose label is a description rather than a name.
    """
    out = {}
    for path, split, ident in face_labels(testdata):
        if split in ("detect", "video") or "+" in ident or " " in ident:
            continue
        out[path] = ident
    return out


def imread(path: Path) -> np.ndarray:
    """cv2.imread that raises instead of returning None."""
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if img is None:
        raise OSError(f"cannot read image {path}")
    return img
