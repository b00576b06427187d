"""Where the real test material (shared/testdata, beside the repository) is."""

from __future__ import annotations

import os
from pathlib import Path


def testdata_dir() -> Path:
    """``$Z5G_TESTDATA``, else ``../shared/testdata`` relative to the repository root."""
    env = os.environ.get("Z5G_TESTDATA")
    if env:
        return Path(env)
    root = Path(__file__).resolve().parents[2]
    return root.parent / "shared" / "testdata"
