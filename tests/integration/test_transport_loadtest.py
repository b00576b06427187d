"""The transport locust scenario (loadtests/transport.py) against the real stack: real frames,
no failed request and no unexpected gate outcome."""

import subprocess
import sys
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parents[2]


def test_transport_locust_scenario_has_no_failures(stack, tmp_path):
    for key in redis.Redis.from_url(stack["redis_url"]).scan_iter("ratelimit:login:*"):
        redis.Redis.from_url(stack["redis_url"]).delete(key)
    env = {"Z5G_DEMO_PASSWORD": stack["password"], "PATH": "/usr/bin:/bin",
           "Z5G_TESTDATA": str(ROOT.parent / "shared" / "testdata")}
    result = subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(ROOT / "loadtests" / "transport.py"),
         "--host", stack["url"], "--headless", "-u", "3", "-r", "3", "-t", "45s",
         "--stop-timeout", "60", "--only-summary", "--csv", str(tmp_path / "run"),
         "--exit-code-on-error", "1"],
        capture_output=True, text=True, timeout=300, env=env, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    stats = (tmp_path / "run_stats.csv").read_text().splitlines()
    decisions = next((line for line in stats if "/decision" in line), "").split(",")
    assert len(decisions) > 3, result.stdout[-3000:] + result.stderr[-3000:]
    total = next(line for line in stats if ",Aggregated," in line).split(",")
    assert int(decisions[2]) >= 3, stats
    assert int(total[3]) == 0, stats
