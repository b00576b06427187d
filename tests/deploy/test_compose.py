"""docker-compose.yml: Compose Specification schema plus project rules.

No Docker engine is needed: the file is checked as data. The schema comes
from compose-go (what `docker compose` itself loads), via install-tools.sh.
"""

from __future__ import annotations

import base64
import copy
import json
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
DEV_ENV_FILE = REPO / "deploy/docker/compose.dev.env"
DOCKERFILE = "deploy/docker/Dockerfile"

GRPC_SERVICES = {"tourism", "medical", "agri", "transport"}
APP_SERVICES = GRPC_SERVICES | {"gateway", "simulators"}
INFRA = {"kafka", "redis", "postgres"}
JOBS = {"models"}  # one-shot containers: run to completion, no healthcheck
DATABASES = {"medical", "agri", "transport", "gateway"}

# Environment variables whose values are secrets: never literal in the file.
SECRET_ENV = re.compile(r"PASSWORD|SECRET|TOKENS|_KEY$|DATABASE_URL")
REQUIRED_VAR = re.compile(r"\$\{[A-Z0-9_]+:\?[^}]*\}")


@pytest.fixture(scope="module")
def compose() -> dict:
    with COMPOSE_FILE.open() as f:
        return yaml.safe_load(f)


@pytest.fixture(scope="module")
def validator(deploy_tools):
    schema = json.loads(deploy_tools["COMPOSE_SCHEMA"].read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _schema_errors(validator, doc) -> list[str]:
    return [
        f"{e.json_path}: {e.message}"
        for e in sorted(validator.iter_errors(doc), key=lambda e: e.json_path)
    ]


def _composecheck(tool: Path, compose_file: Path, *env_files: Path):
    args = [str(tool)]
    for env_file in env_files:
        args += ["-env-file", str(env_file)]
    return subprocess.run(
        [*args, str(compose_file)], capture_output=True, text=True, timeout=60, check=False
    )


def _role(name: str, svc: dict) -> str:
    if svc.get("labels", {}).get("org.zezhou5g.role") == "job":
        return "job"
    return "service"


def test_matches_compose_spec_schema(compose, validator):
    assert _schema_errors(validator, compose) == []


@pytest.mark.parametrize(
    "breakage",
    [
        pytest.param(lambda c: c["services"]["gateway"].update(helthcheck={}), id="unknown-key"),
        pytest.param(
            lambda c: c["services"]["redis"]["healthcheck"].update(test={"cmd": "ping"}),
            id="wrong-type",
        ),
        pytest.param(
            lambda c: c["services"]["tourism"]["depends_on"]["kafka"].update(
                condition="service_ready"
            ),
            id="bad-enum",
        ),
    ],
)
def test_schema_rejects_broken_compose(compose, validator, breakage):
    """Sanity check that the schema check can fail at all."""
    broken = copy.deepcopy(compose)
    breakage(broken)
    assert _schema_errors(validator, broken), "schema accepted a broken compose file"


def test_has_no_obsolete_version_key(compose):
    assert "version" not in compose


def test_expected_services(compose):
    assert set(compose["services"]) == APP_SERVICES | INFRA | JOBS


def test_kafka_image_is_pinned(compose):
    assert compose["services"]["kafka"]["image"] == "apache/kafka:4.1.1"


def test_every_long_running_service_has_a_healthcheck(compose):
    missing = [
        name
        for name, svc in compose["services"].items()
        if _role(name, svc) == "service"
        and (not svc.get("healthcheck", {}).get("test") or svc["healthcheck"].get("disable"))
    ]
    assert missing == []


def test_jobs_run_once(compose):
    for name in JOBS:
        svc = compose["services"][name]
        assert _role(name, svc) == "job", f"{name} lacks label org.zezhou5g.role=job"
        assert svc.get("restart") == "no", f"job {name} must not be restarted"


def test_depends_on_waits_for_health(compose):
    services = compose["services"]
    problems = []
    for name, svc in services.items():
        deps = svc.get("depends_on", {})
        if isinstance(deps, list):
            problems.append(f"{name}: short depends_on form only waits for start")
            continue
        for dep, spec in deps.items():
            if dep not in services:
                problems.append(f"{name}: depends on unknown service {dep}")
                continue
            want = (
                "service_completed_successfully"
                if _role(dep, services[dep]) == "job"
                else "service_healthy"
            )
            if spec.get("condition") != want:
                got = spec.get("condition")
                problems.append(f"{name} -> {dep}: condition {got!r}, want {want}")
    assert problems == []


def test_app_services_wait_for_infrastructure(compose):
    for name in APP_SERVICES:
        deps = compose["services"][name].get("depends_on", {})
        assert {"kafka", "redis"} <= set(deps), f"{name} must wait for kafka and redis"
    for name in DATABASES:
        assert "postgres" in compose["services"][name]["depends_on"], name


def test_grpc_services_use_grpc_health_protocol(compose):
    for name in GRPC_SERVICES:
        test = " ".join(compose["services"][name]["healthcheck"]["test"])
        assert "grpc_health.v1" in test and "localhost:50051" in test, name


def test_builds_use_the_shared_dockerfile(compose):
    """One Dockerfile; SERVICE names the compose service and its source folder."""
    for name, svc in compose["services"].items():
        build = svc.get("build")
        if build is None:
            assert name in INFRA, f"{name} has no build and is not infrastructure"
            continue
        assert build.get("context") == ".", name
        assert build.get("dockerfile") == DOCKERFILE, name
        image = svc.get("image", "")
        if name in JOBS:
            assert build.get("target") == name, f"job {name} builds --target {name}"
        else:
            service_arg = build.get("args", {}).get("SERVICE")
            assert service_arg == name, f"{name}: build arg SERVICE={service_arg!r}"
            folder = REPO / ("services" if name in GRPC_SERVICES else "") / name
            assert (folder / "pyproject.toml").is_file(), f"no workspace member at {folder}"
            assert (folder / name).is_dir(), f"no package {folder / name} for `python -m {name}`"
            assert "target" not in build, f"{name} must build the default (runtime) stage"
        assert re.search(rf"/{re.escape(name)}:", image), f"{name}: image {image!r}"
    assert (REPO / DOCKERFILE).is_file()


def test_secrets_are_never_literal(compose):
    leaks = []
    for name, svc in compose["services"].items():
        env = svc.get("environment", {})
        assert isinstance(env, dict), f"{name}: use the mapping form of environment"
        for key, value in env.items():
            if SECRET_ENV.search(key) and not REQUIRED_VAR.search(str(value)):
                leaks.append(f"{name}.{key}")
    assert leaks == [], "secret values must come from ${VAR:?...} variables"


def test_secret_dsns_point_at_their_own_database(compose):
    for name in DATABASES:
        url = compose["services"][name]["environment"]["Z5G_DATABASE_URL"]
        assert url.startswith("postgresql+psycopg://"), name
        assert url.endswith(f"@postgres:5432/{name}"), name


def test_postgres_init_creates_every_database():
    sql = (REPO / "deploy/docker/postgres-init.sql").read_text()
    created = set(re.findall(r"CREATE DATABASE (\w+)", sql, re.IGNORECASE))
    assert created == DATABASES
    k8s_copy = REPO / "deploy/k8s/base/infra/postgres/init.sql"
    assert k8s_copy.read_text() == sql, f"{k8s_copy} drifted from the compose copy"


def test_named_volumes_are_declared(compose):
    declared = set(compose.get("volumes", {}))
    used = set()
    for svc in compose["services"].values():
        for vol in svc.get("volumes", []):
            source = vol.split(":", 1)[0] if isinstance(vol, str) else vol.get("source", "")
            if source and not source.startswith((".", "/", "$")):
                used.add(source)
    assert used <= declared, f"undeclared volumes: {used - declared}"
    assert {"kafka-data", "redis-data", "postgres-data", "models"} <= declared


def test_app_containers_are_hardened(compose):
    for name in APP_SERVICES:
        svc = compose["services"][name]
        assert svc.get("read_only") is True, name
        assert svc.get("user") == "10001:10001", name
        assert "ALL" in svc.get("cap_drop", []), name
        assert "/tmp" in svc.get("tmpfs", []), name


def test_models_reach_the_inference_services(compose):
    for name in ("tourism", "transport"):
        svc = compose["services"][name]
        assert "models:/models:ro" in svc["volumes"], name
        assert svc["environment"]["Z5G_MODELS_DIR"] == "/models", name


def test_only_the_gateway_is_published(compose):
    published = {n for n, s in compose["services"].items() if s.get("ports")}
    assert published == {"gateway"}


# ---- the compose loader itself (compose-go, as `docker compose config`) -------


@pytest.fixture(scope="module")
def resolved(deploy_tools) -> dict:
    """The project as compose resolves it with the dev env file."""
    proc = _composecheck(deploy_tools["COMPOSECHECK"], COMPOSE_FILE, DEV_ENV_FILE)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_compose_loads_with_the_dev_env_file(resolved):
    assert set(resolved["services"]) == APP_SERVICES | INFRA | JOBS
    for name, svc in resolved["services"].items():
        for key, value in (svc.get("environment") or {}).items():
            assert value is None or "${" not in value, f"{name}.{key} not interpolated"


def test_kafka_cluster_id_is_a_kafka_uuid(resolved):
    cluster_id = resolved["services"]["kafka"]["environment"]["CLUSTER_ID"]
    raw = base64.urlsafe_b64decode(cluster_id + "==")
    assert len(raw) == 16 and base64.urlsafe_b64encode(raw).decode().rstrip("=") == cluster_id


def test_dev_secrets_have_the_documented_shape(resolved):
    gateway = resolved["services"]["gateway"]["environment"]
    assert len(gateway["Z5G_SESSION_SECRET"]) >= 32
    face_key = resolved["services"]["transport"]["environment"]["Z5G_TRANSPORT_FACE_KEY"]
    assert len(face_key) >= 32


def test_compose_refuses_to_start_without_secrets(deploy_tools):
    proc = _composecheck(deploy_tools["COMPOSECHECK"], COMPOSE_FILE)
    assert proc.returncode != 0
    for var in ("Z5G_POSTGRES_PASSWORD", "Z5G_SESSION_SECRET", "Z5G_DEVICE_TOKENS",
                "Z5G_TRANSPORT_FACE_KEY", "Z5G_SERVICE_PRINCIPAL_KEY"):
        assert f"set {var}" in proc.stderr, var


def test_compose_loader_rejects_a_dangling_dependency(deploy_tools, compose, tmp_path):
    """Sanity: the loader catches what the schema cannot (cross references)."""
    broken = copy.deepcopy(compose)
    broken["services"]["redis"]["depends_on"] = {
        "no-such-service": {"condition": "service_healthy"}
    }
    path = tmp_path / "docker-compose.yml"
    path.write_text(yaml.safe_dump(broken))
    proc = _composecheck(deploy_tools["COMPOSECHECK"], path, DEV_ENV_FILE)
    assert proc.returncode != 0
    assert "no-such-service" in proc.stderr


def test_services_share_the_principal_key_and_stay_on_the_compose_network(resolved):
    envs = {n: resolved["services"][n]["environment"] for n in GRPC_SERVICES | {"gateway"}}
    keys = {e["Z5G_SERVICE_PRINCIPAL_KEY"] for e in envs.values()}
    assert len(keys) == 1 and len(next(iter(keys))) >= 32
    for name in GRPC_SERVICES:
        # Listening on the container's interface is safe only because nothing is published.
        assert envs[name]["Z5G_GRPC_HOST"] == "0.0.0.0"
        assert not resolved["services"][name].get("ports"), name
