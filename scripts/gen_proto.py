"""Generate code from proto/ (``make proto``): Python modules, the topic registries.

protoc writes the Python modules into the shared library. The ``(zezhou5g.common.v1.topic)``
options on event messages (proto/zezhou5g/common/v1/contract.proto) are then read from the
compiled descriptors and rendered twice: the Python registry ``zezhou5g.contracts.topics`` and
the front end's ES module ``gateway/web/static/js/contracts.js``. Nothing else declares a topic.
The value names of every enum of the zezhou5g packages (the codes that payloads carry: risk
bands, crowd levels, reasons) go into ``contracts.js`` too, as ``ENUMS``, so the front end's
translation tables can be checked against what the protos declare.

Everything generated is committed; ``tests/test_proto_codegen.py`` regenerates into a temporary
folder and fails on any difference, so the contracts and the code cannot drift apart.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from grpc_tools import protoc

ROOT = Path(__file__).resolve().parent.parent
PROTO = ROOT / "proto"
# Where generated files go, relative to the repository root (and to generate()'s ``out``).
PY_SRC = Path("libs/zezhou5g/src")
PY_REGISTRY = PY_SRC / "zezhou5g" / "contracts" / "topics.py"
JS_REGISTRY = Path("gateway/web/static/js/contracts.js")
DOMAINS = ("common", "tourism", "medical", "agri", "transport")
TOPIC_OPTION = "zezhou5g.common.v1.topic"
VISIBILITY_ENUM = "zezhou5g.common.v1.Visibility"
EVENT_META = "zezhou5g.common.v1.EventMeta"
_NAME = re.compile(r"[a-z][a-z0-9]*(\.[a-z][a-z0-9_]*)+")


@dataclass(frozen=True)
class Declared:
    """One topic as declared on its message in proto/."""

    name: str
    scenario: str
    module: str          # Python module of the message class, e.g. "medical_pb2"
    package: str         # its package, e.g. "zezhou5g.medical.v1"
    message: str         # class path within the module, e.g. "VitalSigns"
    full_name: str       # protobuf full name, e.g. "zezhou5g.medical.v1.VitalSigns"
    key_field: str
    visibility: str      # "internal" | "console" | "public"
    scope_field: str
    description: str
    flow: str

    @property
    def constant(self) -> str:
        """Constant name: "medical.patient.status" → ``MEDICAL_PATIENT_STATUS``."""
        return self.name.replace(".", "_").upper()


def _protoc(*args: str) -> None:
    include = Path(protoc.__file__).parent / "_proto"
    files = sorted(str(p.relative_to(PROTO)) for p in PROTO.rglob("*.proto"))
    if protoc.main(["protoc", f"-I{PROTO}", f"-I{include}", *args, *files]) != 0:
        raise SystemExit("protoc failed")


def _string_field(message: Descriptor, path: str, what: str) -> None:
    """Fail unless ``path`` (dotted) names a singular string field of ``message``."""
    descriptor = message
    parts = path.split(".")
    for i, part in enumerate(parts):
        field = descriptor.fields_by_name.get(part)
        if field is None:
            raise SystemExit(f"{message.full_name}: {what} {path!r}: no field {part!r}")
        if field.is_repeated:
            raise SystemExit(f"{message.full_name}: {what} {path!r} is repeated")
        if i < len(parts) - 1:
            if field.message_type is None:
                raise SystemExit(f"{message.full_name}: {what} {path!r}: {part} is no message")
            descriptor = field.message_type
        elif field.type != FieldDescriptor.TYPE_STRING:
            raise SystemExit(f"{message.full_name}: {what} {path!r} is not a string field")


def read_topics(descriptor_set: bytes) -> list[Declared]:
    """The topics declared in a serialized FileDescriptorSet (with imports), checked, by name.

    The descriptors go into a private pool, so the options are read with the contract.proto
    that was just compiled, not whatever version of the generated code is installed.
    """
    files = descriptor_pb2.FileDescriptorSet.FromString(descriptor_set).file
    pool = descriptor_pool.DescriptorPool()
    for file in files:
        pool.Add(file)
    classes = message_factory.GetMessageClassesForFiles([f.name for f in files], pool)
    options_class = classes["google.protobuf.MessageOptions"]
    # Any: the stubs type extensions of generated classes only, not of a private pool's.
    extension: Any = pool.FindExtensionByName(TOPIC_OPTION)
    visibility = pool.FindEnumTypeByName(VISIBILITY_ENUM).values_by_number
    found: list[Declared] = []

    def visit(file: descriptor_pb2.FileDescriptorProto, proto: descriptor_pb2.DescriptorProto,
              path: str) -> None:
        for nested in proto.nested_type:
            visit(file, nested, f"{path}.{nested.name}")
        options = options_class.FromString(proto.options.SerializeToString())
        declared: list[Any] = list(options.Extensions[extension])
        if not declared:
            return
        full_name = f"{file.package}.{path}"
        message = pool.FindMessageTypeByName(full_name)
        meta = message.fields_by_name.get("meta")
        if (meta is None or meta.number != 1 or meta.message_type is None
                or meta.message_type.full_name != EVENT_META):
            raise SystemExit(f"{full_name}: an event message carries EventMeta meta = 1")
        scenario = file.package.split(".")[1]
        for topic in declared:
            if not _NAME.fullmatch(topic.name) or topic.name.endswith(".dlq"):
                raise SystemExit(f"{full_name}: bad topic name {topic.name!r}")
            if topic.name.split(".")[0] != scenario:
                raise SystemExit(f"{full_name}: topic {topic.name!r} is not {scenario}.<what>")
            if topic.visibility == 0:
                raise SystemExit(f"{full_name}: topic {topic.name!r} needs a visibility")
            _string_field(message, topic.key_field, "key_field")
            if topic.scope_field:
                _string_field(message, topic.scope_field, "scope_field")
            found.append(Declared(
                name=topic.name, scenario=scenario, package=file.package,
                module=Path(file.name).stem + "_pb2", message=path, full_name=full_name,
                key_field=topic.key_field,
                visibility=visibility[topic.visibility].name.removeprefix("VISIBILITY_").lower(),
                scope_field=topic.scope_field, description=topic.description, flow=topic.flow))

    for file in files:
        if file.package.startswith("zezhou5g."):
            for proto in file.message_type:
                visit(file, proto, proto.name)
    names = [t.name for t in found]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise SystemExit(f"topics declared more than once: {twice}")
    modules = {(t.package, t.module) for t in found}
    if len({m for _, m in modules}) != len(modules):
        raise SystemExit(f"two proto files share a module name: {sorted(modules)}")
    return sorted(found, key=lambda t: t.name)


def read_enums(descriptor_set: bytes) -> dict[str, tuple[str, ...]]:
    """Value names of every enum in the zezhou5g packages, by full name, in number order.

    Nested enums are named through their message (``zezhou5g.x.v1.Message.Enum``).
    """
    found: dict[str, tuple[str, ...]] = {}

    def add(prefix: str, enums: Any) -> None:
        for enum in enums:
            found[f"{prefix}.{enum.name}"] = tuple(
                v.name for v in sorted(enum.value, key=lambda v: v.number))

    def visit(prefix: str, proto: descriptor_pb2.DescriptorProto) -> None:
        add(f"{prefix}.{proto.name}", proto.enum_type)
        for nested in proto.nested_type:
            visit(f"{prefix}.{proto.name}", nested)

    for file in descriptor_pb2.FileDescriptorSet.FromString(descriptor_set).file:
        if file.package.startswith("zezhou5g."):
            add(file.package, file.enum_type)
            for proto in file.message_type:
                visit(file.package, proto)
    return dict(sorted(found.items()))


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def render_python(topics: list[Declared]) -> str:
    """The Python registry module: one :class:`Topic` constant per topic, and ``ALL``."""
    lines = [
        '"""Kafka topics: generated by scripts/gen_proto.py from the ``topic`` options in proto/.',
        "",
        "Do not edit: change the declaration in proto/ and run ``make proto``. Use the constants,",
        "or look a topic up by name with :func:`zezhou5g.contracts.get`.",
        '"""',
        "",
    ]
    modules: dict[str, set[str]] = {"zezhou5g.contracts.topic": {"Topic", "Visibility"}}
    for t in topics:
        modules.setdefault(t.package, set()).add(t.module)
    lines += [f"from {package} import {', '.join(sorted(names))}"
              for package, names in sorted(modules.items())]
    for t in topics:
        lines += [
            "",
            f"{t.constant} = Topic(",
            f"    name={_q(t.name)},",
            f"    message={t.module}.{t.message},",
            f"    scenario={_q(t.scenario)},",
            f"    key_field={_q(t.key_field)},",
            f"    visibility=Visibility.{t.visibility.upper()},",
            f"    scope_field={_q(t.scope_field) if t.scope_field else None},",
            f"    description={_q(t.description)},",
            f"    flow={_q(t.flow)},",
            ")",
        ]
    lines += ["", "# Every declared topic, by name.", "ALL: tuple[Topic, ...] = ("]
    lines += [f"    {t.constant}," for t in topics]
    lines += [")", ""]
    return "\n".join(lines)


