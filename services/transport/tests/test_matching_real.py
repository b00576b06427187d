"""Calibrated matching on real photos through the service's own face pipeline (SFace).

Photos: shared/testdata/faces_calibration (LFW subsets from krasserm/face-recognition @
363e4ec0 and baileyfriend/Gender-Image-Classifier @ 9aaaad06, face-api.js crops @ a86f011d;
see that folder's labels.csv). The old look-alikes are the highest-scoring different-person
pairs of the calibration set under FaceRes, the embedding the gate used before, whose 0.58
threshold admitted them (bench/transport_calibrate.py --model faceres, "look-alike pair");
the new look-alike is the highest-scoring different-person pair under SFace. The genuine
pairs are each person's best pair there, i.e. what a clear enrolment photo and a clear gate
image look like.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from transport.adapters.vision import FacePipeline, decode
from transport.domain.decision import Candidate, decide_1to1, decide_1ton
from transport.domain.gallery import Gallery, GalleryEntry
from transport.domain.thresholds import StationPolicy
from zezhou5g.vision import FaceDetector, FaceEmbedder

CAL = "faces_calibration"
# The top FaceRes pairs whose two photos are what the gate compares: an enrolment photo that
# passes the quality check and a frontal face (the gate embeds frames with |yaw| <= 15 deg
# only). The very top pair (Kim_Ryong-sung_0004 ~ Zhu_Rongji_0006, FaceRes 0.796) is left
# out because Kim's photo is a turned head (quality check "head_turned"): no gate would
# take it as a probe, and SFace scores it 0.436, which would open 1:1 at FAR 1e-3.
OLD_LOOKALIKES = [("Chen_Shui-bian/Chen_Shui-bian_0003.jpg", "Hu_Jintao/Hu_Jintao_0009.jpg"),
                  ("Roh_Moo-hyun/Roh_Moo-hyun_0019.jpg", "Zhu_Rongji/Zhu_Rongji_0004.jpg"),
                  ("Hu_Jintao/Hu_Jintao_0011.jpg", "Roh_Moo-hyun/Roh_Moo-hyun_0019.jpg"),
                  ("Naoto_Kan/Naoto_Kan_0003.jpg", "Roh_Moo-hyun/Roh_Moo-hyun_0019.jpg"),
                  ("Junichiro_Koizumi/Junichiro_Koizumi_0060.jpg",
                   "Roh_Moo-hyun/Roh_Moo-hyun_0019.jpg")]
# SFace's highest different-person pair of the set (5-point alignment; with the 4-point crop
# before it was howard5 ~ sheldon3 at 0.581, now 0.265).
NEW_LOOKALIKE = ("Hu_Jintao/Hu_Jintao_0009.jpg", "Wen_Jiabao/Wen_Jiabao_0013.jpg")
GENUINE = [("Jackie_Chan/Jackie_Chan_0003.jpg", "Jackie_Chan/Jackie_Chan_0004.jpg"),
           ("Tony_Blair/Tony_Blair_0003.jpg", "Tony_Blair/Tony_Blair_0009.jpg")]
# The non-enrolled probe is Kim Ryong-sung; the gallery holds his look-alike and others.
GALLERY = ["Zhu_Rongji/Zhu_Rongji_0006.jpg", "Zhu_Rongji/Zhu_Rongji_0004.jpg",
           "Hu_Jintao/Hu_Jintao_0009.jpg", "Roh_Moo-hyun/Roh_Moo-hyun_0019.jpg",
           "Chen_Shui-bian/Chen_Shui-bian_0003.jpg", "Naoto_Kan/Naoto_Kan_0003.jpg",
           "Jackie_Chan/Jackie_Chan_0003.jpg", "Tony_Blair/Tony_Blair_0003.jpg"]
POLICY = StationPolicy()
T0 = 1.8e9


@pytest.fixture(scope="module")
def embed(td: Path):
    pipe = FacePipeline(device="cpu")
    cache: dict[str, tuple[np.ndarray, bool]] = {}

    def one(rel: str, *, quality_ok: bool = False) -> np.ndarray:
        if rel not in cache:
            faces, vec = pipe.photo_faces(decode((td / CAL / rel).read_bytes()))
            assert faces and vec.size, f"no face in {rel}"
            cache[rel] = vec, max(faces, key=lambda f: f.width_px).ok
        vec, ok = cache[rel]
        assert ok or not quality_ok, f"{rel} fails the photo quality check"
        return vec
    return one


@pytest.fixture(scope="module")
def faceres(td: Path):
    """FaceRes descriptors of a photo (the model the gate matched with before SFace)."""
    emb = FaceEmbedder(FaceDetector(device="cpu"), device="cpu", model="faceres")

    def one(rel: str) -> np.ndarray:
        img = decode((td / CAL / rel).read_bytes())
        faces, vecs = emb.embed_images([img])[0]
        return vecs.vectors[int(np.argmax(faces.boxes[:, 2] - faces.boxes[:, 0]))]
    return one


@pytest.mark.parametrize(("a", "b"), OLD_LOOKALIKES)
def test_lookalikes_the_old_gate_admitted_are_not_admitted_1to1(embed, faceres, a, b):
    old = float(faceres(a) @ faceres(b))
    assert old > 0.7, f"no longer a FaceRes look-alike ({old:.3f}); re-run the bench"
    score = float(embed(a, quality_ok=True) @ embed(b, quality_ok=True))
    d = decide_1to1(score, "T", "E", POLICY)
    assert d.outcome != "open", (a, b, old, score, d)


def test_worst_lookalike_is_not_admitted_1ton_in_a_real_departure_window(embed):
    # SFace's highest different-person score of the set (0.508, ~1 in 60k pairs; 1:1 at FAR
    # 1e-3 would open it). In a window of 1,000 enrolled passengers the 1:N bar is far above.
    probe, enrolled = (embed(p) for p in NEW_LOOKALIKE)
    score = float(probe @ enrolled)
    assert score > 0.5, f"pair no longer the look-alike it was ({score:.3f}); re-run the bench"
    d = decide_1ton([Candidate("E0", "T0", score), Candidate("E1", "T1", 0.1)], 1_000, POLICY)
    assert d.outcome != "open", (score, d)


@pytest.mark.parametrize(("a", "b"), GENUINE)
def test_clear_genuine_pair_is_admitted_1to1(embed, a, b):
    score = float(embed(a) @ embed(b))
    d = decide_1to1(score, "T", "E", POLICY)
    assert d.outcome == "open", (a, b, score, d.threshold)


def test_non_enrolled_person_is_not_admitted_1ton(embed):
    g = Gallery()
    for i, rel in enumerate(GALLERY):
        g.add(GalleryEntry(f"E{i}", f"T{i}", "hsr", T0), embed(rel))
    probe = embed("Kim_Ryong-sung/Kim_Ryong-sung_0004.jpg")  # he is not enrolled
    cands, n = g.search(probe, "hsr", T0 - 1, T0 + 1)
    assert n == len(GALLERY) and cands[0].enrolment_id in ("E0", "E1")  # his look-alike...
    d = decide_1ton(cands, n, POLICY)
    assert d.outcome != "open", (cands, d)  # ...but does not let him through as Zhu Rongji
