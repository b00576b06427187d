"""Generated code is committed; it must be exactly what ``make proto`` produces now.

That covers the protoc modules and the topic registries made from the ``topic`` options: the
Python ``zezhou5g.contracts.topics`` and the front end's ``js/contracts.js``, which also lists
every enum's value names (``ENUMS``: what gateway/web/test/codes.test.js holds the pages' code
tables to).
"""

import filecmp
import functools
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@functools.cache
def _load_generator():
    spec = importlib.util.spec_from_file_location("gen_proto", ROOT / "scripts" / "gen_proto.py")
    module = importlib.util.module_from_spec(spec)
    # Registered before running: its dataclass looks its own module up while being made.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("generated")
    return out, _load_generator().generate(out)


def test_committed_generated_code_matches_proto(fresh: tuple[Path, list[Path]]) -> None:
    gen = _load_generator()
    out, files = fresh
    assert files, "protoc produced nothing"
    written = {path.relative_to(out) for path in files}
    # The registries are part of what is compared, not only the protoc modules.
    assert {gen.PY_REGISTRY, gen.JS_REGISTRY} <= written
    differences = []
    for rel in sorted(written):
        committed = ROOT / rel
        if not committed.exists() or not filecmp.cmp(out / rel, committed, shallow=False):
            differences.append(str(rel))
    for domain in gen.DOMAINS:
        for committed in (ROOT / gen.PY_SRC / "zezhou5g" / domain).rglob("*_pb2*.py*"):
            # Bytecode caches are not generated code (and appear once the tests import it).
            if committed.suffix not in (".py", ".pyi") or "__pycache__" in committed.parts:
                continue
            if committed.relative_to(ROOT) not in written:
                differences.append(f"{committed.relative_to(ROOT)} (stale)")
    assert not differences, f"run `make proto` and commit: {differences}"


def test_every_declared_topic_is_in_both_registries(fresh: tuple[Path, list[Path]]) -> None:
    gen = _load_generator()
    out, _ = fresh
    python = (out / gen.PY_REGISTRY).read_text(encoding="utf-8")
    js = (out / gen.JS_REGISTRY).read_text(encoding="utf-8")
    # The proto files' own count of declarations, read as text, not through the generator.
    declared = sum(p.read_text(encoding="utf-8").count("option (zezhou5g.common.v1.topic)")
                   for p in (ROOT / "proto").rglob("*.proto"))
    assert declared >= 20
    assert python.count(" = Topic(") == declared
    assert js.count("  [TOPICS.") == declared


def test_every_declared_enum_and_value_is_in_the_js_registry(
        fresh: tuple[Path, list[Path]]) -> None:
    """contracts.js ENUMS (what the pages' code tables are checked against) names each enum."""
    import re

    gen = _load_generator()
    out, _ = fresh
    js = (out / gen.JS_REGISTRY).read_text(encoding="utf-8")
    # The proto files' own enums and value names, read as text, not through the generator.
    declared: dict[str, list[str]] = {}
    for path in (ROOT / "proto").rglob("*.proto"):
        text = path.read_text(encoding="utf-8")
        package = re.search(r"^package ([\w.]+);", text, re.M).group(1)
        for name, body in re.findall(r"^enum (\w+) \{(.*?)^\}", text, re.M | re.S):
            declared[f"{package}.{name}"] = re.findall(r"^\s+([A-Z][A-Z0-9_]*) = \d+;", body, re.M)
    assert len(declared) >= 10 and "zezhou5g.medical.v1.ClinicalRisk" in declared
    for name, values in declared.items():
        block = re.search(rf'^  "{re.escape(name)}": Object.freeze\(\[\n(.*?)^  \]\),', js,
                          re.M | re.S)
        assert block, f"{name} missing from {gen.JS_REGISTRY}"
        assert re.findall(r'"(\w+)",', block.group(1)) == values, name


@pytest.mark.parametrize(("path", "ok"), [
    ("patient_id", True), ("meta.event_id", True),      # a string, a sub-message's string
    ("seq", False), ("meta.event_time", False),          # not strings
    ("meta", False), ("patient", False), ("meta.nope", False),
])
def test_key_and_scope_fields_must_name_a_string_field(path: str, ok: bool) -> None:
    from zezhou5g.medical.v1 import medical_pb2

    check = _load_generator()._string_field
    if ok:
        check(medical_pb2.VitalSigns.DESCRIPTOR, path, "key_field")
    else:
        with pytest.raises(SystemExit, match="key_field"):
            check(medical_pb2.VitalSigns.DESCRIPTOR, path, "key_field")
