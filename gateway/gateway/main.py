"""Serves the gateway with uvicorn: ``python -m gateway``."""

from __future__ import annotations

import uvicorn
from zezhou5g.platform.logging import setup_logging
from zezhou5g.platform.settings import load_settings

from gateway.app import create_app
from gateway.config import GatewaySettings


def main() -> None:
    """Load settings, build the app and serve it until SIGTERM/SIGINT."""
    settings = load_settings(GatewaySettings)
    setup_logging("gateway", settings.log_level)
    uvicorn.run(create_app(settings), host="0.0.0.0", port=settings.http_port,  # noqa: S104
                # X-Forwarded-For is read by gateway.ratelimit, only from Z5G_TRUSTED_PROXIES:
                # uvicorn's own handling would believe any local caller.
                log_config=None, proxy_headers=False, timeout_graceful_shutdown=5)
