"""Calibrated matching on real photos through the service's own face pipeline.

Photos: shared/testdata/faces_calibration (LFW subsets from krasserm/face-recognition @
363e4ec0 and baileyfriend/Gender-Image-Classifier @ 9aaaad06; see that folder's labels.csv).
The look-alike pair is the highest-scoring different-person pair of the whole calibration set
(bench/transport_calibrate.py, "look-alike pair"); the genuine pairs are each person's best
pair there, i.e. what a clear enrolment photo and a clear gate image look like. (With FaceRes
most genuine pairs of this set score below the accept threshold and go to the staffed lane:
see services/transport/README.md.)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from transport.adapters.vision import FacePipeline, decode
from transport.domain.decision import decide_1to1, decide_1ton
from transport.domain.gallery import Gallery, GalleryEntry
from transport.domain.thresholds import StationPolicy

CAL = "faces_calibration"
LOOKALIKE = ("Kim_Ryong-sung/Kim_Ryong-sung_0004.jpg", "Zhu_Rongji/Zhu_Rongji_0006.jpg")
GENUINE = [("Jackie_Chan/Jackie_Chan_0003.jpg", "Jackie_Chan/Jackie_Chan_0004.jpg"),
           ("Tony_Blair/Tony_Blair_0003.jpg", "Tony_Blair/Tony_Blair_0009.jpg")]
# The non-enrolled probe is the look-alike; the gallery holds his look-alike and others.
GALLERY = ["Zhu_Rongji/Zhu_Rongji_0006.jpg", "Zhu_Rongji/Zhu_Rongji_0004.jpg",
           "Hu_Jintao/Hu_Jintao_0009.jpg", "Roh_Moo-hyun/Roh_Moo-hyun_0019.jpg",
           "Chen_Shui-bian/Chen_Shui-bian_0003.jpg", "Naoto_Kan/Naoto_Kan_0003.jpg",
           "Jackie_Chan/Jackie_Chan_0003.jpg", "Tony_Blair/Tony_Blair_0003.jpg"]
POLICY = StationPolicy()
T0 = 1.8e9


@pytest.fixture(scope="module")
def embed(td: Path):
    pipe = FacePipeline(device="cpu")
    cache: dict[str, np.ndarray] = {}

    def one(rel: str) -> np.ndarray:
        if rel not in cache:
            faces, vec = pipe.photo_faces(decode((td / CAL / rel).read_bytes()))
            assert faces and vec.size, f"no face in {rel}"
            cache[rel] = vec
        return cache[rel]
    return one


def test_lookalike_impostor_is_not_admitted_1to1(embed):
    a, b = (embed(p) for p in LOOKALIKE)
    score = float(a @ b)
    assert score > 0.7, f"pair no longer the look-alike it was ({score:.3f}); re-run the bench"
    d = decide_1to1(score, "T", "E", POLICY)
    assert d.outcome != "open", (score, d)
    assert d.outcome == "manual"  # close enough for staff to look, not a plain deny


@pytest.mark.parametrize(("a", "b"), GENUINE)
def test_clear_genuine_pair_is_admitted_1to1(embed, a, b):
    score = float(embed(a) @ embed(b))
    d = decide_1to1(score, "T", "E", POLICY)
    assert d.outcome == "open", (a, b, score, d.threshold)


def test_non_enrolled_person_is_not_admitted_1ton(embed):
    g = Gallery()
    for i, rel in enumerate(GALLERY):
        g.add(GalleryEntry(f"E{i}", f"T{i}", "hsr", T0), embed(rel))
    probe = embed(LOOKALIKE[0])  # Kim Ryong-sung is not enrolled
    cands, n = g.search(probe, "hsr", T0 - 1, T0 + 1)
    assert n == len(GALLERY) and cands[0].enrolment_id == "E0"  # finds the look-alike...
    d = decide_1ton(cands, n, POLICY)
    assert d.outcome != "open", (cands, d)  # ...but does not let him through as Zhu Rongji
