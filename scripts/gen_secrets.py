"""Create ``.run/secrets.env`` with random local secrets once (``make demo`` and tests use it).

Nothing secret is committed: each machine gets its own session key, service principal key
(the gateway signs, the services verify), device tokens and demo password, printed where the
person running the demo needs them.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

# The demo devices with a token (gateway/gateway/devices.json binds them); the ward hub
# hub-ward-1 delivers its monitors' readings in batches.
DEVICES = ("env-jueshan-gate", "wear-1001", "soil-e1-1", "gate-hsr-1", "hub-ward-1")


def _device_tokens(line: str) -> str:
    """The ``Z5G_DEVICE_TOKENS=`` line with a token for each device of DEVICES it lacks."""
    pairs = [p for p in line.strip().removeprefix("Z5G_DEVICE_TOKENS=").split(",") if p]
    have = {p.partition("=")[0] for p in pairs}
    pairs += [f"{d}={secrets.token_urlsafe(24)}" for d in DEVICES if d not in have]
    return "Z5G_DEVICE_TOKENS=" + ",".join(pairs) + "\n"


def main() -> None:
    """Write the file if missing; add secrets that a newer version needs to an older file."""
    path = Path(sys.argv[1] if len(sys.argv) > 1 else ".run/secrets.env")
    if path.exists():
        text = path.read_text()
        for name in ("Z5G_TRANSPORT_FACE_KEY", "Z5G_SERVICE_PRINCIPAL_KEY"):
            if f"{name}=" not in text:
                text += f"{name}={secrets.token_urlsafe(48)}\n"
        lines = [_device_tokens(line) if line.startswith("Z5G_DEVICE_TOKENS=") else line
                 for line in text.splitlines(keepends=True)]
        if "".join(lines) != text:
            path.write_text("".join(lines))
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        tokens = ",".join(f"{d}={secrets.token_urlsafe(24)}" for d in DEVICES)
        path.write_text(
            f"Z5G_SESSION_SECRET={secrets.token_urlsafe(48)}\n"
            f"Z5G_DEVICE_TOKENS={tokens}\n"
            f"Z5G_DEMO_PASSWORD=demo-{secrets.token_hex(4)}\n"
            f"Z5G_TRANSPORT_FACE_KEY={secrets.token_urlsafe(48)}\n"
            f"Z5G_SERVICE_PRINCIPAL_KEY={secrets.token_urlsafe(48)}\n")
        path.chmod(0o600)


if __name__ == "__main__":
    main()