def render_js(topics: list[Declared], enums: dict[str, tuple[str, ...]]) -> str:
    """The front end's ES module: topic names, how each may be streamed, and the enums."""
    lines = [
        "// Kafka topics: generated by scripts/gen_proto.py from the `topic` options in proto/.",
        "// Do not edit: change the declaration in proto/ and run `make proto`.",
        "",
        "/** Topic names, one constant per topic (as `msg.topic` of a live-stream event). */",
        "export const TOPICS = Object.freeze({",
    ]
    lines += [f"  {t.constant}: {_q(t.name)}," for t in topics]
    lines += [
        "});",
        "",
        "/**",
        " * Per topic name: its scenario, payload message (protobuf full name), key field,",
        ' * visibility on the live streams ("internal" | "console" | "public") and scope field',
        ' * ("" when not scoped).',
        " */",
        "export const TOPIC_INFO = Object.freeze({",
    ]
    for t in topics:
        lines += [
            f"  [TOPICS.{t.constant}]: Object.freeze({{",
            f"    scenario: {_q(t.scenario)},",
            f"    message: {_q(t.full_name)},",
            f"    key: {_q(t.key_field)},",
            f"    visibility: {_q(t.visibility)},",
            f"    scope: {_q(t.scope_field)},",
            "  }),",
        ]
    lines += [
        "});",
        "",
        "/**",
        " * Per enum (protobuf full name): its value names in number order. Payloads carry enum",
        " * fields as these names (proto3 JSON; the zero value `…_UNSPECIFIED` is left out).",
        " * Pages translate them; gateway/web/test/codes.test.js checks every table against this.",
        " */",
        "export const ENUMS = Object.freeze({",
    ]
    for name, values in enums.items():
        lines.append(f"  {_q(name)}: Object.freeze([")
        lines += [f"    {_q(v)}," for v in values]
        lines.append("  ]),")
    lines += ["});", ""]
    return "\n".join(lines)


