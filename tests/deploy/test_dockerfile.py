"""deploy/docker/Dockerfile: structural checks that need no Docker engine.

The images cannot be built here, so these tests pin the properties that the
compose file and the k8s manifests rely on: one assets stage per SERVICE, a
non-root runtime stage that is the default target, the models target, and a
build context that leaves local state and secrets out.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "deploy/docker/Dockerfile"
DOCKERIGNORE = REPO / "deploy/docker/Dockerfile.dockerignore"
SERVICES = {"tourism", "medical", "agri", "transport", "gateway", "simulators"}


def instructions(text: str) -> list[tuple[str, str]]:
    """(KEYWORD, arguments) per instruction, continuation lines joined."""
    joined = re.sub(r"\\\n", " ", text)
    result = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, args = line.partition(" ")
            result.append((keyword.upper(), args.strip()))
    return result


@pytest.fixture(scope="module")
def stages() -> dict[str, list[tuple[str, str]]]:
    """Stage name -> its instructions, in file order (dicts keep order)."""
    result: dict[str, list[tuple[str, str]]] = {}
    current = None
    for keyword, args in instructions(DOCKERFILE.read_text()):
        if keyword == "FROM":
            match = re.fullmatch(r"(\S+)\s+AS\s+(\S+)", args, re.IGNORECASE)
            assert match, f"every stage must be named: FROM {args}"
            current = match.group(2)
            assert current not in result, f"duplicate stage {current}"
            result[current] = [(keyword, match.group(1))]
        elif current is not None:
            result[current].append((keyword, args))
    return result


def test_every_service_has_an_assets_stage(stages):
    assert {f"assets-{s}" for s in SERVICES} <= set(stages)
    assert stages["assets"][0] == ("FROM", "assets-${SERVICE}")


def test_runtime_is_the_default_target_and_non_root(stages):
    name, body = list(stages.items())[-1]
    assert name == "runtime", "docker build without --target must give the service image"
    users = [args for keyword, args in body if keyword == "USER"]
    assert users and users[-1] == "10001:10001"
    cmd = [args for keyword, args in body if keyword == "CMD"][-1]
    assert "exec python -m" in cmd


def test_service_images_sync_the_locked_workspace(stages):
    runs = " ".join(args for keyword, args in stages["builder"] if keyword == "RUN")
    assert 'uv sync --frozen --no-dev --package "zezhou5g-${SERVICE}"' in runs
    assert re.search(r'pip install "uv==\$\{UV_VERSION\}"', runs)
    uv_version = [a for k, a in stages["builder"] if k == "ARG" and a.startswith("UV_VERSION=")]
    assert uv_version and re.fullmatch(r"UV_VERSION=\d+\.\d+\.\d+", uv_version[0])


def test_service_case_lists_match(stages):
    """The SERVICE checks in the builder name exactly the deployables."""
    runs = " ".join(args for keyword, args in stages["builder"] if keyword == "RUN")
    assert "tourism|medical|agri|transport|gateway|simulators)" in runs
    for service in SERVICES:
        folder = REPO / ("" if service in {"gateway", "simulators"} else "services") / service
        assert (folder / "pyproject.toml").is_file(), folder


def test_models_target_builds_from_the_manifest(stages):
    body = " ".join(args for _, args in stages["models-build"])
    assert "models/build.py" in body
    assert (REPO / "models/build.py").is_file()
    users = [args for keyword, args in stages["models"] if keyword == "USER"]
    assert users == ["10001:10001"]


def test_gateway_web_assets_use_npm_ci(stages):
    runs = " ".join(args for keyword, args in stages["assets-gateway"] if keyword == "RUN")
    assert "npm ci" in runs and "npm install" not in runs


@pytest.mark.parametrize("pattern", [".git", "**/.venv", "**/node_modules", ".run", "**/.env"])
def test_build_context_excludes_local_state(pattern):
    lines = {line.strip() for line in DOCKERIGNORE.read_text().splitlines()}
    assert pattern in lines
