"""Error answers carry a code and params the pages translate (unit: a bare app, no servers)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.testclient import TestClient
from pydantic import BaseModel

from gateway import docs, errors


class Body(BaseModel):
    ticket_id: str
    count: int


def _app() -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None)

    @app.get("/coded")
    async def coded() -> None:
        raise errors.ApiError(429, "rate_limited", "too many requests: at most 10 per minute",
                              {"limit": 10, "retry_after_s": 42}, headers={"Retry-After": "42"})

    @app.get("/plain")
    async def plain() -> None:
        raise HTTPException(403, "not one of your fields")

    @app.get("/down")
    async def down() -> None:
        raise errors.DependencyUnavailable("redis")

    @app.post("/form")
    async def form(body: Body) -> Body:
        return body

    errors.install(app)
    return app


def test_coded_error_keeps_detail_for_api_users_and_code_for_pages() -> None:
    r = TestClient(_app()).get("/coded")
    assert r.status_code == 429 and r.headers["retry-after"] == "42"
    assert r.json() == {"code": "rate_limited", "params": {"limit": 10, "retry_after_s": 42},
                        "detail": "too many requests: at most 10 per minute"}


def test_an_error_raised_without_a_code_gets_one_from_its_status() -> None:
    r = TestClient(_app()).get("/plain")
    assert r.status_code == 403
    assert r.json() == {"code": "forbidden", "params": {"status": 403},
                        "detail": "not one of your fields"}


def test_a_dependency_down_is_503_unavailable_naming_it() -> None:
    r = TestClient(_app()).get("/down")
    assert r.status_code == 503 and r.headers["retry-after"] == str(errors.RETRY_AFTER_S)
    assert r.json()["code"] == "unavailable" and r.json()["params"] == {"dependency": "redis"}


def test_validation_errors_name_the_fields_and_keep_fastapis_list() -> None:
    r = TestClient(_app()).post("/form", json={"count": "many"})
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "invalid" and body["params"] == {"fields": "count, ticket_id"}
    assert {e["loc"][-1] for e in body["detail"]} == {"count", "ticket_id"}


def test_docs_page_loads_its_viewer_from_this_server_without_inline_script() -> None:
    app = FastAPI(docs_url=None, redoc_url=None)
    docs.install(app, Path(__file__).resolve().parents[1] / "web" / "node_modules")
    client = TestClient(app)
    page = client.get("/docs").text
    for asset in ("/vendor/swagger-ui/swagger-ui-bundle.js", "/vendor/swagger-ui/swagger-ui.css",
                  "/js/docs/swagger.js"):
        assert f'"{asset}"' in page
    assert "http" not in page and "<script>" not in page  # offline; the CSP allows no inline script
    assert client.get("/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
