"""Refusals a use case answers with; the gRPC adapter turns each into its status code."""

from __future__ import annotations


class NotFound(LookupError):
    """The thing asked for does not exist (``NOT_FOUND``)."""


class NotAllowed(PermissionError):
    """The caller may not do this to that thing (``PERMISSION_DENIED``); ``reason`` is a label."""

    def __init__(self, reason: str, text: str) -> None:
        super().__init__(text)
        self.reason = reason


class NotNow(Exception):  # noqa: N818 - reads as the refusal
    """The thing is in a state where this does not apply (``FAILED_PRECONDITION``)."""


class BadRequest(ValueError):
    """The request is invalid as sent (``INVALID_ARGUMENT``)."""
