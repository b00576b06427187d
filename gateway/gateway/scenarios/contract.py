"""The shapes in which a scenario tells the gateway about its streams and devices.

Topics, their payload types and who may see them are declared once, in proto/, and come from
the generated registry (:mod:`zezhou5g.contracts`); these shapes add only what is the gateway's.
"""

from __future__ import annotations

from dataclasses import dataclass

from google.protobuf.message import Message
from zezhou5g import contracts
from zezhou5g.contracts import Topic


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

    @classmethod
    def of(cls, topic: Topic) -> StatusStream:
        """The stream of a declared topic, as its proto declaration says."""
        return cls(topic.scenario, topic.message, topic.public, topic.scope_field)


def status_streams(scenario: str) -> dict[str, StatusStream]:
    """Every topic of ``scenario`` declared visible on live streams, by topic name."""
    return {t.name: StatusStream.of(t) for t in contracts.streamed(scenario)}


@dataclass(frozen=True)
class DeviceIngest:
    """Where a kind of device of a scenario posts, and which field names the device.

    Only registered devices of ``device_kinds`` may post here, and a message's
    ``subject_field`` must be the device's registered subject (its patient, field, area or
    station); with ``subject_field`` None the device reports about itself (``device_field``).
    The record key is the one the topic declares (``contract.key``), not the device.
    """

    contract: Topic
    device_field: str
    device_kinds: tuple[str, ...] = ()
    subject_field: str | None = None

    @property
    def topic(self) -> str:
        """The topic name posts are published to."""
        return self.contract.name

    @property
    def message(self) -> type[Message]:
        """The payload type a post must parse as."""
        return self.contract.message
