"""Sessions as signed JWT cookies, and the dependencies that guard console routes."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Annotated

import jwt
from fastapi import Depends, Request, status
from prometheus_client import Counter

from gateway.errors import ApiError, bounded
from gateway.openapi import documents
from gateway.scenarios import SCENARIOS
from gateway.users import Role, User

COOKIE = "z5g_session"
REVOKED_USED = Counter("z5g_gateway_revoked_token_used_total",
                       "Requests with a session token revoked at sign-out")
ALGORITHM = "HS256"


@dataclass(frozen=True, slots=True)
class Principal:
    """The signed-in user as carried by the session token."""

    username: str
    display_name: str  # in Chinese; display_name_en in English ("" when there is none)
    role: Role
    care_team: str | None
    # Token id (for revocation at sign-out) and expiry, UNIX seconds.
    jti: str = ""
    expires_at: int = 0
    display_name_en: str = ""


def issue_token(user: User, secret: str, hours: float) -> str:
    """A session token for ``user`` valid for ``hours``."""
    now = int(time.time())
    claims = {"sub": user.username, "name": user.display_name,
              "name_en": user.display_name_en or "", "role": user.role,
              "team": user.care_team, "iat": now, "exp": now + int(hours * 3600),
              "jti": secrets.token_urlsafe(16)}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_token(token: str, secret: str) -> Principal | None:
    """The principal of a valid, unexpired token; None otherwise."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM],
                            options={"require": ["sub", "role", "exp", "jti"]})
        return Principal(claims["sub"], claims.get("name", claims["sub"]), Role(claims["role"]),
                         claims.get("team"), str(claims["jti"]), int(claims["exp"]),
                         str(claims.get("name_en") or ""))
    except (jwt.PyJWTError, ValueError):
        return None


def _revoked_key(jti: str) -> str:
    return f"session:revoked:{jti}"


async def revoke(request: Request, principal: Principal) -> None:
    """Deny ``principal``'s token from now until it would have expired (Redis, all replicas)."""
    ttl = principal.expires_at - int(time.time())
    if principal.jti and ttl > 0:
        await bounded(request.app.state.redis.set(_revoked_key(principal.jti), "1", ex=ttl))


@documents(401, 503)
async def current_principal(request: Request) -> Principal:
    """Dependency: the signed-in user, or 401 (also for a token revoked at sign-out)."""
    token = request.cookies.get(COOKIE)
    secret = request.app.state.settings.session_secret.get_secret_value()
    principal = read_token(token, secret) if token else None
    if principal is None:
        raise ApiError(status.HTTP_401_UNAUTHORIZED, "auth.required", "sign in first")
    if await bounded(request.app.state.redis.exists(_revoked_key(principal.jti))):
        REVOKED_USED.inc()
        raise ApiError(status.HTTP_401_UNAUTHORIZED, "auth.signed_out",
                       "signed out; sign in again")
    # The gRPC clients sign this user as the principal of every RPC the request makes.
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def console_user(principal: Principal, scenario: str) -> Principal:
    """``principal`` when their role may use ``scenario``'s console; 404 / 403 otherwise."""
    declared = SCENARIOS.get(scenario)
    if declared is None:
        raise ApiError(status.HTTP_404_NOT_FOUND, "not_found", f"no such scenario: {scenario}",
                       {"scenario": scenario})
    if principal.role not in declared.console_roles:
        raise ApiError(status.HTTP_403_FORBIDDEN, "auth.role_not_allowed",
                       f"role {principal.role.value} may not use the {scenario} console",
                       {"role": principal.role.value, "scenario": scenario})
    return principal


def require_scenario(scenario: str):  # type: ignore[no-untyped-def]
    """Dependency factory: the principal when their role may use ``scenario``, else 403."""

    @documents(403)
    def check(principal: CurrentPrincipal) -> Principal:
        return console_user(principal, scenario)

    return check
