"""What each operation may answer, documented in the OpenAPI once per cause, not per route.

A status is declared where it arises:

- a dependency carries its own (:func:`documents`): sign-in 401, and 503 while Redis (which
  holds the sign-out deny-list) is down; a console's role check 403; the public and upload
  rate limits 429 (and 503);
- a router declares what its service calls can come back as (:data:`SERVICE`: the service's
  refusals 403 and 404, its invalid argument 422, an outage 503 or a deadline 504), see
  ``grpc_clients.call``;
- a route adds only what is its own (409 for a move its state does not allow, 413 for a body it
  reads itself, ...);
- every route with a body gets 400 (a body that is not the declared content type at all) and
  413 (``middleware.BodyLimitMiddleware``), every route with parameters or a body 422.

Every error answer has the body of ``errors.error_body``; :func:`install` puts that schema
(``ErrorBody``) on each 4xx/5xx response that has none, and on 422 in place of FastAPI's
``HTTPValidationError``: the gateway's 422 carries ``code`` and ``params`` too, and its
``detail`` is FastAPI's list or a sentence. A route that answers in another format (the FHIR
facade's OperationOutcome) declares its own content and keeps it. ``tests/security/test_fuzz.py``
holds every operation to what this documents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel, Field

F = TypeVar("F", bound=Callable[..., Any])

DESCRIPTIONS = {
    400: "the body cannot be read as the declared content type (e.g. not UTF-8 JSON)",
    401: "not signed in, or the session was signed out",
    403: "the signed-in role or scope does not allow it",
    404: "no such resource",
    409: "not allowed in the resource's current state",
    413: "request body (or an image's pixels) over the limit",
    422: "invalid request: `params.fields` names the fields",
    429: "rate limited; retry after `Retry-After` seconds",
    503: "a dependency (Redis, the broker, a service) is unavailable; `Retry-After`",
    504: "a service did not answer in time",
}
# What a call to a scenario service can come back as (grpc_clients.call's mapping).
SERVICE_STATUSES = (403, 404, 422, 503, 504)
_ATTRIBUTE = "__z5g_statuses__"
_ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}


class ErrorBody(BaseModel):
    """Every error answer (``errors.error_body``)."""

    code: str = Field(description="stable error code, e.g. `auth.required`, `rate_limited`")
    params: dict[str, Any] = Field(description="values for the translated message")
    detail: Any = Field(description="English sentence, or FastAPI's list of field errors")


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a router or route: each status with its usual description."""
    return {s: {"description": DESCRIPTIONS[s]} for s in statuses}


SERVICE = responses(*SERVICE_STATUSES)
# A move the resource's state does not allow (the service's FAILED_PRECONDITION).
CONFLICT = responses(409)


def documents(*statuses: int) -> Callable[[F], F]:
    """Mark a dependency with the error statuses it answers; every route using it gets them."""

    def mark(fn: F) -> F:
        setattr(fn, _ATTRIBUTE, tuple(statuses))
        return fn

    return mark


def _from_dependencies(dependant: Dependant) -> set[int]:
    found = set(getattr(dependant.call, _ATTRIBUTE, ()))
    for sub in dependant.dependencies:
        found |= _from_dependencies(sub)
    return found


def statuses_of(route: APIRoute) -> set[int]:
    """The error statuses ``route`` may answer besides those its own ``responses`` name."""
    found = _from_dependencies(route.dependant)
    d = route.dependant
    if route.body_field is not None:
        found |= {400, 413, 422}
    if d.path_params or d.query_params or d.header_params or d.cookie_params:
        found.add(422)
    return found


def _document(operation: dict[str, Any], statuses: Iterable[int]) -> None:
    answers: dict[str, Any] = operation.setdefault("responses", {})
    for status in statuses:
        answers.setdefault(str(status), {"description": DESCRIPTIONS[status]})
    for code, answer in answers.items():
        if not code.isdigit() or int(code) < 400:
            continue
        schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
        if "content" not in answer or schema.get("$ref", "").endswith("/HTTPValidationError"):
            if code == "422":
                answer["description"] = DESCRIPTIONS[422]
            answer["content"] = {"application/json": {"schema": dict(_ERROR_REF)}}


def _drop_unused(spec: dict[str, Any], names: Iterable[str]) -> None:
    schemas: Mapping[str, Any] = spec.get("components", {}).get("schemas", {})
    text = str(spec["paths"])
    for name in names:
        if name in schemas and f"/{name}'" not in text:
            del schemas[name]  # type: ignore[attr-defined]


def install(app: FastAPI) -> None:
    """Generate ``app``'s OpenAPI with the statuses above and the one error body."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        spec = get_openapi(title=app.title, version=app.version, description=app.description,
                           routes=app.routes)
        spec.setdefault("components", {}).setdefault("schemas", {})["ErrorBody"] = (
            ErrorBody.model_json_schema())
        # Routes of included routers come as contexts (FastAPI ≥ 0.165) over the APIRoute.
        for context in iter_route_contexts(app.routes):
            route = context.original_route
            if not isinstance(route, APIRoute) or not context.include_in_schema:
                continue
            for method in context.methods or ():
                _document(spec["paths"][context.path_format][method.lower()],
                          statuses_of(route))
        _drop_unused(spec, ("HTTPValidationError", "ValidationError"))
        app.openapi_schema = spec
        return spec

    app.openapi = openapi  # type: ignore[method-assign]
