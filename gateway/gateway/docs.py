"""The API's documentation page, offline: Swagger UI served by this gateway at ``/docs``.

The viewer comes from the npm package ``swagger-ui-dist`` in ``gateway/web/node_modules`` and is
served under ``/vendor/swagger-ui``. FastAPI's own page loads it from a CDN and starts it with
an inline script; both fail here (the demo runs offline, and the CSP allows no inline script).
This page loads everything from the gateway and starts the viewer from ``/js/docs/swagger.js``.
(ReDoc is not offered: its viewer fetches its logo from a CDN and needs inline styles.)
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

# Where the viewer's files are in node_modules, and the URL prefix they are served under.
VENDORED = {"swagger-ui": Path("swagger-ui-dist")}

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

def install(app: FastAPI, node_modules: Path) -> None:
    """Serve ``/docs`` on ``app`` (the viewer's files when its package is installed).

    Call it on an app made with ``docs_url=None, redoc_url=None``.
    """
    router = APIRouter(include_in_schema=False)
    spec = app.openapi_url or "/openapi.json"

    @router.get("/docs", response_class=HTMLResponse)
    async def swagger() -> HTMLResponse:
        return HTMLResponse(_SWAGGER.format(title=app.title, spec=spec))

    app.include_router(router)
    for prefix, folder in VENDORED.items():
        path = node_modules / folder
        if path.is_dir():
            app.mount(f"/vendor/{prefix}", StaticFiles(directory=path), name=prefix)
