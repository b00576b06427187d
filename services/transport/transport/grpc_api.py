"""gRPC API of the transport service: wire messages ↔ use cases, errors → status codes."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import grpc
from zezhou5g.platform import refusals
from zezhou5g.platform.failures import is_infrastructure
from zezhou5g.platform.principal import ADMIN, ANY, PUBLIC, SYSTEM, current
from zezhou5g.platform.runtime import blocking
from zezhou5g.transport.v1 import transport_pb2, transport_pb2_grpc

from transport.adapters.ownership import Refused
from transport.adapters.sms import OutboxSms
from transport.adapters.vision import BadImage
from transport.app.decisions import FaceLane
from transport.app.enrolment import Enrolment
from transport.app.errors import RequestError
from transport.app.figures import Figures
from transport.app.gallery import GalleryNode
from transport.app.heartbeats import Heartbeats
from transport.app.manual import ManualLane
from transport.app.payments import Payments
from transport.wire import enrol_refusals, refusal_of

T = TypeVar("T")
# Station staff; "system" is a process acting for them (the simulated gate camera, ticketing).
STAFF = frozenset({"station_operator", ADMIN, SYSTEM})
PASSENGER = STAFF | {PUBLIC}

_CODES = {"not_found": grpc.StatusCode.NOT_FOUND,
          "invalid_argument": grpc.StatusCode.INVALID_ARGUMENT,
          "failed_precondition": grpc.StatusCode.FAILED_PRECONDITION,
          "resource_exhausted": grpc.StatusCode.RESOURCE_EXHAUSTED}


def _refused(status: grpc.StatusCode, refusal: transport_pb2.Refusal, detail: str,
             **params: str | int | float) -> refusals.Refused:
    return refusals.Refused(status, transport_pb2.Refusal.Name(refusal), detail, **params)


def _actor() -> str:
    """Who the verified caller is, for the audit: ``staff/<user>``, or a system process's name.

    From the principal the interceptor verified, never from the request (a body can claim
    anyone).
    """
    caller = current()
    return caller.subject if caller.role == SYSTEM else f"staff/{caller.subject}"


def _staff() -> str:
    """The verified caller's user name (the staffed lane and refunds record ``staff/<it>``)."""
    return current().subject


def _requester() -> str:
    """Who asks to enrol or withdraw, from the verified caller.

    ``"self"`` from the public page (the passenger, proven by ticket, ID number and SMS code),
    else the caller as :func:`_actor` names it.
    """
    return "self" if current().role == PUBLIC else _actor()


async def _run(context: grpc.aio.ServicerContext, fn: Callable[..., T], *args: Any) -> T:
    """Run a use case off the event loop; its refusals become gRPC status codes.

    Each refusal carries its ``Refusal`` code in the trailing metadata
    (``zezhou5g.platform.refusals``). A dependency that is away (Redis, SQL, the broker)
    answers UNAVAILABLE: the caller may retry (with the same request id where the RPC has one).
    """
    try:
        return await blocking(fn, *args)
    except RequestError as exc:
        await refusals.abort(context, _refused(
            _CODES.get(exc.code, grpc.StatusCode.INVALID_ARGUMENT), exc.refusal, str(exc),
            **exc.params))
    except BadImage as exc:
        await refusals.abort(context, _refused(grpc.StatusCode.INVALID_ARGUMENT,
                                               transport_pb2.REFUSAL_BAD_IMAGE, str(exc)))
    except ValueError as exc:
        await refusals.abort(context, _refused(grpc.StatusCode.INVALID_ARGUMENT,
                                               transport_pb2.REFUSAL_INVALID_REQUEST, str(exc)))
    except PermissionError as exc:
        await refusals.abort(context, _refused(grpc.StatusCode.PERMISSION_DENIED,
                                               transport_pb2.REFUSAL_OWNERSHIP_NOT_PROVEN,
                                               str(exc)))
    except Refused as exc:
        await refusals.abort(context, _refused(grpc.StatusCode.FAILED_PRECONDITION,
                                               refusal_of(exc.reason), str(exc)))
    except Exception as exc:
        if not is_infrastructure(exc):
            raise
        await context.abort(grpc.StatusCode.UNAVAILABLE, f"a dependency is unavailable: {exc}")
    raise AssertionError("unreachable")


