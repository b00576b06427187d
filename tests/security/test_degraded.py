"""Outages answer 503 with Retry-After, fast (issue 13, item 7), against a real gateway process.

The gateway runs on its own Redis and its own Kafka broker, which the test stops; no scenario
service runs, which is itself an outage the public overview must ride out. Sign-in and the
overview must answer 503 within seconds while Redis is down; a device post must be refused with
503 once the broker is known to be down (and never hang meanwhile). Each 503 is counted in
``z5g_gateway_dependency_unavailable_total``.
"""

from __future__ import annotations

import os
import time

import httpx
import pytest
from localinfra import KafkaServer, RedisServer
from localinfra.proc import free_port

READING = {"sensor_id": "env-jueshan-gate", "area_id": "jueshan", "temperature_c": 20.5,
           "humidity_pct": 50, "pm25_ug_m3": 12, "noise_db": 45}
AUTH = {"Authorization": "Bearer tok-env-jueshan-0001"}


@pytest.fixture(scope="module")
def infra(run_dir):
    kafka = KafkaServer(run_dir / "degraded", free_port(), free_port(), heap="256m")
    redis = RedisServer(run_dir / "degraded", free_port())
    kafka.start()
    redis.start()
    yield kafka, redis
    redis.stop()
    kafka.stop()


def _unavailable(url: str, dependency: str) -> float:
    prefix = f'z5g_gateway_dependency_unavailable_total{{dependency="{dependency}"}} '
    for line in httpx.get(f"{url}/metrics/", timeout=5).text.splitlines():
        if line.startswith(prefix):
            return float(line.split()[-1])
    return 0.0


def _timed(fn):  # type: ignore[no-untyped-def]
    started = time.monotonic()
    r = fn()
    return r, time.monotonic() - started


def test_outages_answer_503_fast(infra, tmp_path, stack_tools):
    kafka, redis = infra
    http = free_port()
    dead = f"127.0.0.1:{free_port()}"  # no service listens: every scenario service is down
    password = "test-pass-" + os.urandom(3).hex()
    env = {"Z5G_ENV": "dev", "Z5G_KAFKA_BOOTSTRAP": kafka.bootstrap, "Z5G_REDIS_URL": redis.url,
           "Z5G_HTTP_PORT": str(http), "Z5G_DATABASE_URL": f"sqlite:///{tmp_path}/gw.db",
           "Z5G_SESSION_SECRET": "t" * 40, "Z5G_DEMO_PASSWORD": password,
           "Z5G_SERVICE_PRINCIPAL_KEY": "p" * 40,
           "Z5G_DEVICE_TOKENS": "env-jueshan-gate=tok-env-jueshan-0001",
           **{f"Z5G_{s}_GRPC": dead for s in ("TOURISM", "MEDICAL", "AGRI", "TRANSPORT")}}
    gateway = stack_tools.Proc("gateway", env, tmp_path)
    url = f"http://127.0.0.1:{http}"
    try:
        stack_tools.wait_for(lambda: httpx.get(f"{url}/healthz", timeout=2).status_code == 200,
                             90, "gateway up", (gateway,))
        stack_tools.wait_for(lambda: httpx.get(f"{url}/readyz", timeout=5).json()[
            "checks"]["kafka"]["ok"], 60, "broker seen", (gateway,))
        login = {"username": "admin", "password": password}
        assert httpx.post(f"{url}/api/auth/login", json=login, timeout=10).status_code == 200
        r = httpx.post(f"{url}/api/devices/tourism/readings", json=READING, headers=AUTH,
                       timeout=10)
        assert r.status_code == 202, r.text

        # Services down: the overview is unavailable, not broken.
        r, took = _timed(lambda: httpx.get(f"{url}/api/public/overview", timeout=15))
        assert r.status_code == 503 and int(r.headers["retry-after"]) > 0, r.text
        assert took < 5

        redis.stop()
        before = _unavailable(url, "redis")
        for path, call in (
                ("sign-in", lambda: httpx.post(f"{url}/api/auth/login", json=login, timeout=15)),
                ("overview", lambda: httpx.get(f"{url}/api/public/overview", timeout=15))):
            r, took = _timed(call)
            print(f"redis down: {path} {r.status_code} in {took:.2f}s")
            assert r.status_code == 503 and int(r.headers["retry-after"]) > 0, (path, r.text)
            assert took < 4, path
        assert _unavailable(url, "redis") == before + 2

        kafka.stop()
        # Before the probe notices, a post may still be accepted into the producer's resend
        # queue, but it must not hang; once noticed, it is refused with 503.
        r, took = _timed(lambda: httpx.post(f"{url}/api/devices/tourism/readings",
                                            json=READING, headers=AUTH, timeout=15))
        assert r.status_code in (202, 503) and took < 5, (r.status_code, took)
        stack_tools.wait_for(lambda: not httpx.get(f"{url}/readyz", timeout=5).json()[
            "checks"]["kafka"]["ok"], 20, "broker seen down", (gateway,))
        before = _unavailable(url, "kafka")
        r, took = _timed(lambda: httpx.post(f"{url}/api/devices/tourism/readings",
                                            json=READING, headers=AUTH, timeout=15))
        print(f"broker down: device post {r.status_code} in {took:.2f}s")
        assert r.status_code == 503 and int(r.headers["retry-after"]) > 0 and took < 2, r.text
        assert _unavailable(url, "kafka") == before + 1
        assert gateway.popen.poll() is None
    finally:
        gateway.stop()
