"""Each Kafka topic is declared once, in proto/; everything else uses the generated registry.

The registry (``zezhou5g.contracts``) is checked against the declarations (keys, dead letters,
the services' and the gateway's views), and the source tree is searched for topic names
spelled as string literals anywhere but the generated registries.
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import pytest
from zezhou5g import contracts
from zezhou5g.contracts import topics
from zezhou5g.medical.v1 import medical_pb2

ROOT = Path(__file__).resolve().parents[1]
# The only files that may spell a topic name: what `make proto` generates from proto/.
GENERATED = {Path("libs/zezhou5g/src/zezhou5g/contracts/topics.py"),
             Path("gateway/web/static/js/contracts.js")}
# Tests pin the wire contract from outside on purpose; docs (Markdown) are not scanned.
ALLOWED_FOLDERS = {"tests", "test"}
SKIPPED_FOLDERS = {".git", ".venv", "node_modules", "__pycache__", ".run", ".mypy_cache",
                   ".pytest_cache", ".ruff_cache"}
# Literals that equal a topic name without being one, each with its reason.
EXCEPTIONS: dict[Path, set[str]] = {
    # Translation keys of the agri console's panel titles ("Alarms", "Work orders"), looked up
    # with t(): they name the panels, not the topics.
    Path("gateway/web/static/js/agri/i18n.js"): {"agri.alarms", "agri.orders"},
    Path("gateway/web/static/js/agri/console.js"): {"agri.alarms", "agri.orders"},
}


def _name_pattern(names: list[str]) -> str:
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


def _in_text(text: str, names: list[str]) -> set[str]:
    """Registered names (or their ``.dlq``) standing as a word in ``text``: not "x.a.b", "a.b.c"."""
    found = re.finditer(rf"(?<![\w.])({_name_pattern(names)})(?:\.dlq)?(?!\w|\.\w)", text)
    return {m.group(1) for m in found}


def python_literals(source: str, names: list[str]) -> set[str]:
    """Topic names in the string constants of Python ``source`` (docstrings and comments aside)."""
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    found: set[str] = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and id(node) not in docstrings):
            found |= _in_text(node.value, names)
    return found


def js_literals(source: str, names: list[str]) -> set[str]:
    """Topic names written as a whole quoted string ("…", '…' or `…`) in JavaScript ``source``."""
    found = re.finditer(rf"""(["'`])({_name_pattern(names)})(?:\.dlq)?\1""", source)
    return {m.group(2) for m in found}


def _sources() -> list[Path]:
    out = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [d for d in subfolders
                         if d not in SKIPPED_FOLDERS | ALLOWED_FOLDERS and not d.startswith(".")]
        for name in files:
            # Compiled protos embed their descriptors (the declaration itself), as bytes.
            if name.endswith((".py", ".js", ".mjs")) and not name.endswith(("_pb2.py",
                                                                              "_pb2_grpc.py")):
                out.append((Path(folder) / name).relative_to(ROOT))
    return sorted(out)


def test_no_topic_name_is_spelled_outside_the_generated_registry() -> None:
    names = sorted(contracts.BY_NAME)
    offenders = []
    scanned = 0
    for rel in _sources():
        if rel in GENERATED:
            continue
        text = (ROOT / rel).read_text(encoding="utf-8", errors="replace")
        found = python_literals(text, names) if rel.suffix == ".py" else js_literals(text, names)
        scanned += 1
        found -= EXCEPTIONS.get(rel, set())
        offenders += [f"{rel}: {name!r}" for name in sorted(found)]
    assert scanned > 100, f"only {scanned} files scanned: is the walk wrong?"
    assert not offenders, ("use zezhou5g.contracts.topics (Python) or js/contracts.js (front "
                           "end) instead of the name:\n" + "\n".join(offenders))


def test_the_search_finds_literals_and_leaves_prose_alone() -> None:
    names = ["medical.vitals", "agri.alarms"]
    code = '''"""Handles ``medical.vitals``."""

TOPIC = "medical.vitals"
DLQ = 'medical.vitals.dlq'
HELP = f"publish to agri.alarms, then {TOPIC}"
MODULE = "medical.vitals.validate"      # a dotted path below the name, not the topic
KEY = "agri.alarms.none"
# "agri.alarms" in a comment


def f():
    """Reads agri.alarms."""
'''
    assert python_literals(code, names) == {"medical.vitals", "agri.alarms"}
    assert python_literals(code.replace('TOPIC = "medical.vitals"', "TOPIC = X")
                           .replace("'medical.vitals.dlq'", "X"), names) == {"agri.alarms"}
    js = 'if (msg.topic === "agri.alarms") t("agri.alarms.none"); x = `medical.vitals`;'
    assert js_literals(js, names) == {"agri.alarms", "medical.vitals"}
    assert js_literals('t("agri.alarms.none"); // medical.vitals', names) == set()


def _set(message: object, path: str, value: str) -> None:
    *parents, last = path.split(".")
    for part in parents:
        message = getattr(message, part)
    setattr(message, last, value)


@pytest.mark.parametrize("topic", topics.ALL, ids=lambda t: t.name)
def test_key_of_reads_the_declared_key_field(topic: contracts.Topic) -> None:
    message = topic.message()
    _set(message, topic.key_field, "key-1")
    assert contracts.key_of(topic.name, message) == "key-1"
    assert topic.key(message) == "key-1"
    assert contracts.get(topic.name) is topic
    assert contracts.dlq_of(topic.name) == topic.name + ".dlq"
    if topic.scope_field:
        _set(message, topic.scope_field, "mine")
        assert topic.scope(message) == "mine"
    assert topic.name.split(".")[0] == topic.scenario


def test_vital_signs_are_keyed_by_patient_not_device() -> None:
    vitals = medical_pb2.VitalSigns(patient_id="p-1001", device_id="wear-1001")
    assert contracts.key_of(topics.MEDICAL_VITALS.name, vitals) == "p-1001"


def test_key_of_refuses_unknown_topics_and_wrong_payloads() -> None:
    with pytest.raises(KeyError, match="no topic"):
        contracts.key_of("medical.nosuch", medical_pb2.VitalSigns())
    with pytest.raises(TypeError, match="VitalSigns"):
        contracts.key_of(topics.MEDICAL_ALERTS.name, medical_pb2.VitalSigns(patient_id="p"))


def test_services_topic_modules_re_export_the_registry() -> None:
    from agri import topics as agri_topics
    from medical import topics as medical_topics
    from tourism import topics as tourism_topics
    from transport import topics as transport_topics

    seen = set()
    for module in (agri_topics, medical_topics, tourism_topics, transport_topics):
        for attr in dir(module):
            value = getattr(module, attr)
            if attr.isupper() and isinstance(value, str):
                assert value in contracts.BY_NAME, f"{module.__name__}.{attr} = {value!r}"
                seen.add(value)
            elif attr.isupper() and isinstance(value, dict):
                for name, message in value.items():
                    assert contracts.get(name).message is message, (module.__name__, attr)
    # Every declared topic is someone's: a service produces or consumes it.
    assert seen == set(contracts.BY_NAME)


def test_the_gateway_streams_what_the_declarations_say() -> None:
    from gateway.scenarios import DEVICE_INGEST, STATUS_STREAMS

    assert set(STATUS_STREAMS) == {t.name for t in contracts.streamed()}
    for name, stream in STATUS_STREAMS.items():
        topic = contracts.get(name)
        assert (stream.scenario, stream.message, stream.public, stream.scope_field) == (
            topic.scenario, topic.message, topic.public, topic.scope_field)
    wearable = DEVICE_INGEST[("medical", "readings")]
    assert wearable.contract.key_field == "patient_id" != wearable.device_field
