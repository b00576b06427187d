"""The gateway's edges (issue 13, items 2, 3, 4, 6) against the real stack, attack by attack.

Framing and sniffing (headers on pages, API errors, static files); a 20 MB JSON body, a chunked
one and a 16,000 × 16,000 px PNG "bomb" on the public enrolment path (refused in < 1 s, the
transport process's resident memory printed and bounded); X-Forwarded-For rotation from an
untrusted peer, password guessing spread over addresses behind a trusted proxy, a session
token reused after sign-out; device tokens posting for another scenario, another patient,
another field or as a machine, and implausible values. Each refusal is asserted with its status
and its counter on ``/metrics``.
"""

from __future__ import annotations

import struct
import time
import uuid
import zlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from localinfra.metrics import sample

# Requests from 127.0.0.2 come "through a proxy"; 127.0.0.1 is an ordinary (untrusted) peer.
PROXY = "127.0.0.2"
GATEWAY_ENV = {"Z5G_TRUSTED_PROXIES": PROXY, "Z5G_UPLOAD_RATE_PER_MIN": "6"}
ENV_TOKEN = "tok-env-jueshan-0001"
WEAR_TOKEN = "tok-wear-1001-0001"
VITALS = {"patient_id": "p-1001", "device_id": "wear-1001", "seq": 1, "heart_rate_bpm": 72,
          "resp_rate_per_min": 14, "spo2_pct": 97, "systolic_mmhg": 120,
          "temperature_c": 36.8, "consciousness": "CONSCIOUSNESS_ALERT"}


@pytest.fixture(scope="module")
def base_env(base_env: dict[str, str]) -> dict[str, str]:
    """The session's environment plus this module's gateway settings (the stack reads it)."""
    return base_env | GATEWAY_ENV


