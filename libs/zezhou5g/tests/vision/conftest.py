"""Fixtures for the vision tests: real models, real pixels.

Models are located like production code does (zezhou5g.vision.runtime); if
any is missing the session builds them with ``models/build.py`` instead of
skipping.  Test material (cited in zezhou5g/vision/samples.py):
faces_ageitgey (ageitgey/face_recognition @ 2e2dccea, MIT), antispoof_samples
(minivision-ai/Silent-Face-Anti-Spoofing @ b6d5f04a, Apache-2.0) from
$Z5G_TESTDATA or ../shared/testdata, and vtest.avi from Debian's opencv-doc.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from zezhou5g.platform import paths
from zezhou5g.vision import FaceDetector, FaceEmbedder, models_dir, samples

REPO = Path(__file__).resolve().parents[4]
BUILD = REPO / "models" / "build.py"


def _missing_models() -> list[str]:
    manifest = json.loads((REPO / "models" / "manifest.json").read_text())
    return [n for n, m in manifest["models"].items()
            if not (models_dir() / m["onnx"]["file"]).is_file()]


@pytest.fixture(scope="session", autouse=True)
def vision_models() -> Path:
    """Ensure every model in models/manifest.json is built (runs models/build.py if not)."""
    if _missing_models():
        python = shutil.which("python3") or sys.executable
        proc = subprocess.run([python, str(BUILD)], cwd=REPO, capture_output=True, text=True,
                              timeout=1800)
        if proc.returncode != 0:
            pytest.fail(f"models/build.py failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        still = _missing_models()
        assert not still, f"models/build.py did not produce {still}"
    return models_dir()


@pytest.fixture(scope="session")
def testdata() -> Path:
    return paths.testdata_dir(REPO)


@pytest.fixture(scope="session")
def faces_dir(testdata: Path) -> Path:
    return testdata / "faces_ageitgey"


@pytest.fixture(scope="session")
def vtest_frames() -> dict[int, np.ndarray]:
    return samples.read_frames(samples.vtest_path(), list(samples.VTEST_HAND_COUNTS))


@pytest.fixture(scope="session")
def face_detector(vision_models: Path) -> FaceDetector:
    return FaceDetector(device="cpu")


@pytest.fixture(scope="session")
def embedder(face_detector: FaceDetector) -> FaceEmbedder:
    return FaceEmbedder(face_detector, device="cpu")
