"""Helpers for models/build.py (standard library only).

Hashing, manifest JSON layout, tfjs graph patching and probe comparison.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

FUSED_OPS_NEEDING_TARGS = {"_FusedConv2D", "_FusedMatMul"}


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB chunks."""
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def dump_json(data: dict) -> str:
    """Indented JSON with short numeric lists (shapes, ranges) kept on one line."""
    text = json.dumps(data, indent=2)
    num = r"-?[0-9][0-9.eE+-]*"
    return re.sub(rf"\[\s+({num}(?:,\s+{num})*)\s+\]",
                  lambda m: "[" + ", ".join(x.strip() for x in m.group(1).split(",")) + "]",
                  text) + "\n"


def patch_tfjs_graph(graph: dict) -> int:
    """Add attributes that TF 2.15 requires but these old tfjs graphs lack.

    ``_FusedConv2D``/``_FusedMatMul`` need ``TArgs`` (one dtype per fused
    argument, ``num_args`` of them) and ``TopKV2`` needs ``Tk`` and
    ``index_type``.  (``FusedDepthwiseConv2dNative`` does not declare
    ``TArgs`` in TF 2.15, so it is left alone.)  Returns the number of nodes
    patched; idempotent.
    """
    patched = 0
    for node in graph["modelTopology"]["node"]:
        attr = node.setdefault("attr", {})
        if node["op"] in FUSED_OPS_NEEDING_TARGS and "TArgs" not in attr:
            n_args = int(attr.get("num_args", {}).get("i", "0"))
            attr["TArgs"] = {"list": {"type": ["DT_FLOAT"] * n_args}}
            patched += 1
        elif node["op"] == "TopKV2" and ("Tk" not in attr or "index_type" not in attr):
            attr.setdefault("Tk", {"type": "DT_INT32"})
            attr.setdefault("index_type", {"type": "DT_INT32"})
            patched += 1
    return patched


def probes_match(a: dict, b: dict, rtol: float = 1e-3, atol: float = 1e-5) -> bool:
    """True when two probe summaries (see convert_worker.probe) agree within tolerance."""
    """True when two probe runs' output statistics agree within tolerance."""
    oa, ob = a.get("outputs", {}), b.get("outputs", {})
    if oa.keys() != ob.keys():
        return False
    for k, sa in oa.items():
        sb = ob[k]
        if sa["shape"] != sb["shape"]:
            return False
        for stat in ("mean", "std", "absmean"):
            if abs(sa[stat] - sb[stat]) > atol + rtol * abs(sb[stat]):
                return False
    return True


def run_in_venv(py: Path, script: Path, args: list[str], what: str) -> dict:
    """Run ``script`` with the conversion venv's python; its last JSON stdout line.

    Raises:
        RuntimeError: the script failed (message has the tail of stderr).
    """
    import os
    import subprocess

    r = subprocess.run([str(py), str(script), *args], capture_output=True, text=True,
                       env=dict(os.environ, PYTHONNOUSERSITE="1"))
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("{")]
    if r.returncode != 0 or not lines:
        raise RuntimeError(f"{what} failed (exit {r.returncode}):\n{r.stderr.strip()[-3000:]}")
    result: dict = json.loads(lines[-1])
    return result


def output_stats(a) -> dict:  # noqa: ANN001 - a numpy array (the venv side only)
    """Probe record of one output: shape, mean, std, mean |x| (6 significant digits)."""
    return {"shape": list(a.shape), "mean": float(f"{a.mean():.6g}"),
            "std": float(f"{a.std():.6g}"), "absmean": float(f"{abs(a).mean():.6g}")}


def run_once(data: bytes, name: str, x, output: str | None = None):  # noqa: ANN001, ANN201
    """Output ``output`` (default: the only one) of ONNX ``data`` for input ``name`` = ``x``.

    As float64, one thread (numpy and onnxruntime: the venv side only).
    """
    import numpy as np
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    sess = ort.InferenceSession(data, opts, providers=["CPUExecutionProvider"])
    (out,) = sess.run(None if output is None else [output], {name: x})
    return np.asarray(out, dtype=np.float64)


def write_result(name: str, data: bytes, output: Path, probe: dict, t0: float) -> None:
    """Write the ONNX bytes and print the one JSON result line build.py reads."""
    import time

    output.write_bytes(data)
    print(json.dumps({"name": name, "sha256": hashlib.sha256(data).hexdigest(),
                      "bytes": len(data), "probe": probe,
                      "seconds": round(time.monotonic() - t0, 1)}), flush=True)
