"""A service's refusal reaches the error body as a code (a real gRPC server in the test).

The server aborts with ``zezhou5g.platform.refusals`` (status, English detail, reason code and
params in the trailing metadata); the gateway's ``call`` turns it into an ApiError whose params
carry ``reason`` and the values, next to the service name, while ``detail`` keeps the sentence.
"""

from __future__ import annotations

import asyncio

import grpc
import pytest
from gateway.errors import ApiError
from gateway.grpc_clients import call
from zezhou5g.platform import refusals

METHOD = "/test.Refuser/Refuse"


async def _handler(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
    if request == b"refuse":
        await refusals.abort(context, refusals.Refused(
            grpc.StatusCode.RESOURCE_EXHAUSTED, "REFUSAL_TOO_MANY_CODE_REQUESTS",
            "too many code requests for this ticket; try again in 10 minutes", minutes=10))
    if request == b"plain":
        await context.abort(grpc.StatusCode.NOT_FOUND, "no such patient")
    return b"ok"


async def _answer(request: bytes) -> ApiError | bytes:
    server = grpc.aio.server()
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("test.Refuser", {
        "Refuse": grpc.unary_unary_rpc_method_handler(_handler)}),))
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            rpc = channel.unary_unary(METHOD)
            try:
                return await call(rpc(request, timeout=5), "transport")
            except ApiError as exc:
                return exc
    finally:
        await server.stop(None)


def test_a_refusal_carries_its_reason_and_values_to_the_error_body() -> None:
    err = asyncio.run(_answer(b"refuse"))
    assert isinstance(err, ApiError)
    assert (err.status_code, err.code) == (429, "service.resource_exhausted")
    assert err.params == {"reason": "REFUSAL_TOO_MANY_CODE_REQUESTS", "minutes": 10,
                          "service": "transport"}
    assert err.detail == ("transport: too many code requests for this ticket; "
                          "try again in 10 minutes")


def test_a_refusal_without_a_reason_keeps_the_status_code_only() -> None:
    err = asyncio.run(_answer(b"plain"))
    assert isinstance(err, ApiError)
    assert (err.status_code, err.code, err.params) == (404, "service.not_found",
                                                       {"service": "transport"})
    assert asyncio.run(_answer(b"fine")) == b"ok"


@pytest.mark.parametrize(("metadata", "read"), [
    ((), None),
    ((("z5g-refusal", "REFUSAL_X"),), ("REFUSAL_X", {})),
    ((("z5g-refusal", "REFUSAL_X"), ("z5g-refusal-params", '{"n": 3, "ok": true, "s": "a"}')),
     ("REFUSAL_X", {"n": 3, "s": "a"})),               # only plain values, no booleans
    ((("z5g-refusal", "REFUSAL_X"), ("z5g-refusal-params", "not json")), ("REFUSAL_X", {})),
    ((("z5g-refusal-params", '{"n": 3}'),), None),      # values without a reason: no refusal
    ((("other", "x"), ("z5g-refusal", b"REFUSAL_Y")), ("REFUSAL_Y", {})),
])
def test_reading_a_refusal_from_metadata(metadata, read) -> None:
    assert refusals.read(metadata) == read
    if read is not None:
        assert refusals.read(refusals.trailers(*read)) == read
