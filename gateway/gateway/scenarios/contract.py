"""The shapes in which a scenario tells the gateway about its streams and devices."""

from __future__ import annotations

from dataclasses import dataclass

from google.protobuf.message import Message


@dataclass(frozen=True)
class StatusStream:
    """A Kafka topic of status events streamed to browsers."""

    scenario: str
    message: type[Message]
    # Public streams carry no personal data and are open without sign-in.
    public: bool
    # Field naming the care team an event belongs to: a clinician's stream gets only their
    # team's events (None: everyone allowed on the console sees every event).
    team_field: str | None = None


@dataclass(frozen=True)
class DeviceIngest:
    """Where a kind of device of a scenario posts, and which field names the device."""

    topic: str
    message: type[Message]
    device_field: str
