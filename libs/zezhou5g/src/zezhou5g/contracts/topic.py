"""What a Kafka topic is: the record the generated registry (``topics.py``) is made of."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from google.protobuf.message import Message

# Invalid events of topic T go to T + DLQ_SUFFIX, with the reason in the record headers.
DLQ_SUFFIX = ".dlq"


class Visibility(enum.StrEnum):
    """Who may see a topic's events on the gateway's live streams (proto: ``Visibility``)."""

    INTERNAL = "internal"    # never streamed to browsers
    CONSOLE = "console"      # signed-in users allowed on the scenario's console
    PUBLIC = "public"        # also the public stream, without sign-in


@dataclass(frozen=True)
class Topic:
    """A Kafka topic as declared on its payload message in proto/ (``contract.proto``).

    Attributes:
        name: the topic, e.g. ``"medical.vitals"``.
        message: protobuf class of the payload.
        scenario: the domain whose proto package declares it (``tourism`` … ``transport``).
        key_field: field of the message (dotted path into sub-messages) whose value is the
            record key; order is kept only within a key.
        visibility: who may see it on the live streams.
        scope_field: field naming whose an event is (a care team, a farm field); a user whose
            view is scoped gets only events whose value is theirs. None: not scoped.
        description: what one event is, for people.
        flow: who produces and consumes it, for people.
    """

    name: str
    message: type[Message]
    scenario: str
    key_field: str
    visibility: Visibility
    scope_field: str | None
    description: str
    flow: str

    @property
    def dlq(self) -> str:
        """Where this topic's invalid events are dead-lettered."""
        return self.name + DLQ_SUFFIX

    @property
    def streamed(self) -> bool:
        """True when signed-in console users may see the events on a live stream."""
        return self.visibility is not Visibility.INTERNAL

    @property
    def public(self) -> bool:
        """True when the events are on the public stream (no personal data)."""
        return self.visibility is Visibility.PUBLIC

    def key(self, message: Message) -> str:
        """The record key of ``message``: the value of :attr:`key_field` ("" when unset).

        Raises:
            TypeError: ``message`` is not this topic's payload type.
        """
        return _read(self, message, self.key_field)

    def scope(self, message: Message) -> str | None:
        """Whose ``message`` is (the value of :attr:`scope_field`); None when not scoped."""
        return None if self.scope_field is None else _read(self, message, self.scope_field)


def _read(topic: Topic, message: Message, path: str) -> str:
    if not isinstance(message, topic.message):
        raise TypeError(f"{topic.name} carries {topic.message.DESCRIPTOR.full_name}, "
                        f"not {type(message).__name__}")
    value: object = message
    for part in path.split("."):
        value = getattr(value, part)
    return str(value)
