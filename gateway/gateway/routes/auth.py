"""Sign-in, sign-out and who-am-I for the consoles."""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Request, Response, status
from prometheus_client import Counter
from pydantic import BaseModel, Field

from gateway.auth import (
    COOKIE,
    CurrentPrincipal,
    current_principal,
    issue_token,
    read_token,
    revoke,
)
from gateway.errors import ApiError
from gateway.ratelimit import client_ip, count, enforce, peek, refuse
from gateway.scenarios import consoles_of
from gateway.users import authenticate

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/auth", tags=["auth"])
FAILED = Counter("z5g_gateway_login_failed_total", "Sign-in attempts refused")
# Failed sign-ins counted per account over this window, seconds (guessing from many addresses).
ACCOUNT_WINDOW_S = 15 * 60


class Credentials(BaseModel):
    """Sign-in form."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


def _me(p: CurrentPrincipal) -> dict[str, object]:
    return {"username": p.username, "display_name": p.display_name,
            "display_name_en": p.display_name_en, "role": p.role.value,
            "care_team": p.care_team,
            "scenarios": consoles_of(p.role)}


@router.post("/login", responses={
    401: {"description": "wrong username or password"},
    413: {"description": "body too large"},
    429: {"description": "too many attempts from this address or on this account; Retry-After"},
    503: {"description": "Redis unavailable; Retry-After"}})
async def login(creds: Credentials, request: Request, response: Response) -> dict[str, object]:
    """Check the password and set the session cookie."""
    settings = request.app.state.settings
    await enforce(request, "login", settings.login_rate_per_min)
    # Cleared with the per-address counters by the same "ratelimit:login:*" pattern.
    account = f"ratelimit:login:account:{creds.username.casefold()}"
    limit = settings.login_account_failures
    if await peek(request, account, ACCOUNT_WINDOW_S) >= limit:
        raise refuse("login_account", limit, ACCOUNT_WINDOW_S)
    user = await asyncio.to_thread(authenticate, request.app.state.engine, creds.username,
                                   creds.password)
    if user is None:
        FAILED.inc()
        await count(request, account, ACCOUNT_WINDOW_S)
        log.info("sign-in refused", extra={"username": creds.username[:64],
                                           "client": client_ip(request)})
        raise ApiError(status.HTTP_401_UNAUTHORIZED, "auth.bad_credentials",
                       "wrong username or password")
    secret = settings.session_secret.get_secret_value()
    token = issue_token(user, secret, settings.session_hours)
    # Strict: no cross-site request carries the session, so no state-changing route can be
    # driven from another site (CSRF); Secure everywhere but local dev over plain HTTP.
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict",
                        secure=settings.env != "dev", max_age=int(settings.session_hours * 3600))
    principal = read_token(token, secret)
    assert principal is not None
    return _me(principal)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(request: Request, response: Response) -> None:
    """Revoke the session token server-side (until its expiry) and clear the cookie."""
    token = request.cookies.get(COOKIE)
    principal = read_token(token, request.app.state.settings.session_secret.get_secret_value()
                           ) if token else None
    if principal is not None:
        await revoke(request, principal)
    response.delete_cookie(COOKIE, httponly=True, samesite="strict")


@router.get("/me")
async def me(principal: CurrentPrincipal) -> dict[str, object]:
    """The signed-in user and the consoles they may open."""
    return _me(principal)


@router.get("/session")
async def session(request: Request) -> dict[str, object]:
    """``{"user": <as /me> | null}``: who is signed in, 200 either way.

    For pages open to everyone (the home page), which would otherwise log a 401 for each
    visitor who is not signed in.
    """
    try:
        principal = await current_principal(request)
    except ApiError as exc:
        if exc.status_code != status.HTTP_401_UNAUTHORIZED:
            raise
        return {"user": None}
    return {"user": _me(principal)}
