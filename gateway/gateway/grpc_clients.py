"""gRPC channels to the scenario services and the mapping of their errors to HTTP."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, TypeVar

import grpc
from fastapi import HTTPException, status
from google.protobuf import json_format
from google.protobuf.message import Message

T = TypeVar("T")

_HTTP = {
    grpc.StatusCode.NOT_FOUND: status.HTTP_404_NOT_FOUND,
    grpc.StatusCode.INVALID_ARGUMENT: status.HTTP_422_UNPROCESSABLE_CONTENT,
    grpc.StatusCode.PERMISSION_DENIED: status.HTTP_403_FORBIDDEN,
    grpc.StatusCode.UNAUTHENTICATED: status.HTTP_401_UNAUTHORIZED,
    grpc.StatusCode.FAILED_PRECONDITION: status.HTTP_409_CONFLICT,
    grpc.StatusCode.UNAVAILABLE: status.HTTP_503_SERVICE_UNAVAILABLE,
    grpc.StatusCode.DEADLINE_EXCEEDED: status.HTTP_504_GATEWAY_TIMEOUT,
}

DEADLINE_S = 3.0


def open_channels(targets: dict[str, str]) -> dict[str, grpc.aio.Channel]:
    """An insecure channel per service (in-cluster traffic; TLS is the mesh's job)."""
    return {name: grpc.aio.insecure_channel(target) for name, target in targets.items()}


async def call(rpc: Awaitable[T], service: str) -> T:
    """Await a unary call, turning gRPC failures into HTTP errors naming the service."""
    try:
        return await rpc
    except grpc.aio.AioRpcError as exc:
        code = _HTTP.get(exc.code(), status.HTTP_502_BAD_GATEWAY)
        raise HTTPException(code, f"{service}: {exc.details() or exc.code().name}") from exc


def as_dict(message: Message) -> dict[str, Any]:
    """A message as a JSON-ready dict with the proto field names."""
    return json_format.MessageToDict(message, preserving_proto_field_name=True)


def dicts(messages: list[Message]) -> list[dict[str, Any]]:
    """Messages as JSON-ready dicts with the proto field names."""
    return [as_dict(m) for m in messages]
