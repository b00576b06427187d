"""Read one sample from a process's Prometheus endpoint (tests and benches)."""

from __future__ import annotations

import urllib.request


def sample(url: str, name: str, **labels: str) -> float:
    """The value of ``name{labels}`` at ``url``/metrics/ (0 when the sample is absent)."""
    want = ",".join(f'{k}="{v}"' for k, v in labels.items())
    prefix = f"{name}{{{want}}}" if labels else name
    with urllib.request.urlopen(f"{url}/metrics/", timeout=5) as reply:  # noqa: S310 - loopback
        text = reply.read().decode()
    for line in text.splitlines():
        if line.startswith(prefix + " "):
            return float(line.split()[-1])
    return 0.0
