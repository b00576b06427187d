"""gRPC API of the transport service: wire messages ↔ use cases, errors → status codes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import grpc
from zezhou5g.platform.latest import LatestStore
from zezhou5g.platform.principal import ADMIN, ANY, PUBLIC, SYSTEM
from zezhou5g.transport.v1 import transport_pb2, transport_pb2_grpc

from transport.adapters.ownership import Refused
from transport.adapters.sms import OutboxSms
from transport.adapters.vision import BadImage
from transport.enrol import Enrolment
from transport.gate import Gates, PassageError
from transport.lanes import ManualLane, Payments, manual_item
from transport.node import GalleryNode

T = TypeVar("T")
# Station staff; "system" is a process acting for them (the simulated gate camera, ticketing).
STAFF = frozenset({"station_operator", ADMIN, SYSTEM})
PASSENGER = STAFF | {PUBLIC}

_CODES = {"not_found": grpc.StatusCode.NOT_FOUND,
          "invalid_argument": grpc.StatusCode.INVALID_ARGUMENT,
          "failed_precondition": grpc.StatusCode.FAILED_PRECONDITION,
          "resource_exhausted": grpc.StatusCode.RESOURCE_EXHAUSTED}


async def _run(context: grpc.aio.ServicerContext, fn: Callable[..., T], *args: Any) -> T:
    """Run blocking work in a thread; domain errors become gRPC status codes."""
    try:
        return await asyncio.to_thread(fn, *args)
    except PassageError as exc:
        await context.abort(_CODES.get(exc.code, grpc.StatusCode.INVALID_ARGUMENT), str(exc))
    except (BadImage, ValueError) as exc:
        await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
    except PermissionError as exc:
        await context.abort(grpc.StatusCode.PERMISSION_DENIED, str(exc))
    except Refused as exc:
        await context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(exc))
    raise AssertionError("unreachable")


def decision_row(row: dict[str, Any]) -> transport_pb2.GateDecision:
    """Audit row → GateDecision (for the console's recent list)."""
    msg = transport_pb2.GateDecision(
        gate_id=row["gate_id"], station_id=row["station_id"], lane=row["lane"],
        outcome=row["outcome"], reason=row["reason"], mode=row["mode"], score=row["score"],
        threshold=row["threshold"], ticket_id=row["ticket_id"],
        passenger_ref=row["passenger_ref"], actor=row["actor"], challenge=row["challenge"])
    msg.meta.event_id = row["decision_id"]
    at = row["at"]
    msg.meta.event_time.FromDatetime(at if at.tzinfo else at.replace(tzinfo=UTC))
    return msg


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

    def __init__(self, gates_status: LatestStore[transport_pb2.GateStatus], enrolment: Enrolment,
                 gates: Gates, manual: ManualLane, payments: Payments, node: GalleryNode) -> None:
        self.gates_status = gates_status
        self.enrolment = enrolment
        self.gates = gates
        self.manual = manual
        self.payments = payments
        self.node = node

    async def ListGateStatus(  # noqa: N802 - gRPC method name
        self, request: transport_pb2.ListGateStatusRequest, context: grpc.aio.ServicerContext
    ) -> transport_pb2.ListGateStatusResponse:
        """Latest status of every gate that has reported."""
        return transport_pb2.ListGateStatusResponse(
            gates=self.gates_status.all(),
            retention_h=self.enrolment.retention.total_seconds() / 3600)

    async def RegisterTicket(  # noqa: N802
        self, request: transport_pb2.RegisterTicketRequest, context: grpc.aio.ServicerContext
    ) -> transport_pb2.RegisterTicketResponse:
        """Ticketing stores one ticket (QR lane and enrolment both need one)."""
        _, row = await _run(context, self.enrolment.issue, request,
                            request.actor or "ticketing")
        return transport_pb2.RegisterTicketResponse(passenger_ref=row.passenger_ref)

    async def IssueTickets(  # noqa: N802
        self, request: transport_pb2.IssueTicketsRequest, context: grpc.aio.ServicerContext
    ) -> transport_pb2.IssueTicketsResponse:
        """Ticketing imports tickets (the day's manifest); refusals listed per ticket."""
        issued, unchanged, refused = await _run(context, self.enrolment.issue_many,
                                                list(request.tickets),
                                                request.actor or "ticketing")
        return transport_pb2.IssueTicketsResponse(issued=issued, unchanged=unchanged,
                                                  refused=refused)

    async def RequestCode(  # noqa: N802
        self, request: transport_pb2.RequestCodeRequest, context: grpc.aio.ServicerContext
    ) -> transport_pb2.RequestCodeResponse:
        """SMS a one-time code to the ticket's phone if ticket and ID match (same answer)."""
        ttl = await _run(context, self.enrolment.request_code, request.ticket_id,
                         request.id_number, request.purpose or "enrol")
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
                                 body=r.body)
            m.sent.FromDatetime(r.sent)
        return out

    async def ListEnrolmentAudit(  # noqa: N802
        self, request: transport_pb2.ListEnrolmentAuditRequest,
        context: grpc.aio.ServicerContext
    ) -> transport_pb2.ListEnrolmentAuditResponse:
        """Enrolment audit log (codes, enrolments, withdrawals, refusals), newest first."""
        rows = await _run(context, self.enrolment.own.audit_entries, request.ticket_id,
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
        res = await _run(context, self.enrolment.enrol, request)
        out = transport_pb2.EnrolResponse(ok=res.ok, enrolment_id=res.enrolment_id,
                                          passenger_ref=res.passenger_ref, reasons=res.reasons,
                                          withdrawal_code=res.withdrawal_code)
        if res.purge_after is not None:
            out.purge_after.FromDatetime(res.purge_after)
        return out

    async def Withdraw(  # noqa: N802
        self, request: transport_pb2.WithdrawRequest, context: grpc.aio.ServicerContext
    ) -> transport_pb2.WithdrawResponse:
        """Withdraw consent (proof of ownership needed): the face data is deleted everywhere."""
        done, removed = await _run(context, self.enrolment.withdraw, request)
        return transport_pb2.WithdrawResponse(withdrawn=done, removed=removed)

    async def StartPassage(  # noqa: N802
        self, request: transport_pb2.StartPassageRequest, context: grpc.aio.ServicerContext
    ) -> transport_pb2.StartPassageResponse:
        """Open a passage attempt; the reply says which challenge to perform."""
        return await _run(context, self.gates.start, request.gate_id, request.ticket_id)

    async def Decide(  # noqa: N802
        self, request: transport_pb2.DecideRequest, context: grpc.aio.ServicerContext
    ) -> transport_pb2.DecideResponse:
        """Decide a passage from the camera frames."""
        frames = [(f.image, f.t_ms) for f in request.frames]
        return await _run(context, self.gates.decide, request.passage_id, request.request_id,
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
        rows = await _run(context, self.gates.repo.manual_items, request.station_id)
        return transport_pb2.ListManualQueueResponse(items=[manual_item(r) for r in rows])

    async def ResolveManual(  # noqa: N802
        self, request: transport_pb2.ResolveManualRequest, context: grpc.aio.ServicerContext
    ) -> transport_pb2.ResolveManualResponse:
        """Staff open or refuse a queued passage.

        Opening one whose ID did not match needs a reason (kept in the enrolment audit log).
        """
        await _run(context, self._check_override, request)
        d = await _run(context, self.manual.resolve, request.item_id, request.approve,
                       request.staff)
        return transport_pb2.ResolveManualResponse(decision=d)

    async def Refund(  # noqa: N802
        self, request: transport_pb2.RefundRequest, context: grpc.aio.ServicerContext
    ) -> transport_pb2.RefundResponse:
        """Reverse a charged passage."""
        done, amount = await _run(context, self.payments.refund, request.decision_id,
                                  request.staff)
        return transport_pb2.RefundResponse(refunded=done, amount_fen=amount)

    async def GetStationSummary(  # noqa: N802
        self, request: transport_pb2.StationSummaryRequest, context: grpc.aio.ServicerContext
    ) -> transport_pb2.StationSummary:
        """Counts, rates, payment totals and recent decisions of a station ("" = all)."""
        return await _run(context, self._summary, request.station_id)

    def _check_override(self, request: transport_pb2.ResolveManualRequest) -> None:
        item = self.gates.repo.manual_item(request.item_id)
        if not request.approve or item is None or item["id_matches"] \
                or item["state"] != "pending":
            return
        if len(request.reason.strip()) < 4:
            raise ValueError("the ID number did not match the ticket: a reason (at least 4 "
                             "characters) is required to open")
        self.enrolment.own.audit(str(item["ticket_id"]), "manual_override",
                                 request.reason.strip(), f"staff/{request.staff}",
                                 datetime.now(UTC))

    def _summary(self, station: str) -> transport_pb2.StationSummary:
        stats = self.gates.state.stats(station)
        charged, refunded = self.gates.repo.totals_fen(station)
        return transport_pb2.StationSummary(
            passages_total=stats.get("total", 0), open_total=stats.get("open", 0),
            deny_total=stats.get("deny", 0), manual_total=stats.get("manual", 0),
            passages_last_min=self.gates.state.last_minute(station), charged_fen=charged,
            refunded_fen=refunded, enrolled_now=len(self.node.gallery),
            manual_pending=len(self.gates.repo.manual_items(station)),
            recent=[decision_row(r) for r in self.gates.repo.recent_decisions(station)])

    async def GalleryInfo(  # noqa: N802
        self, request: transport_pb2.GalleryInfoRequest, context: grpc.aio.ServicerContext
    ) -> transport_pb2.GalleryInfoResponse:
        """This node's in-memory gallery (ids only)."""
        ids = self.node.gallery.ids()
        return transport_pb2.GalleryInfoResponse(node=self.node.name, size=len(ids),
                                                 enrolment_ids=ids)
