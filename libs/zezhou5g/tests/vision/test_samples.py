"""Locating the test material: vtest.avi (plain or gzipped), shared test data, hand counts."""

from __future__ import annotations

import gzip

import pytest
from zezhou5g.platform import paths
from zezhou5g.vision import samples


def test_gzipped_vtest_is_decompressed(monkeypatch, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    with gzip.open(data / "vtest.avi.gz", "wb") as f:
        f.write(b"RIFF-not-really-a-video")
    monkeypatch.setattr(samples, "OPENCV_DATA", data)
    monkeypatch.setattr(samples.tempfile, "gettempdir", lambda: str(tmp_path))
    path = samples.vtest_path()
    assert path.read_bytes() == b"RIFF-not-really-a-video"
    assert samples.vtest_path() == path  # cached


def test_missing_opencv_doc_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(samples, "OPENCV_DATA", tmp_path)
    with pytest.raises(FileNotFoundError, match="apt-get install -y opencv-doc"):
        samples.vtest_path()


def test_testdata_from_env(monkeypatch, tmp_path):
    monkeypatch.setenv("Z5G_TESTDATA", str(tmp_path))
    assert paths.testdata_dir() == tmp_path
    monkeypatch.setenv("Z5G_TESTDATA", str(tmp_path / "nope"))
    with pytest.raises(FileNotFoundError, match="Z5G_TESTDATA"):
        paths.testdata_dir()


def test_hand_counted_frames_exist_and_are_disjoint(testdata):
    assert not set(samples.VTEST_HAND_COUNTS) & set(samples.VTEST_CALIBRATION_COUNTS)
    assert max(samples.VTEST_HAND_COUNTS) < 795
    for rel in samples.PHOTO_HAND_COUNTS:
        assert (testdata / rel).is_file(), rel
