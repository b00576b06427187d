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
    # Field naming whose an event is (a care team, a farm field): a user whose view is scoped
    # (a clinician, a farmer) gets only events whose value is theirs. None: unscoped.
    scope_field: str | None = None


@dataclass(frozen=True)
class DeviceIngest:
    """Where a kind of device of a scenario posts, and which field names the device.

    Only registered devices of ``device_kinds`` may post here, and a message's
    ``subject_field`` must be the device's registered subject (its patient, field, area or
    station); with ``subject_field`` None the device reports about itself (``device_field``).
    """

    topic: str
    message: type[Message]
    device_field: str
    device_kinds: tuple[str, ...] = ()
    subject_field: str | None = None