@pytest.fixture(scope="module")
def edge(stack: dict) -> dict:
    """One stack whose gateway trusts 127.0.0.2 as a proxy and allows 6 uploads a minute."""
    return stack


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def _png_bomb(side: int = 16_000) -> bytes:
    """A valid greyscale PNG of side × side zero pixels: ~250 KB, ~770 MB once decoded as BGR."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    comp = zlib.compressobj(9)
    row = b"\x00" * (side + 1)  # filter byte + pixels
    idat = b"".join(comp.compress(row) for _ in range(side)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat)
            + chunk(b"IEND", b""))


def test_every_response_carries_the_security_headers(edge):
    url = edge["url"]
    for path, code in (("/", 200), ("/public.html", 200), ("/js/api.js", 200),
                       ("/api/auth/me", 401), ("/api/nosuch", 404), ("/metrics/", 200),
                       ("/healthz", 200)):
        r = httpx.get(url + path, timeout=5)
        assert r.status_code == code, path
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"], path
        assert "script-src 'self'" in r.headers["content-security-policy"], path
        assert "unsafe-inline" not in r.headers["content-security-policy"].split(
            "script-src")[1].split(";")[0]
        assert r.headers["x-frame-options"] == "DENY", path
        assert r.headers["x-content-type-options"] == "nosniff", path
        assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin", path
        assert "strict-transport-security" not in r.headers, path  # dev: plain HTTP
    # No page runs inline script, which the policy would block.
    static = Path(__file__).resolve().parents[2] / "gateway" / "web" / "static"
    for page in static.rglob("*.html"):
        text = page.read_text()
        assert text.count("<script") == text.count("<script src=") + text.count(
            '<script type="module" src='), page


def test_oversized_bodies_are_refused_before_parsing(edge):
    url = edge["url"]
    before = sample(url, "z5g_gateway_body_rejected_total", how="declared")
    started = time.monotonic()
    r = httpx.post(f"{url}/api/auth/login", content=b'{"username": "' + b"a" * 20_000_000
                   + b'"}', headers={"content-type": "application/json"}, timeout=30)
    assert r.status_code == 413 and time.monotonic() - started < 5
    assert r.headers["x-frame-options"] == "DENY"
    assert sample(url, "z5g_gateway_body_rejected_total", how="declared") == before + 1

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while it arrives
        yield b'{"username": "'
        for _ in range(40):
            yield b"a" * 65536
        yield b'", "password": "x"}'

    before = sample(url, "z5g_gateway_body_rejected_total", how="streamed")
    r = httpx.post(f"{url}/api/auth/login", content=chunks(),
                   headers={"content-type": "application/json"}, timeout=30)
    assert r.status_code == 413, r.text
    assert sample(url, "z5g_gateway_body_rejected_total", how="streamed") == before + 1


def _enrol(url: str, photo: bytes) -> httpx.Response:
    return httpx.post(f"{url}/api/transport/enrol", timeout=30, files={
        "photo": ("face.png", photo, "image/png")}, data={
        "ticket_id": "T-bomb", "id_number": "110101199001011234", "otp": "123456",
        "consent": "true", "consent_version": "v1"})


def test_image_bomb_is_refused_fast_and_transport_memory_stays_flat(edge):
    url = edge["url"]
    bomb = _png_bomb()
    transport = next(p for p in edge["procs"] if p.module == "transport")
    rss_before = _rss_mb(transport.popen.pid)
    before = sample(url, "z5g_gateway_image_rejected_total", reason="too_many_pixels")
    started = time.monotonic()
    r = _enrol(url, bomb)
    took = time.monotonic() - started
    rss_after = _rss_mb(transport.popen.pid)
    print(f"image bomb: {len(bomb) / 1024:.0f} KB declaring 16000×16000 px refused "
          f"{r.status_code} in {took * 1000:.0f} ms; transport RSS {rss_before:.0f} → "
          f"{rss_after:.0f} MB")
    assert r.status_code == 413 and "16000×16000" in r.json()["detail"], r.text
    assert took < 1.0
    assert rss_after - rss_before < 50
    assert sample(url, "z5g_gateway_image_rejected_total",
                   reason="too_many_pixels") == before + 1
    assert _enrol(url, b"GIF89a not an image").status_code == 422
    # The public upload path has its own per-client limit (6 a minute in this stack).
    codes = [_enrol(url, b"x").status_code for _ in range(8)]
    assert 429 in codes and codes[0] == 422, codes


def test_login_limits_ignore_forged_forwarded_for_and_count_per_account(edge, stack_client):
    url = edge["url"]
    stack_client.clear_login_limits(edge)
    # An untrusted peer rotating X-Forwarded-For is still one client.
    codes = [httpx.post(f"{url}/api/auth/login", json={"username": "admin", "password": "x"},
                        headers={"X-Forwarded-For": f"10.9.{i}.1"}).status_code
             for i in range(12)]
    assert codes[:10] == [401] * 10 and codes[10:] == [429, 429]
    stack_client.clear_login_limits(edge)
    # Through the trusted proxy every guess comes from another address: the account's own
    # limit stops them, and then even the right password is refused until the window ends.
    before = sample(url, "z5g_gateway_rate_limited_total", bucket="login_account")
    with httpx.Client(base_url=url, transport=httpx.HTTPTransport(local_address=PROXY)) as via:
        codes = [via.post("/api/auth/login", json={"username": "dr-li", "password": f"g{i}"},
                          headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code
                 for i in range(11)]
        right = via.post("/api/auth/login", json={"username": "dr-li",
                                                  "password": edge["password"]},
                         headers={"X-Forwarded-For": "198.51.100.7"})
        other = via.post("/api/auth/login", json={"username": "dr-wang",
                                                  "password": edge["password"]},
                         headers={"X-Forwarded-For": "203.0.113.1"})
    assert codes[:10] == [401] * 10 and codes[10] == 429, codes
    assert right.status_code == 429 and other.status_code == 200
    assert sample(url, "z5g_gateway_rate_limited_total", bucket="login_account") == before + 2
    stack_client.clear_login_limits(edge)


def test_a_token_is_dead_after_sign_out(edge, sign_in):
    url = edge["url"]
    client = sign_in(edge, "dr-wang")
    set_cookie = client.post("/api/auth/login", json={
        "username": "dr-wang", "password": edge["password"]}).headers["set-cookie"].lower()
    cookie = client.cookies["z5g_session"]
    assert "httponly" in set_cookie and "samesite=strict" in set_cookie
    assert client.post("/api/auth/logout").status_code == 204
    before = sample(url, "z5g_gateway_revoked_token_used_total")
    stolen = httpx.get(f"{url}/api/auth/me", cookies={"z5g_session": cookie})
    assert stolen.status_code == 401
    assert sample(url, "z5g_gateway_revoked_token_used_total") == before + 1


def _post(url: str, scenario: str, kind: str, body: dict, token: str) -> httpx.Response:
    return httpx.post(f"{url}/api/devices/{scenario}/{kind}", json=body, timeout=10,
                      headers={"Authorization": f"Bearer {token}"})


def _rejected(url: str, reason: str) -> float:
    return sample(url, "z5g_gateway_device_rejected_total", reason=reason)


def test_devices_post_only_about_their_own_subject(edge, sign_in):
    url = edge["url"]
    admin = sign_in(edge, "admin")
    cases = [  # (scenario, kind, body, token, status, reason)
        # A tourism environment sensor's token posting vitals.
        ("medical", "readings", VITALS | {"device_id": "env-jueshan-gate"}, ENV_TOKEN, 403,
         "wrong_scenario"),
        # A wearable posting for another patient.
        ("medical", "readings", VITALS | {"patient_id": "p-1002"}, WEAR_TOKEN, 403,
         "subject_mismatch"),
        ("medical", "readings", VITALS | {"heart_rate_bpm": -50}, WEAR_TOKEN, 422,
         "implausible"),
        ("medical", "readings", VITALS | {"heart_rate_bpm": 1e9}, WEAR_TOKEN, 422,
         "implausible"),
    ]
    probe = f"soil-x{uuid.uuid4().hex[:6]}"
    r = admin.post("/api/admin/devices", json={"device_id": probe, "scenario": "agri",
                                                "kind": "soil_probe", "subject": "field-e1"})
    assert r.status_code == 201, r.text
    soil_token = r.json()["token"]
    soil = {"device_id": probe, "field_id": "field-e1", "soil_moisture_vwc": 0.31}
    cases += [
        ("agri", "readings", soil | {"field_id": "field-e3"}, soil_token, 403,
         "subject_mismatch"),
        ("agri", "machines", {"machine_id": probe, "lat": 35.5, "lon": 112.8},
         soil_token, 403, "wrong_kind"),
        ("agri", "readings", soil | {"soil_moisture_vwc": 5.0}, soil_token, 422,
         "implausible"),
    ]
    for scenario, kind, body, token, code, reason in cases:
        before = _rejected(url, reason)
        r = _post(url, scenario, kind, body, token)
        assert r.status_code == code, (scenario, kind, body, r.text)
        assert _rejected(url, reason) == before + 1, reason
    assert _post(url, "agri", "readings", soil, soil_token).status_code == 202
    assert _post(url, "medical", "readings", VITALS, WEAR_TOKEN).status_code == 202

    # Rotation and revocation apply to the next post, without a restart.
    new = admin.post(f"/api/admin/devices/{probe}/token").json()["token"]
    assert _post(url, "agri", "readings", soil, soil_token).status_code == 401
    assert _post(url, "agri", "readings", soil, new).status_code == 202
    assert admin.delete(f"/api/admin/devices/{probe}").status_code == 204
    before = _rejected(url, "revoked_token")
    assert _post(url, "agri", "readings", soil, new).status_code == 401
    assert _rejected(url, "revoked_token") == before + 1
    assert sign_in(edge, "farmer-zhao").get("/api/admin/devices").status_code == 403


def test_a_clinician_reassigns_a_wearable_and_it_is_audited(edge, sign_in):
    url = edge["url"]
    clinician = sign_in(edge, "dr-wang")
    r = clinician.put("/api/admin/devices/wear-1001/subject", json={"subject": "p-1002"})
    assert r.status_code == 200 and r.json()["subject"] == "p-1002", r.text
    try:
        assert _post(url, "medical", "readings", VITALS | {"patient_id": "p-1002"},
                     WEAR_TOKEN).status_code == 202
        assert _post(url, "medical", "readings", VITALS, WEAR_TOKEN).status_code == 403
        assert sign_in(edge, "station-ops").put(
            "/api/admin/devices/wear-1001/subject",
            json={"subject": "p-1003"}).status_code == 403
        trail = sign_in(edge, "admin").get("/api/admin/devices/wear-1001/audit").json()
        assert trail[-1]["actor"] == "dr-wang" and trail[-1]["detail"] == "p-1001 → p-1002"
    finally:
        clinician.put("/api/admin/devices/wear-1001/subject", json={"subject": "p-1001"})
