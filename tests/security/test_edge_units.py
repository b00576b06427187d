"""Pure parts of the edge checks, table-driven: image headers, client address, limits.

Images are encoded by OpenCV (the decoder the transport service uses) so the header parser is
checked against real files; the second line, ``transport.adapters.vision.decode``, is run on a
bomb and must refuse it without the process's peak memory growing.
"""

from __future__ import annotations

import ipaddress
import resource
import struct

import cv2
import numpy as np
import pytest
from gateway.ratelimit import client_address, parse_networks
from google.protobuf import json_format
from zezhou5g.limits import violations
from zezhou5g.medical.v1 import medical_pb2
from zezhou5g.platform.imageheader import ImageRejected, check_image_bytes, read_header


@pytest.mark.parametrize("ext,fmt", [(".png", "png"), (".jpg", "jpeg"), (".webp", "webp")])
@pytest.mark.parametrize("w,h", [(640, 480), (17, 5003)])
def test_header_size_matches_what_opencv_encoded(ext, fmt, w, h):
    img = np.random.default_rng(0).integers(0, 255, (h, w, 3), dtype=np.uint8)
    ok, buf = cv2.imencode(ext, img)
    assert ok
    header = read_header(buf.tobytes())
    assert (header.format, header.width, header.height) == (fmt, w, h)


def test_lossless_webp_header():
    ok, buf = cv2.imencode(".webp", np.zeros((33, 77, 3), np.uint8),
                           [cv2.IMWRITE_WEBP_QUALITY, 101])  # >100: lossless (VP8L)
    assert ok and buf.tobytes()[12:16] == b"VP8L"
    assert read_header(buf.tobytes()).width == 77


def _jpeg_declaring(w: int, h: int) -> bytes:
    # SOI, an APP0 segment, then SOF0 declaring h × w: enough for any decoder to allocate.
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00" + b"\x00" * 9
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, h, w, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


@pytest.mark.parametrize("data,reason", [
    (_jpeg_declaring(65_000, 65_000), "too_many_pixels"),
    (_jpeg_declaring(4097, 10), "too_many_pixels"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + struct.pack(">II", 16000, 16000),
     "too_many_pixels"),
    (b"GIF89a" + b"\x00" * 20, "unknown_format"),
    (b"\xff\xd8\xff\xda\x00\x02", "bad_header"),
    (b"\xff\xd8" + b"\x00" * (9 * 1024 * 1024), "too_large_bytes"),
])
def test_refused_before_decoding(data, reason):
    with pytest.raises(ImageRejected) as err:
        check_image_bytes(data)
    assert err.value.reason == reason


def test_at_the_limit_is_accepted():
    assert check_image_bytes(_jpeg_declaring(4096, 4096)).width == 4096


def test_transport_decode_refuses_a_bomb_without_allocating():
    from transport.adapters.vision import BadImage, decode

    bomb = _jpeg_declaring(60_000, 60_000)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(BadImage, match="60000"):
        decode(bomb)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak < 10_000  # KB
    ok, buf = cv2.imencode(".jpg", np.full((100, 120, 3), 128, np.uint8))
    assert decode(buf.tobytes()).shape == (100, 120, 3)


PROXIES = parse_networks("10.0.0.0/8, 127.0.0.2")


@pytest.mark.parametrize("peer,xff,expected", [
    ("127.0.0.1", "1.2.3.4", "127.0.0.1"),            # untrusted peer: header ignored
    ("10.1.1.1", "1.2.3.4", "1.2.3.4"),               # trusted proxy: its client
    ("10.1.1.1", "6.6.6.6, 1.2.3.4", "1.2.3.4"),      # left part written by the client
    ("10.1.1.1", "1.2.3.4, 10.2.2.2", "1.2.3.4"),     # two trusted hops
    ("10.1.1.1", "10.3.3.3", "10.1.1.1"),             # only proxies: the peer
    ("10.1.1.1", None, "10.1.1.1"),
    (None, "1.2.3.4", "unknown"),
])
def test_client_address(peer, xff, expected):
    assert client_address(peer, xff, PROXIES) == expected


def test_no_proxies_by_default():
    assert parse_networks("") == []
    assert client_address("10.1.1.1", "1.2.3.4", []) == "10.1.1.1"
    assert ipaddress.ip_address("127.0.0.2") in PROXIES[1]


@pytest.mark.parametrize("field,value,ok", [
    ("heart_rate_bpm", 20, True), ("heart_rate_bpm", 250, True), ("heart_rate_bpm", -50, False),
    ("heart_rate_bpm", 1e9, False), ("spo2_pct", 100.5, False), ("spo2_pct", "NaN", False),
    ("temperature_c", 36.6, True), ("temperature_c", 4, False),
])
def test_vital_sign_limits(field, value, ok):
    msg = json_format.ParseDict({"patient_id": "p-1", field: value}, medical_pb2.VitalSigns())
    assert (violations(msg) == []) is ok
