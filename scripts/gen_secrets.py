"""Create ``.run/secrets.env`` with random local secrets once (``make demo`` and tests use it).

Nothing secret is committed: each machine gets its own session key, service principal key
(the gateway signs, the services verify), device tokens and demo password, printed where the
person running the demo needs them.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

DEVICES = ("env-jueshan-gate", "wear-1001", "soil-e1-1", "gate-hsr-1")


def main() -> None:
    """Write the file if missing; add secrets that a newer version needs to an older file."""
    path = Path(sys.argv[1] if len(sys.argv) > 1 else ".run/secrets.env")
    if path.exists():
        text = path.read_text()
        for name in ("Z5G_TRANSPORT_FACE_KEY", "Z5G_SERVICE_PRINCIPAL_KEY"):
            if f"{name}=" not in text:
                text += f"{name}={secrets.token_urlsafe(48)}\n"
                path.write_text(text)
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
