"""Transport REST routes: enrolment (public), the gate kiosk, the station console.

Enrolment and withdrawal are open to passengers (rate-limited); the kiosk and the console need a
station operator's sign-in. Face photos and frames pass straight through to the transport
service; the gateway keeps none of them.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from google.protobuf import json_format
from pydantic import BaseModel, Field
from zezhou5g.transport.v1 import transport_pb2, transport_pb2_grpc

from gateway.auth import Principal, require_scenario
from gateway.grpc_clients import DEADLINE_S, as_dict, call, dicts
from gateway.ratelimit import public_limit

router = APIRouter(tags=["transport"])
Staff = Annotated[Principal, Depends(require_scenario("transport"))]

MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_FRAMES = 120
# Model work (enrolment photo, liveness over a few seconds of frames) takes longer than a read.
VISION_DEADLINE_S = 30.0


def _stub(request: Request) -> transport_pb2_grpc.TransportServiceStub:
    return transport_pb2_grpc.TransportServiceStub(request.app.state.channels["transport"])


async def public_summary(request: Request) -> Any:
    """What the public overview shows of the station gates (no personal data)."""
    reply = await call(_stub(request).ListGateStatus(
        transport_pb2.ListGateStatusRequest(), timeout=DEADLINE_S), "transport")
    return dicts(list(reply.gates))


def _ticket(ticket_id: str, trip_id: str, seat: str, departure: datetime, station_id: str,
            fare_fen: int, passenger_name: str) -> transport_pb2.Ticket:
    if departure.tzinfo is None:
        raise HTTPException(422, "departure needs a time zone, e.g. 2026-11-22T09:30:00+08:00")
    t = transport_pb2.Ticket(ticket_id=ticket_id, trip_id=trip_id, seat=seat,
                             station_id=station_id, fare_fen=fare_fen,
                             passenger_name=passenger_name)
    t.departure.FromDatetime(departure)
    return t


@router.post("/api/transport/enrol", dependencies=[Depends(public_limit)])
async def enrol(
    request: Request,
    photo: Annotated[UploadFile, File(description="JPEG/PNG, one face")],
    ticket_id: Annotated[str, Form(min_length=1, max_length=64)],
    trip_id: Annotated[str, Form(min_length=1, max_length=64)],
    seat: Annotated[str, Form(max_length=16)],
    departure: Annotated[datetime, Form(description="ISO 8601 with zone")],
    station_id: Annotated[str, Form(min_length=1, max_length=64)],
    id_number: Annotated[str, Form(min_length=4, max_length=32)],
    consent: Annotated[bool, Form(description="separate consent to face processing")],
    consent_version: Annotated[str, Form(max_length=32)],
    keep_photo: Annotated[bool, Form()] = False,
    fare_fen: Annotated[int, Form(ge=0, le=1_000_000)] = 0,
    passenger_name: Annotated[str, Form(max_length=64)] = "",
) -> dict[str, Any]:
    """Enrol a face for a ticket; 200 with ``ok: false`` and ``reasons`` when refused."""
    data = await photo.read(MAX_PHOTO_BYTES + 1)
    if len(data) > MAX_PHOTO_BYTES:
        raise HTTPException(413, f"photo larger than {MAX_PHOTO_BYTES // 1_000_000} MB")
    req = transport_pb2.EnrolRequest(
        ticket=_ticket(ticket_id, trip_id, seat, departure, station_id, fare_fen,
                       passenger_name),
        id_number=id_number, photo=data, actor="self",
        consent=transport_pb2.Consent(text_version=consent_version, accepted=consent,
                                      keep_photo=keep_photo))
    reply = await call(_stub(request).Enrol(req, timeout=VISION_DEADLINE_S), "transport")
    out = as_dict(reply)
    out.setdefault("ok", False)
    out.setdefault("reasons", [])
    return out


class WithdrawBody(BaseModel):
    """Withdrawal of consent: the ticket and the ID number it was booked with."""

    ticket_id: str = Field(min_length=1, max_length=64)
    id_number: str = Field(min_length=4, max_length=32)


@router.post("/api/transport/withdraw", dependencies=[Depends(public_limit)])
async def withdraw(request: Request, body: WithdrawBody) -> dict[str, Any]:
    """Withdraw consent: the face data is deleted at once everywhere."""
    reply = await call(_stub(request).Withdraw(transport_pb2.WithdrawRequest(
        ticket_id=body.ticket_id, id_number=body.id_number, actor="self"),
        timeout=DEADLINE_S), "transport")
    return {"withdrawn": reply.withdrawn, "removed": reply.removed}


@router.get("/api/transport/gates")
async def transport_gates(request: Request, _: Staff) -> list[dict[str, Any]]:
    """State of every gate."""
    return await public_summary(request)  # type: ignore[no-any-return]


class TicketBody(BaseModel):
    """A ticket for the QR lane (booking systems post these)."""

    ticket_id: str = Field(min_length=1, max_length=64)
    trip_id: str = Field(min_length=1, max_length=64)
    seat: str = Field(default="", max_length=16)
    departure: datetime
    station_id: str = Field(min_length=1, max_length=64)
    fare_fen: int = Field(default=0, ge=0, le=1_000_000)
    passenger_name: str = Field(default="", max_length=64)
    id_number: str = Field(min_length=4, max_length=32)


@router.post("/api/transport/tickets")
async def register_ticket(request: Request, body: TicketBody, _: Staff) -> dict[str, Any]:
    """Register (or update) a ticket."""
    t = _ticket(body.ticket_id, body.trip_id, body.seat, body.departure, body.station_id,
                body.fare_fen, body.passenger_name)
    reply = await call(_stub(request).RegisterTicket(transport_pb2.RegisterTicketRequest(
        ticket=t, id_number=body.id_number), timeout=DEADLINE_S), "transport")
    return as_dict(reply)


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


@router.post("/api/transport/passages/{passage_id}/decision")
async def decide(passage_id: str, request: Request, body: DecideBody,
                 _: Staff) -> dict[str, Any]:
    """Decide a passage from its frames; a retry with the same request_id charges once."""
    frames = [transport_pb2.Frame(image=_b64(f.image_b64), t_ms=f.t_ms) for f in body.frames]
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
    """Staff verdict on a queued passage."""

    approve: bool


@router.post("/api/transport/manual-queue/{item_id}")
async def resolve_manual(item_id: str, request: Request, body: ResolveBody,
                         principal: Staff) -> dict[str, Any]:
    """Open or refuse a queued passage; recorded with the signed-in operator's name."""
    reply = await call(_stub(request).ResolveManual(transport_pb2.ResolveManualRequest(
        item_id=item_id, approve=body.approve, staff=principal.username),
        timeout=DEADLINE_S), "transport")
    return as_dict(reply.decision)


class RefundBody(BaseModel):
    """Reverse a charged passage."""

    decision_id: str = Field(min_length=8, max_length=64)


@router.post("/api/transport/refunds")
async def refund(request: Request, body: RefundBody, principal: Staff) -> dict[str, Any]:
    """Refund the fare of a passage (once)."""
    reply = await call(_stub(request).Refund(transport_pb2.RefundRequest(
        decision_id=body.decision_id, staff=principal.username), timeout=DEADLINE_S),
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
