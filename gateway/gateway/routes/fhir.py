"""FHIR R4 for clinicians: a read-only REST facade and the patient page's whole export.

- ``GET /fhir/metadata``: the CapabilityStatement (what a FHIR client reads first; public).
- ``GET /fhir/Patient/{id}``: the Patient resource.
- ``GET /fhir/Observation?patient=…&date=ge…&date=le…&_count=…``: vital-sign Observations as
  a ``searchset`` Bundle page with ``total`` and ``link`` self / next (next carries an opaque
  ``_cursor``); at most 1000 Observations a page, 500 by default.
- ``GET /api/medical/patients/{id}/fhir?minutes=…``: the whole range as one searchset Bundle,
  streamed page by page, so any range downloads without holding it in memory anywhere.

The medical service builds every resource and checks the care team on every page; a clinician
of another team gets 403 and the attempt is in the medical audit log, as for the other reads.
Facade answers are ``application/fhir+json``; its errors are OperationOutcome resources.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import StreamingResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from zezhou5g.medical.v1 import medical_pb2

from gateway.auth import Principal, require_scenario
from gateway.errors import ApiError
from gateway.grpc_clients import call
from gateway.scenarios.medical import requester
from gateway.scenarios.medical import stub as _stub

log = logging.getLogger(__name__)
FHIR_JSON = "application/fhir+json"
# One page is built from SQL by the service: a larger budget than a plain read's.
PAGE_DEADLINE_S = 15.0
MAX_COUNT = 1000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# HTTP status -> OperationOutcome issue type (R4 issue-type value set).
ISSUE_TYPES = {400: "invalid", 401: "login", 403: "forbidden", 404: "not-found",
               409: "conflict", 422: "invalid", 429: "throttled", 503: "transient",
               504: "timeout"}


def operation_outcome(status: int, text: str) -> dict[str, Any]:
    """An R4 OperationOutcome with one error issue."""
    return {"resourceType": "OperationOutcome", "issue": [{
        "severity": "error", "code": ISSUE_TYPES.get(status, "exception"),
        "diagnostics": text or "error"}]}


def _outcome_response(status: int, text: str,
                      headers: Mapping[str, str] | None = None) -> Response:
    return Response(json.dumps(operation_outcome(status, text)), status_code=status,
                    media_type=FHIR_JSON, headers=headers)


class FhirRoute(APIRoute):
    """Answers every error of its routes, dependencies included, as an OperationOutcome."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The route's handler, with errors turned into OperationOutcome answers."""
        handler = super().get_route_handler()

        async def fhir_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                text = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}"
                                 for e in exc.errors())
                return _outcome_response(400, text)
            except HTTPException as exc:
                # A service's INVALID_ARGUMENT (an altered cursor) is a bad request here.
                status = 400 if exc.status_code == 422 else exc.status_code
                return _outcome_response(status, str(exc.detail), exc.headers)

        return fhir_handler


class FhirResponse(Response):
    """A FHIR JSON answer (documents the routes' 200 as ``application/fhir+json``)."""

    media_type = FHIR_JSON


# Every answer is a FHIR resource: a JSON object (the resource, a Bundle, an OperationOutcome).
_RESOURCE = {FHIR_JSON: {"schema": {"type": "object"}}}
router = APIRouter(prefix="/fhir", tags=["fhir"], route_class=FhirRoute,
                   default_response_class=FhirResponse, responses={
    200: {"description": "A FHIR R4 resource", "content": _RESOURCE},
    **{s: {"description": f"OperationOutcome ({ISSUE_TYPES[s]})", "content": _RESOURCE}
       for s in (400, 401, 403, 404, 503, 504)}})
export_router = APIRouter(prefix="/api/medical", tags=["medical"])


Clinician = Annotated[Principal, Depends(require_scenario("medical"))]


_PREFIXED = re.compile(
    r"^(eq|ge|gt|le|lt)?(\d{4}-\d{2}-\d{2}(?:T[0-9:.]+(?:Z|[+-]\d{2}:\d{2})?)?)$")


