"""The scenario declarations (gateway/scenarios/) and the rule that routes stay generic.

Each scenario is declared once; the generic routes iterate over the declarations, and no route
module imports another (the streams route once imported the agri and medical routes to scope a
farmer's and a clinician's stream).
"""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path
from typing import cast

import pytest
from fastapi import Request
from gateway.auth import Principal
from gateway.scenarios import DEVICE_INGEST, SCENARIOS, STATUS_STREAMS, consoles_of
from gateway.stream import StreamHub
from gateway.users import DEMO_USERS, Role
from zezhou5g import contracts

ROUTES = Path(__file__).resolve().parents[1] / "gateway" / "routes"
# Routes that serve every scenario alike: they may know the declarations, never a scenario.
GENERIC = ("streams.py", "public.py", "auth.py", "device_admin.py", "health.py")
DEVICES = ROUTES.parent / "devices.py"


def _imports(source: str, package: str = "gateway.routes") -> set[str]:
    """Every module ``source`` imports, relative imports resolved against ``package``."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            out.add(base)
            out |= {f"{base}.{a.name}" for a in node.names}
    return out


def _route_imports(source: str) -> set[str]:
    """The route modules that ``source`` imports."""
    return {m for m in _imports(source) if m.startswith("gateway.routes.")}


def test_the_import_check_sees_every_way_of_importing_a_route_module() -> None:
    assert _route_imports("from gateway.routes import agri, medical") >= {
        "gateway.routes.agri", "gateway.routes.medical"}
    assert "gateway.routes.agri" in _route_imports("import gateway.routes.agri")
    assert "gateway.routes.agri" in _route_imports("from gateway.routes.agri import x")
    assert "gateway.routes.agri" in _route_imports("from . import agri")
    assert "gateway.routes.agri" in _route_imports("from .agri import own_field_ids")
    assert not _route_imports("from gateway.scenarios import SCENARIOS\nimport asyncio")


@pytest.mark.parametrize("module", sorted(p.name for p in ROUTES.glob("*.py")))
def test_no_route_module_imports_another(module: str) -> None:
    source = (ROUTES / module).read_text(encoding="utf-8")
    assert not _route_imports(source), f"routes/{module} imports {_route_imports(source)}"


@pytest.mark.parametrize("path", [ROUTES / m for m in GENERIC] + [DEVICES],
                         ids=lambda p: p.name)
def test_generic_routes_name_no_scenario(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set(SCENARIOS)
    literals = {n.value for n in ast.walk(tree)
                if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    assert not names & literals, f"{path.name} names {names & literals}"
    by_scenario = {m for m in _imports(path.read_text(encoding="utf-8"))
                   if m.startswith("gateway.scenarios.") and m.split(".")[2] in names}
    assert not by_scenario, f"{path.name} imports {by_scenario}"


def test_every_scenario_is_declared_once_with_the_topics_proto_declares() -> None:
    assert list(SCENARIOS) == ["tourism", "medical", "agri", "transport"]
    assert {t.scenario for t in contracts.BY_NAME.values()} == set(SCENARIOS)
    for name, s in SCENARIOS.items():
        assert s.name == name
        assert set(s.streams) == {t.name for t in contracts.streamed(name)}, name
        assert Role.ADMIN in s.console_roles, name
    # Each topic is one scenario's, each device route too.
    assert len(STATUS_STREAMS) == sum(len(s.streams) for s in SCENARIOS.values())
    assert len(DEVICE_INGEST) == sum(len(s.devices) for s in SCENARIOS.values())
    assert all(STATUS_STREAMS[t].scenario == n for n, s in SCENARIOS.items() for t in s.streams)


def test_a_scenario_scopes_its_stream_exactly_when_a_topic_declares_a_scope_field() -> None:
    for name, s in SCENARIOS.items():
        scoped_topics = {t for t, stream in s.streams.items() if stream.scope_field}
        assert (s.stream_scope is not None) == bool(scoped_topics), name
        if s.stream_scope is not None:
            assert s.stream_scope.roles <= s.console_roles, name
            assert Role.ADMIN not in s.stream_scope.roles, name
    assert SCENARIOS["medical"].stream_scope.roles == {Role.CLINICIAN}  # type: ignore[union-attr]
    assert SCENARIOS["agri"].stream_scope.roles == {Role.FARMER}  # type: ignore[union-attr]


def _principal(role: Role, unit: str | None = None) -> Principal:
    return Principal(f"someone-{role.value}", "某人", role, unit)


def _scope(scenario: str, who: Principal) -> frozenset[str] | None:
    # Roles a declaration does not scope, and claim-based rules, need no request.
    return asyncio.run(SCENARIOS[scenario].stream_scope_of(cast(Request, None), who))


def test_stream_scope_comes_from_the_declaration() -> None:
    assert _scope("medical", _principal(Role.CLINICIAN, "team-a")) == {"team-a"}
    assert _scope("medical", _principal(Role.CLINICIAN)) == frozenset()  # sees no patient
    assert _scope("medical", _principal(Role.ADMIN)) is None
    assert _scope("agri", _principal(Role.AGRI_BUREAU)) is None
    assert _scope("agri", _principal(Role.ADMIN)) is None
    assert _scope("tourism", _principal(Role.SCENIC_OPERATOR, "jueshan")) is None


def test_the_hub_scopes_only_the_topics_that_declare_a_scope_field() -> None:
    hub = StreamHub("127.0.0.1:1", {t: s.message for t, s in STATUS_STREAMS.items()},
                    {t: s.scope_field for t, s in STATUS_STREAMS.items() if s.scope_field})
    medical = SCENARIOS["medical"]
    team_a = hub.subscribe(medical.streams, _scope("medical", _principal(Role.CLINICIAN,
                                                                         "team-a")))
    admin = hub.subscribe(medical.streams, _scope("medical", _principal(Role.ADMIN)))
    hub._deliver("medical.patient.status", "b", "team-b")
    hub._deliver("medical.patient.status", "a", "team-a")
    hub._deliver("medical.prearrival", "ed", "")
    hub._deliver("agri.alarms", "other scenario", "field-e1")
    got = {name: [sub.queue.get_nowait() for _ in range(sub.queue.qsize())]
           for name, sub in (("team-a", team_a), ("admin", admin))}
    assert got == {"team-a": ["a", "ed"], "admin": ["b", "a", "ed"]}


def test_consoles_a_role_opens_follow_the_declarations() -> None:
    assert consoles_of(Role.ADMIN) == list(SCENARIOS)
    assert consoles_of(Role.FARMER) == consoles_of(Role.AGRI_BUREAU) == ["agri"]
    assert consoles_of(Role.CLINICIAN) == ["medical"]
    for *_, role, _unit in DEMO_USERS:
        assert consoles_of(role), f"role {role} opens no console"


def test_the_public_overview_is_the_declared_summaries() -> None:
    # Medical has patient data only: nothing of it is on the public overview.
    assert {n for n, s in SCENARIOS.items() if s.public_summary} == {
        "tourism", "agri", "transport"}
