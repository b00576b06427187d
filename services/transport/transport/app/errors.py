"""Why a request cannot be carried out: a status word and a ``Refusal`` code of the proto."""

from __future__ import annotations

from zezhou5g.transport.v1 import transport_pb2


class RequestError(Exception):
    """A request that cannot be carried out as sent (unknown gate, expired passage, ...).

    ``code`` is one of ``not_found``, ``invalid_argument``, ``failed_precondition``,
    ``resource_exhausted`` (the gRPC adapter maps it to a status); ``refusal`` is the
    ``zezhou5g.transport.v1.Refusal`` the caller translates, with ``params`` for its wording;
    the message is the English sentence for logs and API users.
    """

    def __init__(self, code: str, refusal: transport_pb2.Refusal, message: str,
                 **params: str | int | float) -> None:
        super().__init__(message)
        self.code = code
        self.refusal = refusal
        self.params = params
