"""The locust scenario runs against the real stack for a few seconds without a single failure."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_gateway_locust_scenario_has_no_failures(stack, tmp_path):
    env = {"Z5G_DEVICE_TOKENS": stack["env"]["Z5G_DEVICE_TOKENS"], "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(ROOT / "loadtests" / "gateway.py"),
         "--host", stack["url"], "--headless", "-u", "10", "-r", "5", "-t", "8s",
         "--only-summary", "--csv", str(tmp_path / "run"), "--exit-code-on-error", "1"],
        capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    stats = (tmp_path / "run_stats.csv").read_text().splitlines()
    total = next(line for line in stats if ",Aggregated," in line).split(",")
    requests, failures = int(total[2]), int(total[3])
    assert requests > 20 and failures == 0, stats


def test_medical_locust_scenario_has_no_failures(stack, tmp_path):
    env = {"Z5G_DEVICE_TOKENS": stack["env"]["Z5G_DEVICE_TOKENS"],
           "Z5G_DEMO_PASSWORD": stack["password"], "PATH": "/usr/bin:/bin"}
    import redis

    for key in redis.Redis.from_url(stack["redis_url"]).scan_iter("ratelimit:login:*"):
        redis.Redis.from_url(stack["redis_url"]).delete(key)
    result = subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(ROOT / "loadtests" / "medical.py"),
         "--host", stack["url"], "--headless", "-u", "8", "-r", "4", "-t", "8s",
         "--only-summary", "--csv", str(tmp_path / "run"), "--exit-code-on-error", "1"],
        capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    stats = (tmp_path / "run_stats.csv").read_text().splitlines()
    total = next(line for line in stats if ",Aggregated," in line).split(",")
    requests, failures = int(total[2]), int(total[3])
    assert requests > 20 and failures == 0, stats
    assert any("/api/devices/medical/readings" in line for line in stats)
    assert any(line.split(",")[1] == "/api/medical/patients" for line in stats[1:])
