"""Service identity: the caller of an RPC, signed by the gateway and verified by every service.

The gateway authenticates a person (or a device, or itself for public pages) and attaches to every
RPC a short-lived token in the ``x-z5g-principal`` metadata entry: a compact JWS (RFC 7515) with
HMAC-SHA256 (``alg`` HS256, the only one accepted) over claims

    ``sub`` subject (user name, device id, "anonymous"), ``role``, ``scopes`` (name → list of
    values, e.g. ``{"team": ["team-a"]}``), ``aud`` the service name, ``iss``, ``iat``/``exp``
    (UTC epoch seconds; tokens live :data:`TTL_S`).

:class:`PrincipalInterceptor` (installed by the service runtime on every server) refuses an RPC
without a valid token with ``UNAUTHENTICATED``; a handler then reads :func:`current` and refuses
what the role or scope does not allow with :func:`deny` (``PERMISSION_DENIED``). Both refusals
are counted in ``z5g_grpc_refused_total``. Health checks and reflection stay open for probes.
Services never take a role or a team from a request body.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, NoReturn

import grpc
from prometheus_client import Counter

log = logging.getLogger(__name__)

METADATA_KEY = "x-z5g-principal"
ISSUER = "z5g-gateway"
TTL_S = 60
# Clock skew tolerated between the gateway and a service, seconds.
LEEWAY_S = 5
# Methods any caller may use without a principal: readiness probes and (dev) reflection.
OPEN_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.")
# Roles beside the gateway's user roles: the public pages' anonymous caller, and processes that
# are not a person (simulated gate cameras, bench and test drivers).
PUBLIC = "public"
SYSTEM = "system"
ADMIN = "admin"
_HEADER = {"alg": "HS256", "typ": "JWT"}
_HEADER_B64 = base64.urlsafe_b64encode(
    json.dumps(_HEADER, separators=(",", ":")).encode()).rstrip(b"=").decode()

REFUSED = Counter("z5g_grpc_refused_total",
                  "RPCs refused for their caller: UNAUTHENTICATED (no or bad principal) or "
                  "PERMISSION_DENIED (role or scope)", ["service", "method", "code", "reason"])

# A servicer's declared roles: method name → roles allowed (``ANY`` = every verified caller).
# Methods a declaring servicer leaves out are refused, so a new RPC is closed until declared.
RolePolicy = Mapping[str, Collection[str]]
ANY = frozenset({"*"})

# Called (in a worker thread) for every UNAUTHENTICATED refusal with
# (service, method, subject, code name, reason).
RefusalHook = Callable[[str, str, str, str, str], None]


@dataclass(frozen=True, slots=True)
class Principal:
    """A verified caller. ``scopes`` maps a scope name to the values it grants."""

    subject: str
    role: str
    audience: str
    scopes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    expires_at: float = 0.0

    def scope(self, name: str) -> tuple[str, ...]:
        """Values of one scope (empty when the principal has none)."""
        return self.scopes.get(name, ())


class PrincipalError(Exception):
    """A token that must not be trusted; ``reason`` is a short metric label."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, signing_input: str) -> bytes:
    return hmac.new(key, signing_input.encode(), hashlib.sha256).digest()


