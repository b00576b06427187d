"""Generate Python code from proto/ into the shared library (``make proto``).

The generated modules are committed; ``tests/test_proto_codegen.py`` regenerates into a temporary
folder and fails on any difference, so the contracts and the code cannot drift apart.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from grpc_tools import protoc

ROOT = Path(__file__).resolve().parent.parent
PROTO = ROOT / "proto"
OUT = ROOT / "libs" / "zezhou5g" / "src"
DOMAINS = ("common", "tourism", "medical", "agri", "transport")


def generate(out: Path) -> list[Path]:
    """Run protoc for every .proto under proto/ into ``out``; returns the files written."""
    files = sorted(str(p.relative_to(PROTO)) for p in PROTO.rglob("*.proto"))
    include = Path(protoc.__file__).parent / "_proto"
    args = ["protoc", f"-I{PROTO}", f"-I{include}", f"--python_out={out}",
            f"--pyi_out={out}", f"--grpc_python_out={out}", *files]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    written = []
    for domain in DOMAINS:
        for folder in (out / "zezhou5g" / domain, out / "zezhou5g" / domain / "v1"):
            init = folder / "__init__.py"
            if not init.exists():
                init.write_text("")
        written += sorted((out / "zezhou5g" / domain).rglob("*.py*"))
    return written


def main() -> None:
    """Regenerate in place, replacing the previous generated folders."""
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp))
        for domain in DOMAINS:
            target = OUT / "zezhou5g" / domain
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(Path(tmp) / "zezhou5g" / domain, target)
    count = sum(1 for _ in (OUT / "zezhou5g").rglob("*_pb2*.py*"))
    print(f"generated {count} files", file=sys.stderr)


if __name__ == "__main__":
    main()
