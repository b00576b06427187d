"""Generated proto code is committed; it must be exactly what ``make proto`` produces now."""

import filecmp
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load_generator():
    spec = importlib.util.spec_from_file_location("gen_proto", ROOT / "scripts" / "gen_proto.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_generated_code_matches_proto(tmp_path: Path) -> None:
    gen = _load_generator()
    fresh = gen.generate(tmp_path)
    assert fresh, "protoc produced nothing"
    committed_root = ROOT / "libs" / "zezhou5g" / "src"
    differences = []
    for path in fresh:
        rel = path.relative_to(tmp_path)
        committed = committed_root / rel
        if not committed.exists() or not filecmp.cmp(path, committed, shallow=False):
            differences.append(str(rel))
    for domain in gen.DOMAINS:
        for committed in (committed_root / "zezhou5g" / domain).rglob("*_pb2*.py*"):
            # Bytecode caches are not generated code (and appear once the tests import it).
            if committed.suffix not in (".py", ".pyi") or "__pycache__" in committed.parts:
                continue
            if not (tmp_path / committed.relative_to(committed_root)).exists():
                differences.append(f"{committed.relative_to(committed_root)} (stale)")
    assert not differences, f"run `make proto` and commit: {differences}"
