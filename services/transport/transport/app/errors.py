"""Why a request cannot be carried out, as a code the gRPC adapter maps to a status."""

from __future__ import annotations


class RequestError(Exception):
    """A request that cannot be carried out as sent (unknown gate, expired passage, ...).

    ``code`` is one of ``not_found``, ``invalid_argument``, ``failed_precondition``,
    ``resource_exhausted``; the message is for the caller.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
