"""Refusals as codes: why a service refused an RPC, in words the caller can translate.

A service that refuses a request (unknown gate, item already resolved, ...) aborts it with a
gRPC status *and* a reason code from its proto (a value name of its ``Refusal`` enum, e.g.
``REFUSAL_UNKNOWN_GATE``), plus the values its wording needs (``{"max_frames": 120}``). Both
travel in the error's trailing metadata:

- ``z5g-refusal``: the enum value name;
- ``z5g-refusal-params``: a JSON object of ``str | int | float`` values (absent when empty).

The status details keep an English sentence for logs and API users. The gateway reads the two
keys with :func:`read` and puts them into its error body's params (``reason`` and the values);
the pages translate ``reason``, never the sentence. Trailing metadata needs no extra package
(``grpcio-status`` and ``google.rpc`` protos are not dependencies here).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import NoReturn

import grpc

REASON_KEY = "z5g-refusal"
PARAMS_KEY = "z5g-refusal-params"

Param = str | int | float


class Refused(Exception):  # noqa: N818 - reads as the state at the raise site
    """A request refused as sent, with the status, the reason code and its values.

    Args:
        status: the gRPC status the call ends with (``FAILED_PRECONDITION``, ``NOT_FOUND``...).
        reason: the value name of the service's ``Refusal`` enum (``REFUSAL_UNKNOWN_GATE``).
        detail: English sentence for logs and API users (no page shows it).
        params: values the translated wording needs (counts, ids, minutes).
    """

    def __init__(self, status: grpc.StatusCode, reason: str, detail: str,
                 **params: Param) -> None:
        super().__init__(detail)
        self.status = status
        self.reason = reason
        self.detail = detail
        self.params = params


def trailers(reason: str, params: Mapping[str, Param] | None = None) -> tuple[tuple[str, str], ...]:
    """The trailing metadata that carries ``reason`` and its ``params``."""
    out: tuple[tuple[str, str], ...] = ((REASON_KEY, reason),)
    if params:
        out += ((PARAMS_KEY, json.dumps(dict(params), separators=(",", ":"))),)
    return out


async def abort(context: grpc.aio.ServicerContext, refusal: Refused) -> NoReturn:
    """End the current RPC with ``refusal``'s status, sentence and code (raises)."""
    await context.abort(refusal.status, refusal.detail,
                        trailing_metadata=trailers(refusal.reason, refusal.params))
    raise AssertionError("unreachable: abort raises")


def read(metadata: Iterable[tuple[str, str | bytes]] | None) -> tuple[str, dict[str, Param]] | None:
    """The (reason, params) a refusal carried in ``metadata``; None when it carried none.

    Params that are not a JSON object of plain values are dropped (the reason still counts).
    """
    reason, params = None, {}
    for key, value in metadata or ():
        text = value.decode() if isinstance(value, bytes) else value
        if key == REASON_KEY:
            reason = text
        elif key == PARAMS_KEY:
            try:
                loaded = json.loads(text)
            except ValueError:
                continue
            if isinstance(loaded, dict):
                params = {str(k): v for k, v in loaded.items()
                          if isinstance(v, str | int | float) and not isinstance(v, bool)}
    return None if not reason else (reason, params)
