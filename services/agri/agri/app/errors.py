"""What a use case refuses: invalid input (dead-lettered) and requests (gRPC status codes)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from zezhou5g.platform.events import ConsumedEvent


def split_invalid(events: Sequence[ConsumedEvent], check: Callable[[Any], str | None]
                  ) -> tuple[dict[int, str], list[ConsumedEvent]]:
    """Index → reason for the events ``check`` refuses, and the valid ones in order.

    An event without an id cannot be told from its redelivery: refused too.
    """
    rejects: dict[int, str] = {}
    valid: list[ConsumedEvent] = []
    for i, e in enumerate(events):
        reason = check(e.message) if e.event_id else "no event id (meta.event_id)"
        if reason:
            rejects[i] = reason
        else:
            valid.append(e)
    return rejects, valid


class NotFound(LookupError):
    """The thing asked for does not exist."""


class Forbidden(PermissionError):
    """The caller may not do this; ``reason`` is the refusal's metric label."""

    def __init__(self, reason: str, text: str) -> None:
        super().__init__(text)
        self.reason = reason
        self.text = text