class PrincipalSigner:
    """Signs principals for services (the gateway; simulators and tests as ``system``)."""

    def __init__(self, key: str, issuer: str = ISSUER, ttl_s: int = TTL_S) -> None:
        self._key = key.encode()
        self.issuer = issuer
        self.ttl_s = ttl_s

    def token(self, audience: str, subject: str, role: str,
              scopes: Mapping[str, Iterable[str]] | None = None, now: float | None = None) -> str:
        """A token for one service (``audience``) valid ``ttl_s`` seconds from ``now``."""
        issued = int(time.time() if now is None else now)
        claims = {"iss": self.issuer, "sub": subject, "role": role, "aud": audience,
                  "scopes": {k: sorted(v) for k, v in (scopes or {}).items()},
                  "iat": issued, "exp": issued + self.ttl_s}
        body = _b64(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
        signing_input = f"{_HEADER_B64}.{body}"
        return f"{signing_input}.{_b64(_mac(self._key, signing_input))}"

    def metadata(self, audience: str, subject: str, role: str,
                 scopes: Mapping[str, Iterable[str]] | None = None) -> tuple[tuple[str, str]]:
        """GRPC call metadata carrying a fresh token."""
        return ((METADATA_KEY, self.token(audience, subject, role, scopes)),)


def verify(token: str, key: str, audience: str, now: float | None = None) -> Principal:
    """The principal of a valid token for ``audience``.

    Raises:
        PrincipalError: malformed, wrong algorithm, bad signature, wrong audience, expired.
    """
    parts = token.split(".")
    if len(parts) != 3:
        raise PrincipalError("malformed")
    header_b64, body_b64, sig_b64 = parts
    try:
        header = json.loads(_unb64(header_b64))
        sig = _unb64(sig_b64)
    except (ValueError, binascii.Error):
        raise PrincipalError("malformed") from None
    # Only HS256: a token naming another algorithm ("none", RS256 …) is refused before any check.
    if header != _HEADER:
        raise PrincipalError("algorithm")
    if not hmac.compare_digest(sig, _mac(key.encode(), f"{header_b64}.{body_b64}")):
        raise PrincipalError("signature")
    try:
        claims = json.loads(_unb64(body_b64))
        subject, role, aud = str(claims["sub"]), str(claims["role"]), claims["aud"]
        exp, iat = float(claims["exp"]), float(claims["iat"])
        scopes = {str(k): tuple(str(x) for x in v) for k, v in claims.get("scopes", {}).items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        raise PrincipalError("claims") from None
    if aud != audience:
        raise PrincipalError("audience")
    t = time.time() if now is None else now
    if t > exp + LEEWAY_S:
        raise PrincipalError("expired")
    if iat > t + LEEWAY_S or not subject or not role:
        raise PrincipalError("claims")
    return Principal(subject, role, aud, scopes, exp)


_CURRENT: ContextVar[Principal | None] = ContextVar("z5g_principal", default=None)
_METHOD: ContextVar[str] = ContextVar("z5g_method", default="")


def current() -> Principal:
    """The verified caller of the RPC being handled (set by :class:`PrincipalInterceptor`)."""
    principal = _CURRENT.get()
    if principal is None:  # a handler outside the interceptor: a wiring bug, never a caller's
        raise RuntimeError("no verified principal: PrincipalInterceptor is not installed")
    return principal


class PrincipalInterceptor(grpc.aio.ServerInterceptor):
    """Verifies the caller of every non-probe RPC before its handler runs."""

    def __init__(self, key: str, service: str, on_refusal: Sequence[RefusalHook] = (),
                 roles: RolePolicy | None = None) -> None:
        self._key = key
        self.service = service
        self._hooks = on_refusal
        # Set by the runtime once servicers are registered (``registrar(..., roles=)``).
        self.roles = roles

    async def intercept_service(
        self, continuation: Callable[[grpc.HandlerCallDetails],
                                     Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        """The method's handler, wrapped to verify the principal first."""
        handler = await continuation(handler_call_details)
        method = handler_call_details.method  # type: ignore[attr-defined]
        if handler is None or method.startswith(OPEN_PREFIXES):
            return handler
        if handler.unary_unary is not None:
            return grpc.unary_unary_rpc_method_handler(
                self._unary(handler.unary_unary, method),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer)
        if handler.unary_stream is not None:
            return grpc.unary_stream_rpc_method_handler(
                self._stream(handler.unary_stream, method),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer)
        # Client-streaming RPCs are not part of any contract; refuse rather than pass unchecked.
        return grpc.unary_unary_rpc_method_handler(self._refuse_all(method))

    def _check(self, context: grpc.aio.ServicerContext) -> Principal | PrincipalError:
        tokens = [v for k, v in (context.invocation_metadata() or ()) if k == METADATA_KEY]
        if len(tokens) != 1 or not isinstance(tokens[0], str):
            return PrincipalError("missing" if not tokens else "malformed")
        try:
            return verify(tokens[0], self._key, self.service)
        except PrincipalError as exc:
            return exc

    async def _unauthenticated(self, context: grpc.aio.ServicerContext, method: str,
                               err: PrincipalError) -> NoReturn:
        await _refused(self.service, method, "?", grpc.StatusCode.UNAUTHENTICATED, err.reason,
                       self._hooks)
        await context.abort(grpc.StatusCode.UNAUTHENTICATED,
                            f"no valid service principal ({err.reason})")
        raise AssertionError("unreachable: abort raises")

    async def _declared(self, context: grpc.aio.ServicerContext, method: str,
                        principal: Principal) -> None:
        """Refuse a role the servicer's declared policy does not allow for ``method``."""
        if self.roles is None:
            return
        allowed = self.roles.get(method.rsplit("/", 1)[-1], ())
        if "*" in allowed or principal.role in allowed:
            return
        await _refused(self.service, method, principal.subject,
                       grpc.StatusCode.PERMISSION_DENIED, "role", ())
        await context.abort(grpc.StatusCode.PERMISSION_DENIED,
                            f"role {principal.role} may not call {method.rsplit('/', 1)[-1]}")

    async def _admit(self, context: grpc.aio.ServicerContext, method: str) -> Principal:
        """The verified principal of this call; aborts it when there is none or its role may not."""
        got = self._check(context)
        if isinstance(got, PrincipalError):
            await self._unauthenticated(context, method, got)
        assert isinstance(got, Principal)
        await self._declared(context, method, got)
        return got

    def _unary(self, behaviour: Callable[..., Any], method: str) -> Callable[..., Any]:
        async def wrapped(request: Any, context: grpc.aio.ServicerContext) -> Any:
            got = await self._admit(context, method)
            p_token, m_token = _CURRENT.set(got), _METHOD.set(method)
            try:
                return await behaviour(request, context)
            finally:
                _CURRENT.reset(p_token)
                _METHOD.reset(m_token)

        return wrapped

    def _stream(self, behaviour: Callable[..., Any], method: str) -> Callable[..., Any]:
        async def wrapped(request: Any, context: grpc.aio.ServicerContext) -> Any:
            got = await self._admit(context, method)
            _CURRENT.set(got)
            _METHOD.set(method)
            async for item in behaviour(request, context):
                yield item

        return wrapped

    def _refuse_all(self, method: str) -> Callable[..., Any]:
        async def refuse(request: Any, context: grpc.aio.ServicerContext) -> Any:
            await self._unauthenticated(context, method, PrincipalError("unsupported"))

        return refuse


async def _refused(service: str, method: str, subject: str, code: grpc.StatusCode, reason: str,
                   hooks: Sequence[RefusalHook]) -> None:
    REFUSED.labels(service, method.rsplit("/", 1)[-1], code.name, reason).inc()
    log.warning("rpc refused", extra={"fields": {"method": method, "subject": subject,
                                                 "code": code.name, "reason": reason}})
    for hook in hooks:
        try:
            await asyncio.to_thread(hook, service, method, subject, code.name, reason)
        except Exception:  # a failing hook (e.g. audit store down) must not hide the refusal
            log.exception("refusal hook failed")


async def deny(context: grpc.aio.ServicerContext, reason: str,
               text: str = "not allowed for this caller") -> NoReturn:
    """Refuse the current RPC with ``PERMISSION_DENIED``, counted with ``reason``.

    The service writes its own audit entry first where it keeps one (medical), since only it
    knows the record asked for.
    """
    principal = current()
    await _refused(principal.audience, _METHOD.get(), principal.subject,
                   grpc.StatusCode.PERMISSION_DENIED, reason, ())
    await context.abort(grpc.StatusCode.PERMISSION_DENIED, text)
    raise AssertionError("unreachable: abort raises")


async def require_role(context: grpc.aio.ServicerContext, *roles: str) -> Principal:
    """The current principal when its role is one of ``roles``; else :func:`deny`."""
    principal = current()
    if principal.role not in roles:
        await deny(context, "role", f"role {principal.role} may not call this")
    return principal


class _SigningClientInterceptor(grpc.UnaryUnaryClientInterceptor,  # type: ignore[misc]
                                grpc.UnaryStreamClientInterceptor):
    """Adds a fresh principal token to every call of a synchronous channel."""

    def __init__(self, signer: PrincipalSigner, audience: str, subject: str, role: str,
                 scopes: Mapping[str, Iterable[str]] | None) -> None:
        self._args = (audience, subject, role, scopes)
        self._signer = signer

    def _details(self, details: Any) -> Any:
        md = [*(details.metadata or ()), *self._signer.metadata(*self._args)]
        return _Details(details.method, details.timeout, md, details.credentials,
                        getattr(details, "wait_for_ready", None),
                        getattr(details, "compression", None))

    def intercept_unary_unary(self, continuation: Any, client_call_details: Any,
                              request: Any) -> Any:
        """Call with the principal added."""
        return continuation(self._details(client_call_details), request)

    def intercept_unary_stream(self, continuation: Any, client_call_details: Any,
                               request: Any) -> Any:
        """Call with the principal added."""
        return continuation(self._details(client_call_details), request)


@dataclass(frozen=True)
class _Details(grpc.ClientCallDetails):  # type: ignore[misc]
    method: str
    timeout: float | None
    metadata: Any
    credentials: Any
    wait_for_ready: bool | None
    compression: Any


def signed_channel(target: str, signer: PrincipalSigner, audience: str, subject: str,
                   role: str, scopes: Mapping[str, Iterable[str]] | None = None) -> grpc.Channel:
    """A synchronous insecure channel to ``target`` whose every call carries a principal.

    For processes that are not the gateway (simulated gates, tests) calling one service.
    """
    return grpc.intercept_channel(grpc.insecure_channel(target),
                                  _SigningClientInterceptor(signer, audience, subject, role,
                                                            scopes))
