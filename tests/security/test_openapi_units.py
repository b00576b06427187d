"""The OpenAPI documents what each operation answers, by cause (unit: the app is built, not run).

The fuzz run (test_fuzz.py) holds the running gateway to these documents; these tests pin the
rules that produce them, so an operation cannot silently lose its 401 or 413.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from gateway.app import create_app
from gateway.config import GatewaySettings
from gateway.middleware import BodyLimitMiddleware, SecurityHeadersMiddleware

ERROR = {"$ref": "#/components/schemas/ErrorBody"}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    settings = GatewaySettings(
        env="dev", kafka_bootstrap="127.0.0.1:1", redis_url="redis://127.0.0.1:1",
        database_url="sqlite://", session_secret="s" * 40, service_principal_key="k" * 40,
        device_tokens="dev-1=" + "t" * 20, tourism_grpc="x", medical_grpc="x", agri_grpc="x",
        transport_grpc="x")
    return create_app(settings).openapi()


def _op(spec: dict[str, Any], name: str) -> dict[str, Any]:
    method, path = name.split(" ", 1)
    return spec["paths"][path][method.lower()]  # type: ignore[no-any-return]


def _codes(spec: dict[str, Any], name: str) -> set[int]:
    return {int(c) for c in _op(spec, name)["responses"]}


@pytest.mark.parametrize(("operation", "expected"), [
    # public: rate limit (Redis behind it: 503), no sign-in
    ("GET /api/public/overview", {200, 429, 503}),
    ("GET /api/public/tourism/crowding", {200, 429, 503, 403, 404, 422, 504}),
    # signed in, any role
    ("GET /api/auth/me", {200, 401, 503}),
    # a console's route: sign-in, role, and what its service call can answer
    ("GET /api/medical/patients", {200, 401, 403, 404, 422, 503, 504}),
    # its own 409, and a JSON body: 400, 413, 422
    ("POST /api/agri/orders/{order_id}/state", {200, 400, 401, 403, 404, 409, 413, 422, 503,
                                                504}),
    # the registry: admin only, 404 by id
    ("DELETE /api/admin/devices/{device_id}", {204, 401, 403, 404, 422, 503}),
    ("GET /readyz", {200, 503}),
])
def test_statuses_come_from_their_causes(spec, operation, expected):
    assert _codes(spec, operation) == expected


def test_every_error_answer_has_the_error_body(spec):
    ops = [(p, m, op) for p, ops in spec["paths"].items() for m, op in ops.items()]
    assert len(ops) > 50
    for path, method, op in ops:
        for code, answer in op["responses"].items():
            if int(code) < 400 or path == "/readyz":
                continue
            json = answer["content"].get("application/json")
            if json is None:
                continue  # the FHIR facade answers OperationOutcome as application/fhir+json
            assert json["schema"] == ERROR, (method, path, code)
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    # Every operation that takes a body documents 413 (the body limit answers before parsing).
    for path, method, op in ops:
        if "requestBody" in op:
            assert {"400", "413", "422"} <= set(op["responses"]), (method, path)


def test_middleware_answers_carry_the_error_body():
    app = FastAPI()

    @app.post("/x")
    async def x() -> dict[str, str]:
        raise RuntimeError("boom")

    app.add_middleware(BodyLimitMiddleware, default_limit=10)  # as create_app adds them
    app.add_middleware(SecurityHeadersMiddleware, hsts=False)
    client = TestClient(app, raise_server_exceptions=False)
    r = client.post("/x", content=b"y" * 11)
    assert r.status_code == 413
    assert r.json() == {"code": "too_large", "params": {"limit": 10},
                        "detail": "request body over 10 bytes"}
    r = client.post("/x", content=b"y")
    assert r.status_code == 500 and r.json()["code"] == "internal"
    assert r.headers["x-frame-options"] == "DENY"