def generate(out: Path) -> list[Path]:
    """Generate everything into ``out``, laid out as in the repository; returns the files.

    Paths relative to ``out`` are the paths the files have relative to the repository root.
    """
    py = out / PY_SRC
    py.mkdir(parents=True, exist_ok=True)
    _protoc(f"--python_out={py}", f"--pyi_out={py}", f"--grpc_python_out={py}")
    written = []
    for domain in DOMAINS:
        for folder in (py / "zezhou5g" / domain, py / "zezhou5g" / domain / "v1"):
            init = folder / "__init__.py"
            if not init.exists():
                init.write_text("")
        written += sorted((py / "zezhou5g" / domain).rglob("*.py*"))
    with tempfile.TemporaryDirectory() as tmp:
        descriptor_set = Path(tmp) / "contracts.pb"
        _protoc("--include_imports", f"--descriptor_set_out={descriptor_set}")
        compiled = descriptor_set.read_bytes()
        topics = read_topics(compiled)
        enums = read_enums(compiled)
    for rel, text in ((PY_REGISTRY, render_python(topics)),
                      (JS_REGISTRY, render_js(topics, enums))):
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text, encoding="utf-8")
        written.append(out / rel)
    return written


def main() -> None:
    """Regenerate in place, replacing the previous generated folders and registries."""
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp))
        for domain in DOMAINS:
            target = ROOT / PY_SRC / "zezhou5g" / domain
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(Path(tmp) / PY_SRC / "zezhou5g" / domain, target)
        for rel in (PY_REGISTRY, JS_REGISTRY):
            shutil.copyfile(Path(tmp) / rel, ROOT / rel)
    count = sum(1 for _ in (ROOT / PY_SRC / "zezhou5g").rglob("*_pb2*.py*"))
    print(f"generated {count} proto modules, {PY_REGISTRY}, {JS_REGISTRY}", file=sys.stderr)


if __name__ == "__main__":
    main()
