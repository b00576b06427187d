"""gRPC channels to the scenario services, the principal on every call, errors mapped to HTTP.

Every RPC the gateway makes carries a principal it signs (``zezhou5g.platform.principal``): the
signed-in user of the request (``request.state.principal``, set by ``auth.current_principal``)
with their role and scopes, or ``anonymous``/``public`` on the public pages. The services decide
from it; roles and teams in request bodies are not believed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

import grpc
from fastapi import Request, status
from google.protobuf import json_format
from google.protobuf.message import Message
from zezhou5g.platform import refusals
from zezhou5g.platform.principal import PrincipalSigner

from gateway.errors import ApiError
from gateway.users import Role

if TYPE_CHECKING:
    from gateway.auth import Principal

T = TypeVar("T")
PUBLIC_SUBJECT = "anonymous"
PUBLIC_ROLE = "public"

_HTTP = {
    grpc.StatusCode.NOT_FOUND: status.HTTP_404_NOT_FOUND,
    grpc.StatusCode.INVALID_ARGUMENT: status.HTTP_422_UNPROCESSABLE_CONTENT,
    grpc.StatusCode.PERMISSION_DENIED: status.HTTP_403_FORBIDDEN,
    grpc.StatusCode.UNAUTHENTICATED: status.HTTP_401_UNAUTHORIZED,
    grpc.StatusCode.FAILED_PRECONDITION: status.HTTP_409_CONFLICT,
    grpc.StatusCode.RESOURCE_EXHAUSTED: status.HTTP_429_TOO_MANY_REQUESTS,
    grpc.StatusCode.UNAVAILABLE: status.HTTP_503_SERVICE_UNAVAILABLE,
    grpc.StatusCode.DEADLINE_EXCEEDED: status.HTTP_504_GATEWAY_TIMEOUT,
}

DEADLINE_S = 3.0


def open_channels(targets: dict[str, str]) -> dict[str, grpc.aio.Channel]:
    """An insecure channel per service (in-cluster traffic; TLS is the mesh's job)."""
    return {name: grpc.aio.insecure_channel(target) for name, target in targets.items()}


def principal_scopes(principal: Principal) -> dict[str, list[str]]:
    """Scopes a user carries to the services: the unit of their account, by role.

    The account's unit (``care_team`` column) is a clinician's care team and a scenic operator's
    area. A farmer's scope is their user name (fields are owned by it), so it needs no claim.
    """
    unit = principal.care_team
    if not unit:
        return {}
    if principal.role == Role.CLINICIAN:
        return {"team": [unit]}
    if principal.role == Role.SCENIC_OPERATOR:
        return {"area": [unit]}
    return {}


class _SignedCall:
    """A unary multicallable that adds a freshly signed principal to each call's metadata."""

    def __init__(self, inner: Any, md: Any) -> None:
        self._inner = inner
        self._md = md

    def __call__(self, request: Any, **kwargs: Any) -> Any:
        extra = tuple(kwargs.pop("metadata", None) or ())
        return self._inner(request, metadata=extra + self._md(), **kwargs)


class SignedChannel:
    """A view of a shared channel whose calls carry one caller's principal (one per request)."""

    def __init__(self, channel: grpc.aio.Channel, signer: PrincipalSigner, audience: str,
                 subject: str, role: str, scopes: Mapping[str, list[str]]) -> None:
        self._channel = channel
        self._sign = (signer, audience, subject, role, scopes)

    def _metadata(self) -> tuple[tuple[str, str]]:
        signer, audience, subject, role, scopes = self._sign
        return signer.metadata(audience, subject, role, scopes)

    def unary_unary(self, *args: Any, **kwargs: Any) -> _SignedCall:
        """What a generated stub asks for, wrapped to sign each call."""
        return _SignedCall(self._channel.unary_unary(*args, **kwargs), self._metadata)

    def unary_stream(self, *args: Any, **kwargs: Any) -> _SignedCall:
        """What a generated stub asks for, wrapped to sign each call."""
        return _SignedCall(self._channel.unary_stream(*args, **kwargs), self._metadata)

    def stream_unary(self, *args: Any, **kwargs: Any) -> Any:
        """Client-streaming calls cannot carry a principal here; no contract uses them."""
        raise NotImplementedError("client-streaming RPCs are not signed")

    stream_stream = stream_unary


S = TypeVar("S")


def _signer(request: Request) -> PrincipalSigner:
    """The application's signer, made on first use from ``Z5G_SERVICE_PRINCIPAL_KEY``."""
    state = request.app.state
    signer: PrincipalSigner | None = getattr(state, "principal_signer", None)
    if signer is None:
        signer = PrincipalSigner(state.settings.service_principal_key.get_secret_value())
        state.principal_signer = signer
    return signer


def service_stub(request: Request, service: str, stub: type[S],
                 principal: Principal | None = None) -> S:
    """A ``stub`` for ``service`` signing the request's user (or ``principal``) on every call.

    Without a signed-in user (public pages) the caller is ``anonymous`` with role ``public``.
    """
    who = principal or getattr(request.state, "principal", None)
    signer = _signer(request)
    channel = request.app.state.channels[service]
    if who is None:
        view = SignedChannel(channel, signer, service, PUBLIC_SUBJECT, PUBLIC_ROLE, {})
    else:
        view = SignedChannel(channel, signer, service, who.username, who.role.value,
                             principal_scopes(who))
    return stub(cast(grpc.aio.Channel, view))  # type: ignore[call-arg]


async def call(rpc: Awaitable[T], service: str) -> T:
    """Await a unary call, turning gRPC failures into HTTP errors naming the service.

    The error's code is ``service.<grpc status>`` (``service.permission_denied``) with the
    service in its params; the service's own English sentence stays in ``detail``. A refusal
    that carries its reason (``zezhou5g.platform.refusals``: a value name of the service's
    ``Refusal`` enum) adds it as ``params.reason``, with the values its wording needs.
    """
    try:
        return await rpc
    except grpc.aio.AioRpcError as exc:
        code = _HTTP.get(exc.code(), status.HTTP_502_BAD_GATEWAY)
        params: dict[str, str | int | float] = {}
        refusal = refusals.read(exc.trailing_metadata())
        if refusal is not None:
            params.update(refusal[1])
            params["reason"] = refusal[0]
        params["service"] = service
        raise ApiError(code, f"service.{exc.code().name.lower()}",
                       f"{service}: {exc.details() or exc.code().name}", params) from exc


def as_dict(message: Message) -> dict[str, Any]:
    """A message as a JSON-ready dict with the proto field names."""
    return json_format.MessageToDict(message, preserving_proto_field_name=True)


def dicts(messages: list[Message]) -> list[dict[str, Any]]:
    """Messages as JSON-ready dicts with the proto field names."""
    return [as_dict(m) for m in messages]
