"""Transport REST routes: enrolment (public), the gate kiosk, the station console, ticketing.

Gate status, code requests, enrolment and withdrawal are open to passengers (rate-limited);
enrolment needs the ticket's ID number and an SMS code. Ticket issue / manifest import, the SMS
outbox, the enrolment audit, the kiosk and the console need a station operator's sign-in.
Face photos and frames pass straight through to the transport service; the gateway keeps none
of them.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import grpc
from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from google.protobuf import json_format
from pydantic import BaseModel, Field, ValidationError
from zezhou5g.transport.v1 import transport_pb2

from gateway.auth import Principal, require_scenario
from gateway.grpc_clients import DEADLINE_S, as_dict, call, dicts
from gateway.openapi import CONFLICT
from gateway.ratelimit import public_limit, upload_limit
from gateway.scenarios.transport import parse_manifest_csv, public_gate_view, public_summary
from gateway.scenarios.transport import stub as _stub
from gateway.uploads import checked_image

router = APIRouter(tags=["transport"])
Staff = Annotated[Principal, Depends(require_scenario("transport"))]

MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_FRAMES = 120
MAX_MANIFEST = 5000  # tickets per import (a day's departures of a mid-size station)
MAX_MANIFEST_BYTES = 2 * 1024 * 1024
# Model work (enrolment photo, liveness over a few seconds of frames) takes longer than a read.
VISION_DEADLINE_S = 30.0


def _ticket(ticket_id: str, trip_id: str, seat: str, departure: datetime, station_id: str,
            fare_fen: int, passenger_name: str) -> transport_pb2.Ticket:
    if departure.tzinfo is None:
        raise HTTPException(422, "departure needs a time zone, e.g. 2026-11-22T09:30:00+08:00")
    t = transport_pb2.Ticket(ticket_id=ticket_id, trip_id=trip_id, seat=seat,
                             station_id=station_id, fare_fen=fare_fen,
                             passenger_name=passenger_name)
    t.departure.FromDatetime(departure)
    return t


async def _failed(exc: grpc.aio.AioRpcError) -> None:
    raise exc


class CodeBody(BaseModel):
    """A passenger asks for a one-time code to the phone their ticket was booked with."""

    ticket_id: str = Field(min_length=1, max_length=64)
    id_number: str = Field(min_length=4, max_length=32)
    purpose: Literal["enrol", "withdraw"] = "enrol"
    # The page's language, which the SMS is written in.
    lang: Literal["zh-CN", "en"] = "zh-CN"


@router.post("/api/transport/codes", dependencies=[Depends(public_limit)])
async def request_code(request: Request, body: CodeBody) -> dict[str, Any]:
    """SMS a code if ticket and ID number match; the same answer when they do not."""
    try:
        reply = await _stub(request).RequestCode(transport_pb2.RequestCodeRequest(
            ticket_id=body.ticket_id, id_number=body.id_number, purpose=body.purpose,
            lang=body.lang),
            timeout=DEADLINE_S)
    except grpc.aio.AioRpcError as exc:
        if exc.code() != grpc.StatusCode.RESOURCE_EXHAUSTED:
            await call(_failed(exc), "transport")  # the usual status mapping
        raise HTTPException(429, exc.details() or "too many code requests",
                            headers={"Retry-After": "600"}) from exc
    return {"accepted": reply.accepted, "expires_in_s": reply.expires_in_s}


@router.post("/api/transport/enrol",
             dependencies=[Depends(public_limit), Depends(upload_limit)])
async def enrol(
    request: Request,
    photo: Annotated[UploadFile, File(description="JPEG/PNG, one face")],
    ticket_id: Annotated[str, Form(min_length=1, max_length=64)],
    id_number: Annotated[str, Form(min_length=4, max_length=32)],
    otp: Annotated[str, Form(min_length=4, max_length=12, description="SMS code")],
    consent: Annotated[bool, Form(description="separate consent to face processing")],
    consent_version: Annotated[str, Form(max_length=32)],
    keep_photo: Annotated[bool, Form()] = False,
) -> dict[str, Any]:
    """Bind a face to an issued ticket after proof of ownership (ID number + SMS code).

    200 with ``ok: false`` and ``refusals`` (EnrolRefusal codes) when refused; the ticket (trip,
    fare, ...) comes from ticketing and is never typed here. ``withdrawal_code`` is shown to the
    passenger once.
    """
    data = await photo.read(MAX_PHOTO_BYTES + 1)
    if len(data) > MAX_PHOTO_BYTES:
        raise HTTPException(413, f"photo larger than {MAX_PHOTO_BYTES // 1_000_000} MB")
    checked_image(data, "photo")
    req = transport_pb2.EnrolRequest(
        ticket_id=ticket_id, id_number=id_number, otp=otp, photo=data,
        consent=transport_pb2.Consent(text_version=consent_version, accepted=consent,
                                      keep_photo=keep_photo))
    reply = await call(_stub(request).Enrol(req, timeout=VISION_DEADLINE_S), "transport")
    out = as_dict(reply)
    out.setdefault("ok", False)
    out.setdefault("refusals", [])
    return out


class WithdrawBody(BaseModel):
    """Withdrawal of consent: the withdrawal code, or the ID number + an SMS code."""

    ticket_id: str = Field(min_length=1, max_length=64)
    withdrawal_code: str = Field(default="", max_length=20)
    id_number: str = Field(default="", max_length=32)
    otp: str = Field(default="", max_length=12)


@router.post("/api/transport/withdraw", dependencies=[Depends(public_limit)])
async def withdraw(request: Request, body: WithdrawBody) -> dict[str, Any]:
    """Withdraw consent: the face data is deleted at once everywhere; 403 without proof."""
    if not body.withdrawal_code and not (body.id_number and body.otp):
        raise HTTPException(422, "give the withdrawal code, or the ID number and an SMS code")
    reply = await call(_stub(request).Withdraw(transport_pb2.WithdrawRequest(
        ticket_id=body.ticket_id, withdrawal_code=body.withdrawal_code,
        id_number=body.id_number, otp=body.otp),
        timeout=DEADLINE_S), "transport")
    return {"withdrawn": reply.withdrawn, "removed": reply.removed}


@router.get("/api/transport/gates")
async def transport_gates(request: Request, _: Staff) -> list[dict[str, Any]]:
    """State of every gate."""
    return await public_summary(request)  # type: ignore[no-any-return]


@router.get("/api/public/transport", dependencies=[Depends(public_limit)])
async def public_transport(request: Request) -> dict[str, Any]:
    """The public gate page: per station its gates, lanes open and a wait estimate."""
    reply = await call(_stub(request).ListGateStatus(
        transport_pb2.ListGateStatusRequest(), timeout=DEADLINE_S), "transport")
    return public_gate_view(list(reply.gates), reply.retention_h, datetime.now(UTC))


class TicketBody(BaseModel):
    """A ticket as ticketing issues it (booking systems post these; never the passenger)."""

    ticket_id: str = Field(min_length=1, max_length=64)
    trip_id: str = Field(min_length=1, max_length=64)
    seat: str = Field(default="", max_length=16)
    departure: datetime
    station_id: str = Field(min_length=1, max_length=64)
    fare_fen: int = Field(default=0, ge=0, le=1_000_000)
    passenger_name: str = Field(default="", max_length=64)
    id_number: str = Field(min_length=4, max_length=32)
    phone: str = Field(min_length=6, max_length=20)


def _issue(body: TicketBody) -> transport_pb2.RegisterTicketRequest:
    t = _ticket(body.ticket_id, body.trip_id, body.seat, body.departure, body.station_id,
                body.fare_fen, body.passenger_name)
    return transport_pb2.RegisterTicketRequest(ticket=t, id_number=body.id_number,
                                               phone=body.phone)


@router.post("/api/transport/tickets", responses=CONFLICT)
async def register_ticket(request: Request, body: TicketBody, _: Staff) -> dict[str, Any]:
    """Issue (or update) one ticket; 409 when it would rebind an enrolled ticket."""
    # Recorded as issued by the signed-in operator: the service takes it from the principal.
    reply = await call(_stub(request).RegisterTicket(_issue(body), timeout=DEADLINE_S),
                       "transport")
    return as_dict(reply)


class ManifestBody(BaseModel):
    """The day's manifest from ticketing."""

    tickets: list[TicketBody] = Field(min_length=1, max_length=MAX_MANIFEST)


