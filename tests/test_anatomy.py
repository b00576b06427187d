"""The services' shape (issue 12): where Redis keys, transactions and dedupe may appear.

- A Redis key is spelled only in a service's ``adapters/`` (use cases call store methods).
- WATCH/MULTI and the consumed-id dedupe exist once, in ``zezhou5g.platform.outbox``.
- Every service has the same rooms: ``app/``, ``domain/``, ``adapters/``.

Topic names are checked by tests/test_contracts.py (only the generated registry spells them).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("tourism", "medical", "agri", "transport")
OUTBOX = ROOT / "libs/zezhou5g/src/zezhou5g/platform/outbox.py"
# "<service>:" at the start of a string literal (or of an f-string's first part).
KEY = re.compile(r"^(tourism|medical|agri|transport|seen):[\w{]")


def _sources(service: str) -> list[Path]:
    pkg = ROOT / "services" / service / service
    return sorted(p for p in pkg.rglob("*.py")
                  if "tests" not in p.parts and "migrations" not in p.parts)


def _literals(tree: ast.AST) -> list[tuple[int, str]]:
    """String constants and the leading text of f-strings, with line numbers (not docstrings)."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr) and node.values:
            first = node.values[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                out.append((node.lineno, first.value))
                docstrings.add(id(first))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and id(node) not in docstrings):
            out.append((node.lineno, node.value))
    return out


def _calls(tree: ast.AST, names: set[str]) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver = node.func.value
            # ``unit.watch(...)`` is the primitive's own API (RedisUnit.watch): allowed.
            if node.func.attr in names and not (isinstance(receiver, ast.Name)
                                                and receiver.id == "unit"):
                found.append((node.lineno, node.func.attr))
        if isinstance(node, ast.Attribute) and node.attr == "WatchError":
            found.append((node.lineno, "WatchError"))
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_redis_keys_are_spelled_only_in_adapters(service):
    offenders = []
    for path in _sources(service):
        if "adapters" in path.relative_to(ROOT).parts:
            continue
        for line, text in _literals(ast.parse(path.read_text(), str(path))):
            if KEY.match(text):
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {text!r}")
    assert not offenders, "Redis key outside adapters/:\n" + "\n".join(offenders)


def test_transactions_and_dedupe_exist_once_in_the_platform():
    offenders = []
    files = [p for s in SERVICES for p in _sources(s)]
    files += sorted((ROOT / "libs/zezhou5g/src/zezhou5g").rglob("*.py"))
    files += sorted((ROOT / "gateway/gateway").rglob("*.py"))
    for path in files:
        if path == OUTBOX or "_pb2" in path.name:
            continue
        tree = ast.parse(path.read_text(), str(path))
        for line, name in _calls(tree, {"watch", "multi", "first_seen"}):
            offenders.append(f"{path.relative_to(ROOT)}:{line}: {name}")
    assert not offenders, ("WATCH/MULTI or a dedupe outside platform/outbox.py:\n"
                           + "\n".join(offenders))


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_has_the_same_rooms(service):
    pkg = ROOT / "services" / service / service
    for room in ("app", "domain", "adapters"):
        assert (pkg / room / "__init__.py").is_file(), f"{service} has no {room}/"
    assert (pkg / "grpc_api.py").is_file() and (pkg / "main.py").is_file()


def test_the_checks_catch_what_they_look_for():
    tree = ast.parse('K = f"medical:obs:{pid}"\nX = "agri:seen:1"\n'
                     'def f(p, unit):\n    """medical:doc is prose"""\n'
                     '    p.watch("k"); p.multi(); unit.watch("k")\n')
    texts = [t for _, t in _literals(tree) if KEY.match(t)]
    assert texts == ["medical:obs:", "agri:seen:1"]
    assert [n for _, n in _calls(tree, {"watch", "multi"})] == ["watch", "multi"]