class TransportApi(transport_pb2_grpc.TransportServiceServicer):
    """``zezhou5g.transport.v1.TransportService``."""

    # Enforced by the runtime before each handler (zezhou5g.platform.principal); an RPC left
    # out is refused to everyone. Passenger self-service goes through the public pages.
    ROLES = {
        "ListGateStatus": ANY, "RequestCode": PASSENGER, "Enrol": PASSENGER,
        "Withdraw": PASSENGER, "RegisterTicket": STAFF, "IssueTickets": STAFF,
        "ListSmsOutbox": STAFF, "ListEnrolmentAudit": STAFF - {SYSTEM}, "StartPassage": STAFF,
        "Decide": STAFF, "RequestManual": STAFF, "ListManualQueue": STAFF,
        "ResolveManual": STAFF, "Refund": STAFF, "GetStationSummary": STAFF,
        "GalleryInfo": STAFF,
    }

    def __init__(self, heartbeats: Heartbeats, enrolment: Enrolment, face: FaceLane,
                 manual: ManualLane, payments: Payments, figures: Figures,
                 node: GalleryNode) -> None:
        self.heartbeats = heartbeats
        self.enrolment = enrolment
        self.face = face
        self.manual = manual
        self.payments = payments
        self.figures = figures
        self.node = node

    async def ListGateStatus(  # noqa: N802 - gRPC method name
        self, request: transport_pb2.ListGateStatusRequest, context: grpc.aio.ServicerContext
    ) -> transport_pb2.ListGateStatusResponse:
        """Latest status of every gate that has reported."""
        return transport_pb2.ListGateStatusResponse(
            gates=await _run(context, self.heartbeats.statuses),
            retention_h=self.enrolment.retention.total_seconds() / 3600)

    async def RegisterTicket(  # noqa: N802
        self, request: transport_pb2.RegisterTicketRequest, context: grpc.aio.ServicerContext
    ) -> transport_pb2.RegisterTicketResponse:
        """Ticketing stores one ticket (QR lane and enrolment both need one)."""
        _, row = await _run(context, self.enrolment.issue, request, _actor())
        return transport_pb2.RegisterTicketResponse(passenger_ref=row.passenger_ref)

    async def IssueTickets(  # noqa: N802
        self, request: transport_pb2.IssueTicketsRequest, context: grpc.aio.ServicerContext
    ) -> transport_pb2.IssueTicketsResponse:
        """Ticketing imports tickets (the day's manifest); refusals listed per ticket."""
        issued, unchanged, refused = await _run(context, self.enrolment.issue_many,
                                                list(request.tickets), _actor())
        return transport_pb2.IssueTicketsResponse(issued=issued, unchanged=unchanged,
                                                  refusals=refused)

    async def RequestCode(  # noqa: N802
        self, request: transport_pb2.RequestCodeRequest, context: grpc.aio.ServicerContext
    ) -> transport_pb2.RequestCodeResponse:
        """SMS a one-time code to the ticket's phone if ticket and ID match (same answer)."""
        send = functools.partial(self.enrolment.request_code, lang=request.lang or "zh-CN")
        ttl = await _run(context, send, request.ticket_id, request.id_number,
                         request.purpose or "enrol")
        return transport_pb2.RequestCodeResponse(accepted=True, expires_in_s=ttl)

    async def ListSmsOutbox(  # noqa: N802
        self, request: transport_pb2.ListSmsOutboxRequest, context: grpc.aio.ServicerContext
    ) -> transport_pb2.ListSmsOutboxResponse:
        """The demo SMS gateway's sent messages, newest first."""
        outbox = self.enrolment.sms
        if not isinstance(outbox, OutboxSms):
            await context.abort(grpc.StatusCode.UNIMPLEMENTED, "SMS gateway has no outbox")
            raise AssertionError("unreachable")
        rows = await _run(context, outbox.messages, request.ticket_id, request.limit or 50)
        out = transport_pb2.ListSmsOutboxResponse()
        for r in rows:
            m = out.messages.add(id=r.id, ticket_id=r.ticket_id, phone_masked=r.phone_masked,
                                 body=r.body, lang=r.lang)
            m.sent.FromDatetime(r.sent)
        return out

    async def ListEnrolmentAudit(  # noqa: N802
        self, request: transport_pb2.ListEnrolmentAuditRequest,
        context: grpc.aio.ServicerContext
    ) -> transport_pb2.ListEnrolmentAuditResponse:
        """Enrolment audit log (codes, enrolments, withdrawals, refusals), newest first."""
        rows = await _run(context, self.enrolment.audit_entries, request.ticket_id,
                          request.limit or 100)
        out = transport_pb2.ListEnrolmentAuditResponse()
        for r in rows:
            e = out.entries.add(id=r.id, ticket_id=r.ticket_id, action=r.action,
                                reason=r.reason, actor=r.actor)
            e.at.FromDatetime(r.at)
        return out

    async def Enrol(  # noqa: N802
        self, request: transport_pb2.EnrolRequest, context: grpc.aio.ServicerContext
    ) -> transport_pb2.EnrolResponse:
        """Enrol a face for a ticket with separate consent; reasons when refused."""
        res = await _run(context, self.enrolment.enrol, request, _requester())
        out = transport_pb2.EnrolResponse(ok=res.ok, enrolment_id=res.enrolment_id,
                                          passenger_ref=res.passenger_ref,
                                          refusals=enrol_refusals(res.reasons),
                                          withdrawal_code=res.withdrawal_code)
        if res.purge_after is not None:
            out.purge_after.FromDatetime(res.purge_after)
        return out

    async def Withdraw(  # noqa: N802
        self, request: transport_pb2.WithdrawRequest, context: grpc.aio.ServicerContext
    ) -> transport_pb2.WithdrawResponse:
        """Withdraw consent (proof of ownership needed): the face data is deleted everywhere."""
        done, removed = await _run(context, self.enrolment.withdraw, request, _requester())
        return transport_pb2.WithdrawResponse(withdrawn=done, removed=removed)

    async def StartPassage(  # noqa: N802
        self, request: transport_pb2.StartPassageRequest, context: grpc.aio.ServicerContext
    ) -> transport_pb2.StartPassageResponse:
        """Open a passage attempt; the reply says which challenge to perform."""
        return await _run(context, self.face.start, request.gate_id, request.ticket_id)

    async def Decide(  # noqa: N802
        self, request: transport_pb2.DecideRequest, context: grpc.aio.ServicerContext
    ) -> transport_pb2.DecideResponse:
        """Decide a passage from the camera frames."""
        frames = [(f.image, f.t_ms) for f in request.frames]
        return await _run(context, self.face.decide, request.passage_id, request.request_id,
                          frames)

    async def RequestManual(  # noqa: N802
        self, request: transport_pb2.ManualRequestRequest, context: grpc.aio.ServicerContext
    ) -> transport_pb2.ManualRequestResponse:
        """QR ticket + ID number: queue for staff confirmation."""
        item = await _run(context, self.manual.request, request.gate_id, request.ticket_id,
                          request.id_number)
        return transport_pb2.ManualRequestResponse(item=item)

    async def ListManualQueue(  # noqa: N802
        self, request: transport_pb2.ListManualQueueRequest, context: grpc.aio.ServicerContext
    ) -> transport_pb2.ListManualQueueResponse:
        """Pending manual checks, oldest first."""
        items = await _run(context, self.manual.queue, request.station_id)
        return transport_pb2.ListManualQueueResponse(items=items)

    async def ResolveManual(  # noqa: N802
        self, request: transport_pb2.ResolveManualRequest, context: grpc.aio.ServicerContext
    ) -> transport_pb2.ResolveManualResponse:
        """Staff open or refuse a queued passage.

        Opening one whose ID did not match needs a reason (kept in the enrolment audit log).
        """
        d = await _run(context, self.manual.resolve, request.item_id, request.approve,
                       _staff(), request.reason)
        return transport_pb2.ResolveManualResponse(decision=d)

    async def Refund(  # noqa: N802
        self, request: transport_pb2.RefundRequest, context: grpc.aio.ServicerContext
    ) -> transport_pb2.RefundResponse:
        """Reverse a charged passage."""
        done, amount = await _run(context, self.payments.refund, request.decision_id,
                                  _staff())
        return transport_pb2.RefundResponse(refunded=done, amount_fen=amount)

    async def GetStationSummary(  # noqa: N802
        self, request: transport_pb2.StationSummaryRequest, context: grpc.aio.ServicerContext
    ) -> transport_pb2.StationSummary:
        """Counts, rates, payment totals and recent decisions of a station ("" = all)."""
        return await _run(context, self.figures.summary, request.station_id)

    async def GalleryInfo(  # noqa: N802
        self, request: transport_pb2.GalleryInfoRequest, context: grpc.aio.ServicerContext
    ) -> transport_pb2.GalleryInfoResponse:
        """This node's in-memory gallery (ids only)."""
        ids = self.node.gallery.ids()
        return transport_pb2.GalleryInfoResponse(node=self.node.name, size=len(ids),
                                                 enrolment_ids=ids)