@router.post("/api/transport/manifest")
async def import_manifest(request: Request, _: Staff) -> dict[str, Any]:
    """Import tickets: JSON ``{"tickets": [...]}`` or CSV (``text/csv``, TicketBody header).

    Tickets refused (invalid, or enrolled under another ID number) are listed in ``refusals``
    with their Refusal code (``{"ticket_id", "why"}``).
    """
    raw = await request.body()
    if len(raw) > MAX_MANIFEST_BYTES:
        raise HTTPException(413, "manifest too large")
    try:
        if request.headers.get("content-type", "").startswith("text/csv"):
            body = ManifestBody.model_validate(
                {"tickets": parse_manifest_csv(raw.decode("utf-8-sig"))})
        else:
            body = ManifestBody.model_validate_json(raw)
    except (ValidationError, UnicodeDecodeError, ValueError) as exc:
        raise HTTPException(422, f"manifest: {exc}") from exc
    reply = await call(_stub(request).IssueTickets(transport_pb2.IssueTicketsRequest(
        tickets=[_issue(t) for t in body.tickets]),
        timeout=VISION_DEADLINE_S), "transport")
    return {"issued": reply.issued, "unchanged": reply.unchanged,
            "refusals": dicts(list(reply.refusals))}


@router.get("/api/transport/sms-outbox")
async def sms_outbox(request: Request, _: Staff,
                     ticket_id: Annotated[str, Query(max_length=64)] = "",
                     limit: Annotated[int, Query(ge=1, le=500)] = 50) -> list[Any]:
    """The demo SMS gateway's messages (stand-in for the passengers' phones), newest first."""
    reply = await call(_stub(request).ListSmsOutbox(transport_pb2.ListSmsOutboxRequest(
        ticket_id=ticket_id, limit=limit), timeout=DEADLINE_S), "transport")
    return dicts(list(reply.messages))


