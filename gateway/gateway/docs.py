"""The API's documentation pages, offline: Swagger UI and ReDoc served by this gateway.

The viewers come from the npm packages in ``gateway/web/node_modules`` (``swagger-ui-dist``,
``redoc``) and are served under ``/vendor``.

FastAPI's own ``/docs`` page loads Swagger UI from a CDN and starts it with an inline script;
both fail here (the demo runs offline, and the CSP allows no inline script). These pages load
everything from this gateway and start the viewers from ``/js/docs/*.js``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

# Where each viewer's files are in node_modules, and the URL prefix they are served under.
VENDORED = {"swagger-ui": Path("swagger-ui-dist"), "redoc": Path("redoc") / "bundles"}

_SWAGGER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · API</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css">
<script src="/vendor/swagger-ui/swagger-ui-bundle.js" defer></script>
<script src="/js/docs/swagger.js" defer></script>
</head><body><div id="swagger-ui" data-spec="{spec}"></div></body></html>
"""

_REDOC = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · API reference</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<script src="/vendor/redoc/redoc.standalone.js" defer></script>
<script src="/js/docs/redoc.js" defer></script>
</head><body><div id="redoc" data-spec="{spec}"></div></body></html>
"""


def install(app: FastAPI, node_modules: Path) -> None:
    """Serve ``/docs`` and ``/redoc`` on ``app`` when the viewers' packages are installed.

    Call it on an app made with ``docs_url=None, redoc_url=None``.
    """
    router = APIRouter(include_in_schema=False)
    spec = app.openapi_url or "/openapi.json"

    @router.get("/docs", response_class=HTMLResponse)
    async def swagger() -> HTMLResponse:
        return HTMLResponse(_SWAGGER.format(title=app.title, spec=spec))

    @router.get("/redoc", response_class=HTMLResponse)
    async def redoc() -> HTMLResponse:
        return HTMLResponse(_REDOC.format(title=app.title, spec=spec))

    app.include_router(router)
    for prefix, folder in VENDORED.items():
        path = node_modules / folder
        if path.is_dir():
            app.mount(f"/vendor/{prefix}", StaticFiles(directory=path), name=prefix)
