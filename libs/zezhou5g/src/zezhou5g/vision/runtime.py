"""ONNX Runtime sessions: model file lookup, execution-provider choice, batching.

Environment:
    Z5G_MODELS_DIR: directory with the ``<name>.onnx`` files written by
        ``python3 models/build.py`` (default ``~/.cache/zezhou5g/models``).
    Z5G_INFERENCE_DEVICE: ``auto`` (default: CUDA when onnxruntime offers the
        CUDAExecutionProvider, else CPU), ``cpu`` or ``cuda`` (fail if absent).
    Z5G_INTRA_OP_THREADS / Z5G_INTER_OP_THREADS: thread pools of every session
        (default: onnxruntime's choice for intra-op, i.e. one per physical core,
        and 1 inter-op thread since these graphs are sequential).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnxruntime as ort

from zezhou5g.platform.paths import models_dir

MODELS_ENV = "Z5G_MODELS_DIR"
DEVICE_ENV = "Z5G_INFERENCE_DEVICE"
BUILD_HINT = "python3 models/build.py"
log = logging.getLogger(__name__)

# Severity 3 = errors only.  ORT's default (warning) prints one line per
# unused initializer / shape-inference hint for these converted graphs.
ort.set_default_logger_severity(3)


class ModelNotFoundError(FileNotFoundError):
    """A model file is missing; the message says how to build it."""


def model_path(name: str) -> Path:
    """Path of model ``name`` (e.g. ``"centernet"``) or a clear error if it was not built.

    Raises:
        ModelNotFoundError: the file does not exist.
    """
    path = models_dir() / f"{name}.onnx"
    if not path.is_file():
        raise ModelNotFoundError(
            f"model '{name}' not found at {path}. Build the models with `{BUILD_HINT}` from the "
            f"repository root (or point {MODELS_ENV} at a directory that has {name}.onnx).")
    return path


def select_providers(device: str | None = None) -> list[str]:
    """Execution providers for ``device`` ("auto", "cpu", "cuda"; None = $Z5G_INFERENCE_DEVICE).

    Raises:
        RuntimeError: "cuda" was requested but onnxruntime has no CUDA provider.
        ValueError: unknown device string.
    """
    dev = (device or os.environ.get(DEVICE_ENV) or "auto").strip().lower()
    available = ort.get_available_providers()
    has_cuda = "CUDAExecutionProvider" in available
    if dev == "cpu":
        return ["CPUExecutionProvider"]
    if dev == "cuda":
        if not has_cuda:
            raise RuntimeError(
                f"{DEVICE_ENV}=cuda but onnxruntime offers only {available}; install "
                "onnxruntime-gpu with a matching CUDA/cuDNN, or use auto/cpu")
        return ["CUDAExecutionProvider", "CPUExecutionProvider"]
    if dev != "auto":
        raise ValueError(f"unknown inference device {dev!r}; use auto, cpu or cuda")
    return ["CUDAExecutionProvider", "CPUExecutionProvider"] if has_cuda else [
        "CPUExecutionProvider"]


def _env_int(name: str) -> int | None:
    value = os.environ.get(name)
    return int(value) if value else None


def create_session(
    model: str | Path,
    *,
    device: str | None = None,
    intra_op_threads: int | None = None,
    inter_op_threads: int | None = None,
) -> ort.InferenceSession:
    """Create an InferenceSession for a model name (looked up with model_path) or a file path."""
    path = Path(model) if isinstance(model, Path) or str(model).endswith(".onnx") else model_path(
        str(model))
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.log_severity_level = 3
    intra = intra_op_threads if intra_op_threads is not None else _env_int("Z5G_INTRA_OP_THREADS")
    inter = inter_op_threads if inter_op_threads is not None else _env_int("Z5G_INTER_OP_THREADS")
    if intra is not None:
        opts.intra_op_num_threads = intra
    opts.inter_op_num_threads = inter if inter is not None else 1
    providers = select_providers(device)
    session = ort.InferenceSession(str(path), sess_options=opts, providers=providers)
    if providers[0] == "CUDAExecutionProvider" and providers[0] not in session.get_providers():
        # onnxruntime-gpu is installed but CUDA/cuDNN could not be loaded; ORT
        # then silently runs on CPU (its own warning is below our log level).
        wanted = (device or os.environ.get(DEVICE_ENV) or "auto").strip().lower()
        if wanted == "cuda":
            raise RuntimeError(f"CUDA requested for {path.name} but the CUDA provider failed "
                               "to load (check the CUDA/cuDNN libraries)")
        log.warning("CUDA provider failed to load for %s; running on CPU", path.name)
    return session


class OnnxModel:
    """A session plus batching: splits/concatenates along axis 0 as the graph allows.

    Some converted graphs have a fixed batch of 1 (centernet, nanodet,
    blazeface); others accept any batch (faceres, facemesh, antispoof,
    liveness).  ``run`` hides the difference.  Thread-safe: onnxruntime
    sessions allow concurrent ``run`` calls.
    """

    def __init__(self, name: str, *, device: str | None = None, max_batch: int = 32,
                 session: ort.InferenceSession | None = None) -> None:
        """Load model ``name`` (see model_path) on ``device``."""
        self.name = name
        self.session = session or create_session(name, device=device)
        inp = self.session.get_inputs()[0]
        self.input_name: str = inp.name
        self.input_shape: list[int | str | None] = list(inp.shape)
        first = self.input_shape[0]
        self.max_batch = first if isinstance(first, int) and first > 0 else max_batch
        self.output_names: list[str] = [o.name for o in self.session.get_outputs()]

    @property
    def providers(self) -> list[str]:
        """Providers the session actually uses, best first."""
        return list(self.session.get_providers())

    def run(self, batch: np.ndarray, outputs: Sequence[str] | None = None) -> list[np.ndarray]:
        """Run on ``batch`` (N, ...) float32; returns each requested output with N rows."""
        names = list(outputs) if outputs else self.output_names
        if batch.shape[0] == 0:
            raise ValueError("empty batch")
        parts: list[list[np.ndarray]] = []
        for start in range(0, batch.shape[0], self.max_batch):
            chunk = np.ascontiguousarray(batch[start:start + self.max_batch], dtype=np.float32)
            parts.append(self.session.run(names, {self.input_name: chunk}))
        if len(parts) == 1:
            return parts[0]
        return [np.concatenate([p[i] for p in parts], axis=0) for i in range(len(names))]


_CACHE: dict[tuple[str, str, str], OnnxModel] = {}
_LOCK = threading.Lock()


def load_model(name: str, device: str | None = None) -> OnnxModel:
    """Shared OnnxModel per (models dir, name, device): detectors reuse one session."""
    key = (str(models_dir()), name, device or os.environ.get(DEVICE_ENV) or "auto")
    with _LOCK:
        model = _CACHE.get(key)
        if model is None:
            model = _CACHE[key] = OnnxModel(name, device=device)
        return model
