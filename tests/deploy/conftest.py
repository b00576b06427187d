"""Fixtures for the deploy/ checks: pinned tools, repo paths, rendered overlays.

kustomize, the Compose Specification schema and composecheck (compose-go's
loader, standing in for `docker compose config`) are not Python packages, so
deploy/tools/install-tools.sh installs them (pinned, cached outside git). The
script is idempotent and returns at once when both are cached, so it is always
run. Where it cannot work, the tests skip with the reason on a developer
machine, but fail under CI=true: a CI run must never go green by skipping.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import NoReturn

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
INSTALL_SCRIPT = REPO / "deploy" / "tools" / "install-tools.sh"
K8S_DIR = REPO / "deploy" / "k8s"

# Compiling kustomize on a fresh 2-core machine takes a few minutes; this is
# the limit for the whole install, well above pytest-timeout's default.
INSTALL_TIMEOUT_S = 900
TOOL_KEYS = ("KUSTOMIZE", "COMPOSE_SCHEMA", "COMPOSECHECK")


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _unavailable(reason: str) -> NoReturn:
    if _in_ci():
        pytest.fail(f"deploy tools unavailable in CI: {reason}", pytrace=False)
    pytest.skip(f"deploy tools unavailable: {reason}")


@pytest.fixture(scope="session")
def deploy_tools() -> dict[str, Path]:
    """Paths of the pinned tools: KUSTOMIZE, COMPOSE_SCHEMA, COMPOSECHECK."""
    if not INSTALL_SCRIPT.exists():
        _unavailable(f"{INSTALL_SCRIPT} is missing")
    try:
        proc = subprocess.run(
            ["bash", str(INSTALL_SCRIPT)],
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        _unavailable(f"{INSTALL_SCRIPT} did not finish in {INSTALL_TIMEOUT_S}s")
    if proc.returncode != 0:
        _unavailable(f"{INSTALL_SCRIPT} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    tools: dict[str, Path] = {}
    for line in proc.stdout.splitlines():
        key, sep, value = line.partition("=")
        if sep and key in TOOL_KEYS:
            tools[key] = Path(value)
    for key in TOOL_KEYS:
        if key not in tools or not tools[key].exists():
            _unavailable(f"{INSTALL_SCRIPT} did not report an existing {key}:\n{proc.stdout}")
    return tools


def kustomize_build(kustomize: Path, path: Path) -> subprocess.CompletedProcess[str]:
    """Run `kustomize build` on a directory; the caller checks the result."""
    return subprocess.run(
        [str(kustomize), "build", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="session")
def kustomize_builder(deploy_tools):
    """`build(path) -> CompletedProcess` with the pinned kustomize."""
    return lambda path: kustomize_build(deploy_tools["KUSTOMIZE"], Path(path))


@pytest.fixture(scope="session")
def render(kustomize_builder):
    """`render(overlay_name) -> list[dict]`: the objects an overlay produces.

    Cached per session: every test of an overlay sees the same build.
    """
    cache: dict[str, list[dict]] = {}

    def _render(overlay: str) -> list[dict]:
        if overlay not in cache:
            proc = kustomize_builder(K8S_DIR / "overlays" / overlay)
            assert proc.returncode == 0, (
                f"kustomize build overlays/{overlay} failed:\n{proc.stderr}"
            )
            cache[overlay] = [d for d in yaml.safe_load_all(proc.stdout) if d]
        return cache[overlay]

    return _render
