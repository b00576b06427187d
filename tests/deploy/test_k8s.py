"""deploy/k8s: every overlay builds, validates against the Kubernetes schema
and meets the project's security and availability rules.

Schema validation uses kubernetes-validate in strict mode (unknown fields are
errors) against K8S_VERSION, the oldest Kubernetes the manifests support
(native gRPC probes, pod-index label and matchLabelKeys all need >= 1.28).
"""

from __future__ import annotations

import base64
import copy
from pathlib import Path

import kubernetes_validate
import pytest

K8S_DIR = Path(__file__).resolve().parents[2] / "deploy" / "k8s"

K8S_VERSION = "1.33.0"

OVERLAYS = sorted(p.name for p in (K8S_DIR / "overlays").iterdir() if p.is_dir())
PROD_OVERLAYS = [o for o in OVERLAYS if o.startswith("prod")]

GRPC_SERVICES = {"tourism", "medical", "agri", "transport"}
APPS = GRPC_SERVICES | {"gateway"}
WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"}
SECRET_NAME = "zezhou5g-secrets"
SECRET_KEYS = {
    "postgres-password",
    "medical-database-url",
    "agri-database-url",
    "transport-database-url",
    "gateway-database-url",
    "session-secret",
    "device-tokens",
    "face-key",
    "service-principal-key",
}
# (workload, container) allowed a writable root filesystem, with the reason
# next to the setting in the manifest. Keep this list short.
WRITABLE_ROOT_OK = {("kafka", "kafka")}


# ---- helpers ------------------------------------------------------------------


