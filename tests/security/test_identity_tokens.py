"""The service principal token (zezhou5g.platform.principal): what verifies and what does not."""

from __future__ import annotations

import base64
import json

import pytest
from zezhou5g.platform.principal import (
    LEEWAY_S,
    TTL_S,
    PrincipalError,
    PrincipalSigner,
    verify,
)

KEY = "k" * 40
NOW = 1_800_000_000.0


def _b64(obj: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def _token(**kw: object) -> str:
    return PrincipalSigner(KEY).token("medical", "dr-wang", "clinician", {"team": ["team-a"]},
                                      now=NOW, **kw)  # type: ignore[arg-type]


def test_a_fresh_token_verifies_with_its_claims() -> None:
    p = verify(_token(), KEY, "medical", now=NOW + 1)
    assert (p.subject, p.role, p.audience, p.scope("team"), p.scope("area")) == (
        "dr-wang", "clinician", "medical", ("team-a",), ())
    assert p.expires_at == NOW + TTL_S


def _swap_body(token: str, **claims: object) -> str:
    head, body, sig = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    return ".".join((head, _b64(data | claims), sig))


@pytest.mark.parametrize(("make", "now", "reason"), [
    (lambda: "not-a-token", NOW, "malformed"),
    (lambda: "a.b", NOW, "malformed"),
    (lambda: PrincipalSigner("x" * 40).token("medical", "m", "admin", now=NOW), NOW,
     "signature"),
    (lambda: _swap_body(_token(), role="admin"), NOW, "signature"),
    (lambda: _swap_body(_token(), scopes={"team": ["team-b"]}), NOW, "signature"),
    (lambda: ".".join((_b64({"alg": "none", "typ": "JWT"}), *_token().split(".")[1:2], "")),
     NOW, "algorithm"),
    (lambda: ".".join((_b64({"alg": "HS512", "typ": "JWT"}), *_token().split(".")[1:])),
     NOW, "algorithm"),
    (lambda: PrincipalSigner(KEY).token("tourism", "dr-wang", "clinician", now=NOW), NOW,
     "audience"),
    (_token, NOW + TTL_S + LEEWAY_S + 1, "expired"),
    (_token, NOW - LEEWAY_S - 5, "claims"),   # issued in the future
], ids=["garbage", "two-parts", "other-key", "role-edited", "scope-edited", "alg-none",
        "alg-other", "other-service", "expired", "from-the-future"])
def test_tokens_that_must_not_be_trusted(make, now: float, reason: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PrincipalError) as err:
        verify(make(), KEY, "medical", now=now)
    assert err.value.reason == reason


def test_a_token_is_good_until_its_expiry_plus_the_leeway() -> None:
    assert verify(_token(), KEY, "medical", now=NOW + TTL_S + LEEWAY_S).subject == "dr-wang"
