"""Sign-in, sign-out and who-am-I for the consoles."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, HTTPException, Request, Response, status
from prometheus_client import Counter
from pydantic import BaseModel, Field

from gateway.auth import COOKIE, CurrentPrincipal, issue_token, read_token
from gateway.ratelimit import enforce
from gateway.users import SCENARIO_ROLES, authenticate

router = APIRouter(prefix="/api/auth", tags=["auth"])
FAILED = Counter("z5g_gateway_login_failed_total", "Sign-in attempts refused")


class Credentials(BaseModel):
    """Sign-in form."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


def _me(p: CurrentPrincipal) -> dict[str, object]:
    return {"username": p.username, "display_name": p.display_name, "role": p.role.value,
            "care_team": p.care_team,
            "scenarios": [s for s, roles in SCENARIO_ROLES.items() if p.role in roles]}


@router.post("/login")
async def login(creds: Credentials, request: Request, response: Response) -> dict[str, object]:
    """Check the password and set the session cookie."""
    settings = request.app.state.settings
    await enforce(request, "login", settings.login_rate_per_min)
    user = await asyncio.to_thread(authenticate, request.app.state.engine, creds.username,
                                   creds.password)
    if user is None:
        FAILED.inc()
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong username or password")
    secret = settings.session_secret.get_secret_value()
    token = issue_token(user, secret, settings.session_hours)
    response.set_cookie(COOKIE, token, httponly=True, samesite="lax",
                        secure=settings.env == "prod", max_age=int(settings.session_hours * 3600))
    principal = read_token(token, secret)
    assert principal is not None
    return _me(principal)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(response: Response) -> None:
    """Clear the session cookie."""
    response.delete_cookie(COOKIE)


@router.get("/me")
async def me(principal: CurrentPrincipal) -> dict[str, object]:
    """The signed-in user and the consoles they may open."""
    return _me(principal)
