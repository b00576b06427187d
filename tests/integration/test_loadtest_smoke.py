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