def pod_spec(obj: dict) -> dict:
    spec = obj["spec"]
    if obj["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    return spec["template"]["spec"]


def workloads(objs: list[dict]) -> list[dict]:
    return [o for o in objs if o["kind"] in WORKLOAD_KINDS]


def find(objs: list[dict], kind: str, name: str) -> dict:
    matches = [o for o in objs if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(matches) == 1, f"expected one {kind}/{name}, found {len(matches)}"
    return matches[0]


def all_containers(spec: dict):
    yield from spec.get("initContainers", [])
    yield from spec["containers"]


def env_value(container: dict, name: str):
    for env in container.get("env", []):
        if env["name"] == name:
            return env.get("value", env.get("valueFrom"))
    return None


def schema_errors(obj: dict) -> list[str]:
    try:
        kubernetes_validate.validate(obj, K8S_VERSION, strict=True)
    except kubernetes_validate.ValidationError as e:
        path = ".".join(str(p) for p in e.path)
        return [f"{obj['kind']}/{obj['metadata'].get('name')}: {path}: {e.message}"]
    except kubernetes_validate.SchemaNotFoundError as e:
        return [f"{obj['kind']}/{obj['metadata'].get('name')}: {e.message}"]
    return []


# ---- build and schema -----------------------------------------------------------


def test_expected_overlays_exist():
    assert {"dev", "prod", "prod-gpu"} <= set(OVERLAYS)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_objects_match_kubernetes_schema(render, overlay):
    objs = render(overlay)
    assert objs, f"overlays/{overlay} rendered nothing"
    errors = [err for obj in objs for err in schema_errors(obj)]
    assert errors == []


@pytest.mark.parametrize(
    "breakage",
    [
        pytest.param(
            lambda d: d["spec"]["template"]["spec"]["containers"][0].update(securityContex={}),
            id="misspelt-field",
        ),
        pytest.param(lambda d: d["spec"].update(replicas="two"), id="wrong-type"),
        pytest.param(lambda d: d["spec"].pop("selector"), id="missing-required"),
    ],
)
def test_validator_rejects_broken_manifest(render, breakage):
    """Sanity check: strict validation is on and can fail."""
    broken = copy.deepcopy(find(render("dev"), "Deployment", "gateway"))
    breakage(broken)
    assert schema_errors(broken), "kubernetes-validate accepted a broken Deployment"


def test_kustomize_rejects_broken_kustomization(kustomize_builder, tmp_path: Path):
    (tmp_path / "kustomization.yaml").write_text("resources:\n  - missing.yaml\n")
    assert kustomize_builder(tmp_path).returncode != 0


# ---- security -------------------------------------------------------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_pods_are_locked_down(render, overlay):
    problems = []
    for wl in workloads(render(overlay)):
        name = wl["metadata"]["name"]
        spec = pod_spec(wl)
        pod_sc = spec.get("securityContext", {})
        if pod_sc.get("seccompProfile", {}).get("type") != "RuntimeDefault":
            problems.append(f"{name}: pod seccompProfile must be RuntimeDefault")
        if spec.get("automountServiceAccountToken") is not False:
            problems.append(f"{name}: automountServiceAccountToken must be false")
        for c in all_containers(spec):
            where = f"{name}/{c['name']}"
            sc = c.get("securityContext", {})
            if not sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot")):
                problems.append(f"{where}: runAsNonRoot")
            if (sc.get("runAsUser", pod_sc.get("runAsUser")) or 0) == 0:
                problems.append(f"{where}: numeric non-zero runAsUser")
            if sc.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{where}: allowPrivilegeEscalation must be false")
            if "ALL" not in sc.get("capabilities", {}).get("drop", []):
                problems.append(f"{where}: capabilities must drop ALL")
            if sc.get("privileged"):
                problems.append(f"{where}: privileged")
            read_only = sc.get("readOnlyRootFilesystem") is True
            if not read_only and (name, c["name"]) not in WRITABLE_ROOT_OK:
                problems.append(f"{where}: readOnlyRootFilesystem must be true")
            if read_only and (name, c["name"]) in WRITABLE_ROOT_OK:
                problems.append(f"{where}: now read-only, drop it from WRITABLE_ROOT_OK")
    assert problems == []


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_container_has_requests_and_limits(render, overlay):
    problems = []
    for wl in workloads(render(overlay)):
        for c in all_containers(pod_spec(wl)):
            res = c.get("resources", {})
            for kind in ("requests", "limits"):
                for resource in ("cpu", "memory"):
                    if resource not in res.get(kind, {}):
                        problems.append(f"{wl['metadata']['name']}/{c['name']}: {kind}.{resource}")
    assert problems == []


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_app_containers_have_writable_tmp(render, overlay):
    """Read-only root: Python and its libraries still need a /tmp."""
    for wl in workloads(render(overlay)):
        spec = pod_spec(wl)
        empty_dirs = {v["name"] for v in spec.get("volumes", []) if "emptyDir" in v}
        for c in spec["containers"]:
            if c["image"].startswith("zezhou5g/"):
                mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
                assert mounts.get("/tmp") in empty_dirs, f"{wl['metadata']['name']}: /tmp"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_namespace_enforces_restricted_pod_security(render, overlay):
    objs = render(overlay)
    namespaces = [o for o in objs if o["kind"] == "Namespace"]
    assert len(namespaces) == 1
    ns = namespaces[0]
    labels = ns["metadata"].get("labels", {})
    assert labels.get("pod-security.kubernetes.io/enforce") == "restricted"
    for o in objs:
        if o["kind"] != "Namespace":
            assert o["metadata"].get("namespace") == ns["metadata"]["name"], o["metadata"]["name"]


# ---- probes and wiring ---------------------------------------------------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_container_has_probes(render, overlay):
    for wl in workloads(render(overlay)):
        for c in pod_spec(wl)["containers"]:
            for probe in ("readinessProbe", "livenessProbe"):
                assert probe in c, f"{wl['metadata']['name']}/{c['name']}: {probe}"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_grpc_services_use_native_grpc_probes(render, overlay):
    for name in GRPC_SERVICES:
        c = pod_spec(find(render(overlay), "Deployment", name))["containers"][0]
        for probe in ("readinessProbe", "livenessProbe"):
            assert c[probe].get("grpc", {}).get("port") == 50051, f"{name}: {probe}"
        ports = {p["name"]: p["containerPort"] for p in c["ports"]}
        assert ports == {"grpc": 50051, "metrics": 9100}, name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_gateway_http_probes(render, overlay):
    c = pod_spec(find(render(overlay), "Deployment", "gateway"))["containers"][0]
    assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert {p["containerPort"] for p in c["ports"]} == {8080}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_one_name_per_service(render, overlay):
    """Deployment, container, image and Service all carry the service name."""
    objs = render(overlay)
    for dep in (o for o in objs if o["kind"] == "Deployment"):
        name = dep["metadata"]["name"]
        c = pod_spec(dep)["containers"][0]
        assert c["name"] == name
        repo = c["image"].rsplit(":", 1)[0]
        assert repo.rsplit("/", 1)[-1] == name, c["image"]
        if name in APPS:
            assert find(objs, "Service", name)["spec"]["selector"] == {
                "app.kubernetes.io/name": name
            }


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_services_select_existing_pods(render, overlay):
    objs = render(overlay)
    pod_labels = [wl["spec"]["template"]["metadata"]["labels"] for wl in workloads(objs)]
    for svc in (o for o in objs if o["kind"] == "Service"):
        selector = svc["spec"]["selector"]
        assert any(selector.items() <= labels.items() for labels in pod_labels), (
            f"Service {svc['metadata']['name']} selects no pods"
        )


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_images_have_explicit_tags(render, overlay):
    for wl in workloads(render(overlay)):
        for c in all_containers(pod_spec(wl)):
            tag = c["image"].rsplit("/", 1)[-1].partition(":")[2]
            assert tag and tag != "latest", f"{wl['metadata']['name']}: {c['image']}"
            if overlay in PROD_OVERLAYS:
                assert tag != "dev", f"prod runs dev image {c['image']}"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_config_and_secret_references(render, overlay):
    objs = render(overlay)
    configmaps = {o["metadata"]["name"] for o in objs if o["kind"] == "ConfigMap"}
    secrets = {o["metadata"]["name"]: o for o in objs if o["kind"] == "Secret"}
    for wl in workloads(objs):
        for c in all_containers(pod_spec(wl)):
            for src in c.get("envFrom", []):
                assert src["configMapRef"]["name"] in configmaps
            for env in c.get("env", []):
                ref = env.get("valueFrom", {}).get("secretKeyRef")
                if not ref:
                    continue
                assert ref["key"] in SECRET_KEYS, f"undocumented secret key {ref['key']}"
                if overlay in PROD_OVERLAYS:
                    # External Secret: the exact name, no generator hash.
                    assert ref["name"] == SECRET_NAME
                else:
                    assert ref["key"] in secrets[ref["name"]]["data"]
    config = next(o for o in objs if o["kind"] == "ConfigMap" and "Z5G_ENV" in o.get("data", {}))
    assert {
        "Z5G_ENV",
        "Z5G_KAFKA_BOOTSTRAP",
        "Z5G_REDIS_URL",
        "Z5G_GRPC_PORT",
        "Z5G_METRICS_PORT",
        "Z5G_LOG_LEVEL",
    } <= set(config["data"])
    assert config["data"]["Z5G_ENV"] == ("prod" if overlay in PROD_OVERLAYS else "dev")


def test_readme_documents_every_secret_key():
    readme = (K8S_DIR / "README.md").read_text()
    assert SECRET_NAME in readme
    missing = [key for key in SECRET_KEYS if key not in readme]
    assert missing == []


def test_dev_generates_the_whole_secret(render):
    secrets = [o for o in render("dev") if o["kind"] == "Secret"]
    assert len(secrets) == 1
    assert set(secrets[0]["data"]) == SECRET_KEYS


# ---- overlay-specific ------------------------------------------------------------


def test_dev_runs_simulators_with_one_replica(render):
    objs = render("dev")
    find(objs, "Deployment", "simulators")
    for dep in (o for o in objs if o["kind"] == "Deployment"):
        assert dep["spec"].get("replicas", 1) == 1, dep["metadata"]["name"]


@pytest.mark.parametrize("overlay", PROD_OVERLAYS)
def test_prod_is_highly_available(render, overlay):
    objs = render(overlay)
    assert not [o for o in objs if o["kind"] == "Secret"], "prod must not ship secrets"
    names = {o["metadata"]["name"] for o in objs if o["kind"] == "Deployment"}
    assert names == APPS, "prod runs exactly the services and the gateway"
    pdb_selectors = [
        o["spec"]["selector"]["matchLabels"] for o in objs if o["kind"] == "PodDisruptionBudget"
    ]
    for name in APPS | {"kafka"}:
        wl = next(o for o in workloads(objs) if o["metadata"]["name"] == name)
        if name == "tourism":
            # The replicas share the cameras through the camera group: rolled like the others,
            # never fewer ready than asked (a new pod joins before an old one leaves).
            assert wl["spec"]["strategy"] == {
                "type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}
            c = pod_spec(wl)["containers"][0]
            assert env_value(c, "Z5G_CAMERA_ASSIGNMENT") == "group"
        if name in APPS:
            assert wl["spec"]["replicas"] >= 2, name
        labels = wl["spec"]["template"]["metadata"]["labels"]
        assert any(sel.items() <= labels.items() for sel in pdb_selectors), f"no PDB for {name}"
    hpa = find(objs, "HorizontalPodAutoscaler", "gateway")
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "gateway",
    }
    assert hpa["spec"]["minReplicas"] >= 2
    # tourism scales by the frames/s its pods cannot process (a metric the service exports).
    hpa = find(objs, "HorizontalPodAutoscaler", "tourism")
    assert hpa["spec"]["scaleTargetRef"]["name"] == "tourism"
    assert hpa["spec"]["minReplicas"] >= 2
    (metric,) = hpa["spec"]["metrics"]
    assert metric["type"] == "Pods"
    assert metric["pods"]["metric"]["name"] == "tourism_camera_fps_deficit"
    # agri and medical scale by their consumers' backlog, up to the partitions there are.
    kafka = pod_spec(find(objs, "StatefulSet", "kafka"))["containers"][0]
    partitions = int(env_value(kafka, "KAFKA_NUM_PARTITIONS"))
    for name in ("agri", "medical"):
        hpa = find(objs, "HorizontalPodAutoscaler", name)
        assert hpa["spec"]["scaleTargetRef"]["name"] == name
        assert 2 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"] <= partitions
        (metric,) = hpa["spec"]["metrics"]
        assert metric["pods"]["metric"]["name"] == "z5g_kafka_consumer_behind_seconds"


@pytest.mark.parametrize("overlay", PROD_OVERLAYS)
def test_prod_kafka_is_a_three_node_quorum(render, overlay):
    kafka = find(render(overlay), "StatefulSet", "kafka")
    assert kafka["spec"]["replicas"] == 3
    c = pod_spec(kafka)["containers"][0]
    voters = env_value(c, "KAFKA_CONTROLLER_QUORUM_VOTERS").split(",")
    assert voters == [f"{i}@kafka-{i}.kafka-headless:9093" for i in range(3)]
    assert env_value(c, "KAFKA_MIN_INSYNC_REPLICAS") == "2"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_kafka_cluster_id_is_a_kafka_uuid(render, overlay):
    c = pod_spec(find(render(overlay), "StatefulSet", "kafka"))["containers"][0]
    cluster_id = env_value(c, "CLUSTER_ID")
    raw = base64.urlsafe_b64decode(cluster_id + "==")
    assert len(raw) == 16 and base64.urlsafe_b64encode(raw).decode().rstrip("=") == cluster_id


def _gpu_requests(objs: list[dict]) -> dict[str, dict]:
    found = {}
    for wl in workloads(objs):
        for c in all_containers(pod_spec(wl)):
            res = c.get("resources", {})
            if "nvidia.com/gpu" in res.get("requests", {}) or "nvidia.com/gpu" in res.get(
                "limits", {}
            ):
                found[wl["metadata"]["name"]] = res
    return found


def test_gpu_overlay_puts_tourism_on_a_gpu(render):
    objs = render("prod-gpu")
    gpu = _gpu_requests(objs)
    assert set(gpu) == {"tourism"}
    assert gpu["tourism"]["requests"]["nvidia.com/gpu"] == 1
    assert gpu["tourism"]["limits"]["nvidia.com/gpu"] == 1
    spec = pod_spec(find(objs, "Deployment", "tourism"))
    c = spec["containers"][0]
    assert env_value(c, "Z5G_INFERENCE_DEVICE") == "cuda"
    # A GPU worker takes a larger share of the cameras than a CPU one.
    assert float(env_value(c, "Z5G_CAMERA_CAPACITY")) > 1
    assert c["image"].endswith("-cuda"), "GPU nodes need the onnxruntime-gpu image"
    assert spec["nodeSelector"] == {"nvidia.com/gpu.present": "true"}
    assert any(t["key"] == "nvidia.com/gpu" for t in spec["tolerations"])


@pytest.mark.parametrize("overlay", [o for o in OVERLAYS if "gpu" not in o])
def test_cpu_overlays_request_no_gpu(render, overlay):
    objs = render(overlay)
    assert _gpu_requests(objs) == {}
    c = pod_spec(find(objs, "Deployment", "tourism"))["containers"][0]
    assert env_value(c, "Z5G_INFERENCE_DEVICE") == "cpu"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_models_reach_the_inference_services(render, overlay):
    for name in ("tourism", "transport"):
        spec = pod_spec(find(render(overlay), "Deployment", name))
        init = {c["name"]: c for c in spec.get("initContainers", [])}
        assert init["models"]["image"].startswith("zezhou5g/models:"), name
        c = spec["containers"][0]
        assert env_value(c, "Z5G_MODELS_DIR") == "/models"
        mount = next(m for m in c["volumeMounts"] if m["mountPath"] == "/models")
        assert mount.get("readOnly") is True


# ---- service identity and network boundaries (issue 13) -------------------------


def _policies_for(objs: list[dict], app: str) -> list[dict]:
    """NetworkPolicies whose podSelector picks the pods of ``app``."""
    out = []
    for o in objs:
        if o["kind"] != "NetworkPolicy":
            continue
        sel = o["spec"]["podSelector"]
        labels = sel.get("matchLabels", {})
        exprs = sel.get("matchExpressions", [])
        if labels.get("app.kubernetes.io/name") == app or any(
                e["key"] == "app.kubernetes.io/name" and e["operator"] == "In"
                and app in e["values"] for e in exprs):
            out.append(o)
    return out


def _port_number(objs: list[dict], app: str, name: str) -> int:
    dep = find(objs, "Deployment", app)
    for c in pod_spec(dep)["containers"]:
        for p in c.get("ports", []):
            if p.get("name") == name:
                return int(p["containerPort"])
    raise AssertionError(f"{app} has no port named {name}")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_the_gateway_reaches_service_grpc_and_monitoring_their_metrics(render, overlay):
    objs = render(overlay)
    for app in sorted(GRPC_SERVICES):
        policies = _policies_for(objs, app)
        assert policies, f"{overlay}: no NetworkPolicy selects {app}"
        rules = [r for p in policies if "Ingress" in p["spec"]["policyTypes"]
                 for r in p["spec"].get("ingress", [])]
        grpc_port = _port_number(objs, app, "grpc")
        metrics_port = _port_number(objs, app, "metrics")
        for rule in rules:
            # Every rule names its ports and its peers: no "allow all" rule.
            assert rule.get("ports") and rule.get("from"), (app, rule)
            ports = {p["port"] for p in rule["ports"]}
            for peer in rule["from"]:
                assert "ipBlock" not in peer, (app, peer)
                if "podSelector" in peer and "namespaceSelector" not in peer:
                    assert peer["podSelector"] == {
                        "matchLabels": {"app.kubernetes.io/name": "gateway"}}, (app, peer)
                    assert ports <= {"grpc", grpc_port}, (app, rule)
                else:
                    assert peer == {"namespaceSelector": {"matchLabels": {
                        "kubernetes.io/metadata.name": "monitoring"}}}, (app, peer)
                    assert ports <= {"metrics", metrics_port}, (app, rule)
        allowed = {p["port"] for r in rules for p in r["ports"]}
        assert {"grpc", "metrics"} <= allowed, (app, allowed)


def test_network_policy_check_rejects_an_open_rule(render):
    objs = copy.deepcopy(render("dev"))
    policy = next(o for o in objs if o["kind"] == "NetworkPolicy")
    policy["spec"]["ingress"].append({"from": [{"podSelector": {}}],
                                      "ports": [{"port": "grpc", "protocol": "TCP"}]})
    with pytest.raises(AssertionError):
        test_only_the_gateway_reaches_service_grpc_and_monitoring_their_metrics(
            lambda _: objs, "dev")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_services_and_gateway_share_the_principal_key_and_listen_in_the_pod(render, overlay):
    objs = render(overlay)
    for app in sorted(APPS):
        (c, *_) = pod_spec(find(objs, "Deployment", app))["containers"]
        ref = env_value(c, "Z5G_SERVICE_PRINCIPAL_KEY")
        assert ref and ref["secretKeyRef"]["key"] == "service-principal-key", app
    config = next(o for o in objs if o["kind"] == "ConfigMap" and "Z5G_ENV" in o.get("data", {}))
    # Loopback is the code's default; a pod must listen on its interface for the gateway.
    assert config["data"]["Z5G_GRPC_HOST"] == "0.0.0.0"
    assert config["data"]["Z5G_METRICS_HOST"] == "0.0.0.0"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_gateway_names_its_trusted_proxies_and_none_is_everyone(render, overlay):
    from gateway.ratelimit import parse_networks

    (c, *_) = pod_spec(find(render(overlay), "Deployment", "gateway"))["containers"]
    value = env_value(c, "Z5G_TRUSTED_PROXIES")
    assert isinstance(value, str), "Z5G_TRUSTED_PROXIES must be set (empty: trust no proxy)"
    # A catch-all would let any client choose the address its sign-in attempts count under.
    assert all(net.prefixlen > 0 for net in parse_networks(value)), value