def _bound(value: str) -> tuple[str, datetime, datetime]:
    """A ``date`` search value: its prefix and the first and last µs its precision covers."""
    match = _PREFIXED.match(value)
    if match is None:
        raise ApiError(400, "invalid", f"date={value}: use [ge|gt|le|lt]YYYY-MM-DD or a dateTime")
    prefix, text = match.group(1) or "eq", match.group(2)
    try:
        if "T" not in text:
            day = date.fromisoformat(text)
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            return prefix, start, start + timedelta(days=1, microseconds=-1)
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ApiError(400, "invalid", f"date={value}: {exc}") from exc
    at = at if at.tzinfo else at.replace(tzinfo=UTC)  # no offset given: UTC
    width = timedelta(seconds=1) if at.microsecond == 0 and "." not in text else timedelta()
    return prefix, at, at + width - timedelta(microseconds=1 if width else 0)


def date_range(values: list[str]) -> tuple[datetime, datetime | None]:
    """[since, until] (UTC, inclusive) of the ``date`` parameters (all of them must hold)."""
    since, until = EPOCH, None
    step = timedelta(microseconds=1)
    for value in values:
        prefix, first, last = _bound(value)
        try:
            low = {"ge": first, "gt": last + step, "eq": first}.get(prefix)
            high = {"le": last, "lt": first - step, "eq": last}.get(prefix)
        except OverflowError as exc:  # past year 9999 or before year 1
            raise ApiError(400, "invalid", f"date={value}: out of range") from exc
        if low is not None:
            since = max(since, low)
        if high is not None:
            until = high if until is None else min(until, high)
    return since, until


async def export_page(request: Request, principal: Principal, patient_id: str,
                      since: datetime, until: datetime | None, count: int,
                      cursor: str = "") -> medical_pb2.ExportFhirResponse:
    """One page from the medical service (which checks the care team and audits)."""
    req = medical_pb2.ExportFhirRequest(patient_id=patient_id, requester=requester(principal),
                                        count=count, cursor=cursor)
    req.since.FromDatetime(since)
    if until is not None:
        req.until.FromDatetime(until)
    reply: medical_pb2.ExportFhirResponse = await call(
        _stub(request).ExportFhir(req, timeout=PAGE_DEADLINE_S), "medical")
    return reply


def _fhir(text: str) -> Response:
    return FhirResponse(text)


# The server's capabilities do not change while it runs: built once; the date is the release's.
CAPABILITY_DATE = "2026-12-01"
SEARCH_PARAMS = (
    ("patient", "reference", "the patient: p-1003 or Patient/p-1003 (required)"),
    ("date", "date", "effective time, with ge/gt/le/lt/eq prefixes; repeat for a range"),
    ("_count", "number", f"Observations a page, 1 to {MAX_COUNT} (default 500)"),
)


def capability_statement() -> dict[str, Any]:
    """The facade's R4 CapabilityStatement: read Patient, search Observation, JSON only."""
    return {
        "resourceType": "CapabilityStatement", "status": "active", "date": CAPABILITY_DATE,
        "kind": "instance", "fhirVersion": "4.0.1", "format": [FHIR_JSON, "json"],
        "publisher": "Zezhou 5G+ platform",
        "implementation": {"description": "Zezhou county medical group: vital signs (read only)"},
        "software": {"name": "zezhou5g-gateway"},
        "rest": [{
            "mode": "server",
            "documentation": "Signed-in clinicians only; each sees the patients of their care "
                             "team, and every read is audited.",
            "security": {"cors": False, "description": "Session cookie of the platform's "
                                                       "sign-in (or its bearer token)."},
            "resource": [
                {"type": "Patient", "interaction": [{"code": "read"}]},
                {"type": "Observation", "interaction": [{"code": "search-type"}],
                 "supportedProfile": [
                     f"http://hl7.org/fhir/StructureDefinition/{p}" for p in (
                         "vitalsigns", "heartrate", "resprate", "oxygensat", "bodytemp", "bp")],
                 "searchParam": [{"name": n, "type": t, "documentation": d}
                                 for n, t, d in SEARCH_PARAMS]},
            ],
        }],
    }


