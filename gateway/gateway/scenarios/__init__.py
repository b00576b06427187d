"""What the gateway knows of each scenario's contracts: one module per scenario, merged here."""

from __future__ import annotations

from gateway.scenarios import agri, medical, tourism, transport
from gateway.scenarios.contract import DeviceIngest, StatusStream

SCENARIOS = ("tourism", "medical", "agri", "transport")
_MODULES = {"tourism": tourism, "medical": medical, "agri": agri, "transport": transport}

STATUS_STREAMS: dict[str, StatusStream] = {
    topic: stream for module in _MODULES.values() for topic, stream in module.STREAMS.items()}

DEVICE_INGEST: dict[tuple[str, str], DeviceIngest] = {
    (scenario, kind): ingest for scenario, module in _MODULES.items()
    for kind, ingest in module.DEVICES.items()}

__all__ = ["DEVICE_INGEST", "SCENARIOS", "STATUS_STREAMS", "DeviceIngest", "StatusStream"]
