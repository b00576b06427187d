"""Convert patched tfjs graph models to canonical ONNX (runs in the conversion venv).

Invoked by ``models/build.py`` as::

    <venv>/bin/python models/convert_worker.py job.json

``job.json``: ``{"opset": 17, "models": [{"name", "tfjs_json", "output", "doc",
"probe_range": [lo, hi]}, ...]}``.  For every model it runs tf2onnx's CLI entry
point in-process (TensorFlow is imported once, which saves ~5 s per model on
2 cores), rewrites the result canonically (see onnx_canonical.py), writes it
to ``output`` and prints one JSON line per model to stdout::

    {"name": ..., "sha256": ..., "bytes": ..., "probe": {...}, "seconds": ...}

The probe runs the ONNX model in onnxruntime on a fixed pseudo-random input
and records permutation-invariant statistics of every output.  It is a smoke
test (the model loads and runs) and lets build.py tell "bytes differ but the
model computes the same thing" (e.g. constant folding on another CPU) from a
real toolchain change.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TF info/warning flood off
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")  # conversion is CPU-only

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxruntime as ort  # noqa: E402
from tf2onnx import convert as tf2onnx_convert  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from onnx_canonical import FORMAT_VERSION, canonicalize, serialize  # noqa: E402


def probe(model_bytes: bytes, lo: float, hi: float) -> dict:
    """Run the model on a seeded uniform input in [lo, hi]; summarise outputs."""
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1  # 1 thread: reduction order is reproducible
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    sess = ort.InferenceSession(model_bytes, opts, providers=["CPUExecutionProvider"])
    feeds = {}
    rng = np.random.default_rng(20240601)
    for inp in sess.get_inputs():
        shape = [d if isinstance(d, int) and d > 0 else 1 for d in inp.shape]
        feeds[inp.name] = rng.uniform(lo, hi, size=shape).astype(np.float32)
    outs = sess.run(None, feeds)
    stats = {}
    for meta, arr in zip(sess.get_outputs(), outs, strict=False):
        a = np.asarray(arr, dtype=np.float64)
        stats[meta.name] = {
            "shape": list(a.shape),
            "mean": float(f"{a.mean():.6g}"),
            "std": float(f"{a.std():.6g}"),
            "absmean": float(f"{np.abs(a).mean():.6g}"),
        }
    return {"seed": 20240601, "range": [lo, hi], "outputs": stats}


def convert_one(spec: dict, opset: int) -> dict:
    """Convert one TF.js graph to ONNX and probe it; returns its result record."""
    t0 = time.monotonic()
    raw = Path(spec["output"] + ".raw.onnx")
    argv = ["tf2onnx.convert", "--tfjs", spec["tfjs_json"], "--output", str(raw),
            "--opset", str(opset)]
    old_argv = sys.argv
    sys.argv = argv
    try:
        tf2onnx_convert.main()
    finally:
        sys.argv = old_argv
    model = canonicalize(onnx.load(str(raw)), spec["doc"])
    onnx.checker.check_model(model)
    data = serialize(model)
    raw.unlink()
    out = Path(spec["output"])
    out.write_bytes(data)
    lo, hi = spec["probe_range"]
    return {
        "name": spec["name"],
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "canonical": FORMAT_VERSION,
        "probe": probe(data, float(lo), float(hi)),
        "seconds": round(time.monotonic() - t0, 1),
    }


def main() -> int:
    """Run the conversion job file given as the first argument."""
    job = json.loads(Path(sys.argv[1]).read_text())
    for name in ("tf2onnx", "tensorflow"):
        logging.getLogger(name).setLevel(logging.ERROR)
    for spec in job["models"]:
        print(f"    converting {spec['name']} ...", file=sys.stderr, flush=True)
        result = convert_one(spec, int(job["opset"]))
        print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