_CAPABILITY_JSON = json.dumps(capability_statement())


@router.get("/metadata")
async def metadata() -> Response:
    """The CapabilityStatement: what this facade serves (no sign-in needed)."""
    return _fhir(_CAPABILITY_JSON)


@router.get("/Patient/{patient_id}")
async def read_patient(patient_id: str, request: Request, principal: Clinician) -> Response:
    """The patient as a FHIR R4 Patient; 403 outside the care team (audited)."""
    reply = await call(_stub(request).GetFhirPatient(medical_pb2.GetFhirPatientRequest(
        patient_id=patient_id, requester=requester(principal)), timeout=PAGE_DEADLINE_S),
        "medical")
    return _fhir(reply.resource_json)


@router.get("/Observation")
async def search_observations(
        request: Request, principal: Clinician,
        patient: Annotated[str, Query(min_length=1, max_length=80)],
        date_: Annotated[list[str] | None, Query(alias="date")] = None,
        count: Annotated[int, Query(alias="_count", ge=1)] = 500,
        cursor: Annotated[str, Query(alias="_cursor", max_length=400)] = "") -> Response:
    """Vital-sign Observations of one patient as a searchset Bundle page with paging links.

    ``patient`` is ``p-1003`` or ``Patient/p-1003``; ``date`` takes ge/gt/le/lt/eq prefixes
    on a date or dateTime (without an offset: UTC). At most 1000 a page (``_count``); the
    ``next`` link carries the cursor of the next page.
    """
    patient_id = patient.removeprefix("Patient/")
    since, until = date_range(date_ or [])
    if until is not None and until < since:
        raise ApiError(400, "invalid", "the date range is empty")
    reply = await export_page(request, principal, patient_id, since, until,
                              min(count, MAX_COUNT), cursor)
    links = [{"relation": "self", "url": str(request.url)}]
    if reply.next_cursor:
        links.append({"relation": "next", "url": str(
            request.url.include_query_params(_cursor=reply.next_cursor))})
    # The page is a JSON object from the service: the links go in as its first member,
    # without decoding and encoding the page again (up to 1 MB).
    return _fhir('{"link":' + json.dumps(links) + "," + reply.bundle_json.lstrip()[1:])


@export_router.get("/patients/{patient_id}/fhir", response_class=StreamingResponse,
                   responses={200: {"content": {FHIR_JSON: {}}}})
async def export_fhir(patient_id: str, request: Request, principal: Clinician,
                      minutes: Annotated[int, Query(ge=1, le=1440)] = 60) -> StreamingResponse:
    """The last ``minutes`` as one FHIR R4 searchset Bundle (Patient + all Observations).

    Streamed from pages of 1000, so a day of 1 Hz vitals downloads as well as an hour; 403
    outside the care team (audited).
    """
    until = datetime.now(UTC)
    since = until - timedelta(minutes=minutes)
    first = await export_page(request, principal, patient_id, since, until, MAX_COUNT)

    async def body() -> AsyncIterator[str]:
        page, reply = json.loads(first.bundle_json), first
        head = {k: v for k, v in page.items() if k != "entry"}
        head["link"] = [{"relation": "self", "url": str(request.url)}]
        yield json.dumps(head, ensure_ascii=False)[:-1] + ',"entry":['
        yield json.dumps(page["entry"], ensure_ascii=False)[1:-1]
        while reply.next_cursor:
            reply = await export_page(request, principal, patient_id, since, until,
                                      MAX_COUNT, reply.next_cursor)
            matches = json.loads(reply.bundle_json)["entry"][1:]  # the Patient is in already
            if matches:
                yield "," + json.dumps(matches, ensure_ascii=False)[1:-1]
        yield "]}"

    return StreamingResponse(body(), media_type=FHIR_JSON, headers={
        "Content-Disposition": 'attachment; filename="fhir-r4.json"'})
