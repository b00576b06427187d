"""Every scenario the gateway serves, each declared once in its own module, merged here.

The generic routes iterate over :data:`SCENARIOS`; nothing else names a scenario's parts.
"""

from __future__ import annotations

from gateway.scenarios import agri, medical, tourism, transport
from gateway.scenarios.contract import (
    BatchIngest,
    DeviceIngest,
    Scenario,
    StatusStream,
    StreamScope,
)
from gateway.users import Role

# In the order the consoles are listed to a user.
SCENARIOS: dict[str, Scenario] = {
    s.name: s for s in (tourism.SCENARIO, medical.SCENARIO, agri.SCENARIO, transport.SCENARIO)}

STATUS_STREAMS: dict[str, StatusStream] = {
    topic: stream for s in SCENARIOS.values() for topic, stream in s.streams.items()}

DEVICE_INGEST: dict[tuple[str, str], DeviceIngest] = {
    (s.name, kind): ingest for s in SCENARIOS.values() for kind, ingest in s.devices.items()}


def consoles_of(role: Role) -> list[str]:
    """The scenarios whose console ``role`` may use, in :data:`SCENARIOS` order."""
    return [name for name, s in SCENARIOS.items() if role in s.console_roles]


__all__ = ["DEVICE_INGEST", "SCENARIOS", "STATUS_STREAMS", "BatchIngest", "DeviceIngest",
           "Scenario", "StatusStream", "StreamScope", "consoles_of"]
