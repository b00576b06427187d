"""Where things live outside the repository: the cache, the models, the shared test data."""

from __future__ import annotations

import os
from pathlib import Path

# libs/zezhou5g/src/zezhou5g/platform/paths.py → the repository root is five levels up.
REPO_ROOT = Path(__file__).resolve().parents[5]


def cache_dir() -> Path:
    """Downloads, tools and built models: ``$Z5G_CACHE_DIR`` or ``~/.cache/zezhou5g``."""
    env = os.environ.get("Z5G_CACHE_DIR")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "zezhou5g"


def models_dir() -> Path:
    """ONNX models written by ``models/build.py``: ``$Z5G_MODELS_DIR`` or ``<cache>/models``."""
    env = os.environ.get("Z5G_MODELS_DIR")
    return Path(env).expanduser() if env else cache_dir() / "models"


def testdata_dir(repo_root: Path | None = None) -> Path:
    """Real test material: ``$Z5G_TESTDATA`` or ``<repo>/../shared/testdata``.

    Raises:
        FileNotFoundError: the folder does not exist.
    """
    env = os.environ.get("Z5G_TESTDATA")
    path = Path(env) if env else (repo_root or REPO_ROOT).parent / "shared" / "testdata"
    if not path.is_dir():
        raise FileNotFoundError(f"test data not found at {path}; set Z5G_TESTDATA")
    return path