@router.get("/api/transport/enrolment-audit")
async def enrolment_audit(request: Request, _: Staff,
                          ticket_id: Annotated[str, Query(max_length=64)] = "",
                          limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[Any]:
    """Codes sent/refused, enrolments, withdrawals, refusals, overrides; newest first."""
    reply = await call(_stub(request).ListEnrolmentAudit(
        transport_pb2.ListEnrolmentAuditRequest(ticket_id=ticket_id, limit=limit),
        timeout=DEADLINE_S), "transport")
    return dicts(list(reply.entries))


class StartBody(BaseModel):
    """A passage attempt: with a scanned ticket (1:1) or without (1:N)."""

    ticket_id: str = Field(default="", max_length=64)


@router.post("/api/transport/gates/{gate_id}/passages")
async def start_passage(gate_id: str, request: Request, body: StartBody,
                        _: Staff) -> dict[str, Any]:
    """Open a passage; the reply names the liveness challenge to show."""
    reply = await call(_stub(request).StartPassage(transport_pb2.StartPassageRequest(
        gate_id=gate_id, ticket_id=body.ticket_id), timeout=DEADLINE_S), "transport")
    return as_dict(reply)


class FrameBody(BaseModel):
    """One camera frame: base64 JPEG/PNG and ms since the first frame."""

    image_b64: str = Field(max_length=2_000_000)
    t_ms: int = Field(ge=0, le=120_000)


class DecideBody(BaseModel):
    """Frames of a passage and the gate's idempotency key."""

    request_id: str = Field(min_length=8, max_length=64)
    frames: list[FrameBody] = Field(min_length=1, max_length=MAX_FRAMES)


def _b64(data: str) -> bytes:
    try:
        return base64.b64decode(data.split(",", 1)[-1], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise HTTPException(422, "frame is not base64") from exc


@router.post("/api/transport/passages/{passage_id}/decision", responses=CONFLICT)
async def decide(passage_id: str, request: Request, body: DecideBody,
                 _: Staff) -> dict[str, Any]:
    """Decide a passage from its frames; a retry with the same request_id charges once."""
    frames = [transport_pb2.Frame(image=checked_image(_b64(f.image_b64), "frame"), t_ms=f.t_ms)
              for f in body.frames]
    reply = await call(_stub(request).Decide(transport_pb2.DecideRequest(
        passage_id=passage_id, request_id=body.request_id, frames=frames),
        timeout=VISION_DEADLINE_S), "transport")
    return as_dict(reply)


class ManualBody(BaseModel):
    """The non-face lane: QR ticket + ID number."""

    ticket_id: str = Field(min_length=1, max_length=64)
    id_number: str = Field(min_length=4, max_length=32)


@router.post("/api/transport/gates/{gate_id}/manual")
async def request_manual(gate_id: str, request: Request, body: ManualBody,
                         _: Staff) -> dict[str, Any]:
    """Queue a QR + ID passage for staff confirmation."""
    reply = await call(_stub(request).RequestManual(transport_pb2.ManualRequestRequest(
        gate_id=gate_id, ticket_id=body.ticket_id, id_number=body.id_number),
        timeout=DEADLINE_S), "transport")
    return as_dict(reply.item)


@router.get("/api/transport/manual-queue")
async def manual_queue(request: Request, _: Staff,
                       station_id: Annotated[str, Query(max_length=64)] = "") -> list[Any]:
    """Pending manual checks, oldest first."""
    reply = await call(_stub(request).ListManualQueue(transport_pb2.ListManualQueueRequest(
        station_id=station_id), timeout=DEADLINE_S), "transport")
    return dicts(list(reply.items))


class ResolveBody(BaseModel):
    """Staff verdict on a queued passage (a reason is needed to open an ID mismatch)."""

    approve: bool
    reason: str = Field(default="", max_length=200)


@router.post("/api/transport/manual-queue/{item_id}", responses=CONFLICT)
async def resolve_manual(item_id: str, request: Request, body: ResolveBody,
                         principal: Staff) -> dict[str, Any]:
    """Open or refuse a queued passage; recorded with the signed-in operator's name."""
    reply = await call(_stub(request).ResolveManual(transport_pb2.ResolveManualRequest(
        item_id=item_id, approve=body.approve, reason=body.reason),
        timeout=DEADLINE_S), "transport")
    return as_dict(reply.decision)


class RefundBody(BaseModel):
    """Reverse a charged passage."""

    decision_id: str = Field(min_length=8, max_length=64)


@router.post("/api/transport/refunds", responses=CONFLICT)
async def refund(request: Request, body: RefundBody, principal: Staff) -> dict[str, Any]:
    """Refund the fare of a passage (once)."""
    reply = await call(_stub(request).Refund(transport_pb2.RefundRequest(
        decision_id=body.decision_id), timeout=DEADLINE_S),
        "transport")
    return {"refunded": reply.refunded, "amount_fen": reply.amount_fen}


@router.get("/api/transport/summary")
async def summary(request: Request, _: Staff,
                  station_id: Annotated[str, Query(max_length=64)] = "") -> dict[str, Any]:
    """Console figures: counts, passages/min, rates, payment totals, recent decisions."""
    reply = await call(_stub(request).GetStationSummary(transport_pb2.StationSummaryRequest(
        station_id=station_id), timeout=DEADLINE_S), "transport")
    out = json_format.MessageToDict(reply, preserving_proto_field_name=True,
                                    always_print_fields_with_no_presence=True)
    return out
