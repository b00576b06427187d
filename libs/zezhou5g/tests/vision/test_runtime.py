"""Model lookup, provider choice and batching of the ONNX runtime layer."""

from __future__ import annotations

import numpy as np
import pytest
from zezhou5g.vision import runtime
from zezhou5g.vision.runtime import ModelNotFoundError, OnnxModel, model_path, select_providers


def test_missing_model_error_says_how_to_build(monkeypatch, tmp_path):
    monkeypatch.setenv("Z5G_MODELS_DIR", str(tmp_path))
    with pytest.raises(ModelNotFoundError) as exc:
        model_path("centernet")
    assert "python3 models/build.py" in str(exc.value)
    assert str(tmp_path) in str(exc.value)


def test_models_dir_defaults_to_the_user_cache(monkeypatch):
    monkeypatch.delenv("Z5G_MODELS_DIR", raising=False)
    assert runtime.models_dir().parts[-3:] == (".cache", "zezhou5g", "models")


def test_provider_choice(monkeypatch):
    assert select_providers("cpu") == ["CPUExecutionProvider"]
    monkeypatch.setenv("Z5G_INFERENCE_DEVICE", "cpu")
    assert select_providers() == ["CPUExecutionProvider"]
    auto = select_providers("auto")
    assert auto[-1] == "CPUExecutionProvider"
    with pytest.raises(ValueError):
        select_providers("tpu")


def test_forcing_cuda_without_it_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(runtime.ort, "get_available_providers", lambda: ["CPUExecutionProvider"])
    with pytest.raises(RuntimeError, match="onnxruntime-gpu"):
        select_providers("cuda")


def test_batched_run_equals_one_by_one(vision_models):
    model = OnnxModel("faceres", device="cpu", max_batch=2)  # forces 2 chunks for 3 rows
    rng = np.random.default_rng(0)
    batch = rng.uniform(0, 255, size=(3, 224, 224, 3)).astype(np.float32)
    together = model.run(batch, ["global_pooling/Mean"])[0]
    single = np.concatenate([model.run(batch[i:i + 1], ["global_pooling/Mean"])[0]
                             for i in range(3)])
    assert together.shape == (3, 1024)
    np.testing.assert_allclose(together, single, rtol=1e-4, atol=1e-5)


def test_sface_as_built_takes_a_batch_and_weights_are_not_inputs(vision_models):
    # models/wheel_onnx_convert.py: the upstream graph has batch 1 and lists its weights as inputs.
    model = OnnxModel("sface", device="cpu")
    assert [i.name for i in model.session.get_inputs()] == ["data"]
    assert model.max_batch > 1
    batch = np.random.default_rng(0).uniform(0, 255, size=(3, 3, 112, 112)).astype(np.float32)
    (together,) = model.session.run(["fc1"], {"data": batch})
    single = np.concatenate([model.session.run(["fc1"], {"data": batch[i:i + 1]})[0]
                             for i in range(3)])
    assert together.shape == (3, 128)
    np.testing.assert_allclose(together, single, rtol=1e-4, atol=1e-5)


def test_fixed_batch_models_take_any_number_of_images(vision_models):
    model = OnnxModel("blazeface", device="cpu")
    assert model.max_batch == 1
    out = model.run(np.zeros((3, 256, 256, 3), np.float32))
    assert all(o.shape[0] == 3 for o in out)


def test_models_dir_follows_the_cache_dir_like_the_build(monkeypatch, tmp_path):
    # models/build.py writes to $Z5G_CACHE_DIR/models when only the cache dir is set.
    monkeypatch.delenv("Z5G_MODELS_DIR", raising=False)
    monkeypatch.setenv("Z5G_CACHE_DIR", str(tmp_path))
    assert runtime.models_dir() == tmp_path / "models"
