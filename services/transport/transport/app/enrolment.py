"""Tickets from ticketing, face enrolment by the ticket's proven owner, withdrawal, purge.

A face is bound only to a ticket that ticketing issued (``issue``), and only after the
passenger proves they hold it: the ID number it was booked with plus a one-time code sent to
its phone (``request_code``). An enrolment is never overwritten (withdraw first); withdrawal
needs the same proof or the withdrawal code shown at enrolment. Every check happens before
anything is written, and the write itself re-checks inside its SQL unit
(:mod:`transport.adapters.ownership`), so a refused attempt changes nothing but the audit log
(and, for a wrong code, that code's attempt counter).

Enrolment, withdrawal and purge are one SQL unit each: the enrolment row (or its deletion), the
consent record, the audit entry and the staged ``transport.face.enrolments`` event commit
together, so every gate node hears of what was committed and of nothing else. The Redis
template cache and this node's gallery follow after the commit; a crash before that leaves them
to the event (each node's consumer adds the face from SQL, or drops it and clears the cache).
"""

from __future__ import annotations

import hmac
import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from prometheus_client import Counter
from sqlalchemy import Connection
from zezhou5g.platform.logging import log_fields
from zezhou5g.platform.outbox import RedisOutbox, RedisUnit, SqlOutbox, SqlUnit, derived_id
from zezhou5g.transport.v1 import transport_pb2

from transport.adapters.crypto import FaceCipher
from transport.adapters.ownership import AuditRow, NewEnrolment, OwnershipStore, Refused
from transport.adapters.sms import SmsGateway
from transport.adapters.sql import Repository, TicketRow
from transport.adapters.state import FaceCache
from transport.adapters.vision import FacePipeline, decode
from transport.app.errors import RequestError
from transport.app.gallery import GalleryNode
from transport.domain.enrolment import (
    CODE_REQUEST_WINDOW,
    CODE_REQUESTS_MAX,
    OTP_TTL,
    PURPOSES,
    SMS_LANGS,
    Refusal,
    consent_problems,
    new_otp,
    new_withdrawal_code,
    normalise_code,
    normalise_phone,
    otp_problem,
    photo_problems,
    purge_after,
    sms_text,
)
from transport.topics import FACE_ENROLMENTS
from transport.wire import refusal_of

log = logging.getLogger(__name__)

ENROLMENTS = Counter("transport_enrolments_total", "Enrolment attempts by result", ["result"])
FACE_DELETIONS = Counter("transport_face_deletions_total", "Face data deleted", ["why"])
OWNERSHIP_REFUSED = Counter("transport_ownership_refused_total",
                            "Enrol/withdraw/code requests refused", ["action", "reason"])

# What a passenger is told whenever proof fails (ownership_not_proven; in English for logs and
# API users): the same for an unknown ticket, another person's ID number and a wrong, spent or
# expired code, so the answer reveals nothing.
NOT_PROVEN = ("ownership_not_proven: ticket, ID number and SMS code do not match "
              "(codes are valid 5 minutes, once)")


@dataclass(frozen=True)
class EnrolResult:
    """Outcome of an enrolment attempt (``withdrawal_code`` is shown to the passenger once)."""

    ok: bool
    enrolment_id: str = ""
    passenger_ref: str = ""
    reasons: list[Refusal] = field(default_factory=list)
    purge_after: datetime | None = None
    withdrawal_code: str = ""


class Enrolment:
    """Ticketing, proof of ownership, enrolment; every face change is published to all nodes."""

    def __init__(self, outbox: SqlOutbox, redis_outbox: RedisOutbox, repo: Repository,
                 own: OwnershipStore, faces: FaceCache, cipher: FaceCipher,
                 pipeline: FacePipeline, node: GalleryNode, retention: timedelta,
                 sms: SmsGateway) -> None:
        self.outbox = outbox
        self.redis_outbox = redis_outbox
        self.repo = repo
        self.own = own
        self.faces = faces
        self.cipher = cipher
        self.pipeline = pipeline
        self.node = node
        self.retention = retention
        self.sms = sms

    def _audit(self, ticket_id: str, action: str, reason: str, actor: str,
               now: datetime) -> None:
        """One audit entry in a unit of its own (a refusal writes nothing else)."""

        def work(unit: SqlUnit[Connection]) -> None:
            self.own.stage_audit(unit, ticket_id, action, reason, actor, now)

        self.outbox.transact(work)

    # ------------------------------------------------------------ ticketing

    def _row(self, req: transport_pb2.RegisterTicketRequest) -> tuple[TicketRow, str]:
        t = req.ticket
        if not (t.ticket_id and t.trip_id and t.station_id and req.id_number.strip()):
            raise RequestError("invalid_argument", transport_pb2.REFUSAL_TICKET_INCOMPLETE,
                               "ticket_id, trip_id, station_id and id_number are required")
        if not t.HasField("departure"):
            raise RequestError("invalid_argument", transport_pb2.REFUSAL_TICKET_INCOMPLETE,
                               "departure is required")
        try:
            phone = normalise_phone(req.phone)
        except ValueError as exc:
            raise RequestError("invalid_argument", transport_pb2.REFUSAL_PHONE_INVALID,
                               str(exc)) from exc
        id_hash = self.cipher.id_hash(req.id_number)
        return TicketRow(
            ticket_id=t.ticket_id, trip_id=t.trip_id, seat=t.seat,
            departure=t.departure.ToDatetime(tzinfo=UTC), station_id=t.station_id,
            fare_fen=int(t.fare_fen), passenger_ref="p-" + id_hash[:16], id_hash=id_hash,
            passenger_name=t.passenger_name,
            phone_sealed=self.cipher.seal(phone.encode(), f"phone|{t.ticket_id}")), phone

    def _phone(self, ticket: TicketRow) -> str | None:
        if ticket.phone_sealed is None:
            return None
        return self.cipher.open(ticket.phone_sealed, f"phone|{ticket.ticket_id}").decode()

    def issue(self, req: transport_pb2.RegisterTicketRequest, actor: str,
              now: datetime | None = None) -> tuple[str, TicketRow]:
        """Store a ticket from ticketing: ("issued" | "unchanged", row).

        ValueError when invalid; :class:`Refused` when it would rebind an enrolled ticket to
        another ID number.
        """
        now = now or datetime.now(UTC)
        row, phone = self._row(req)
        old = self.repo.ticket(row.ticket_id)
        if old is not None and self._phone(old) == phone and \
                {**old.__dict__, "phone_sealed": None} == {**row.__dict__, "phone_sealed": None}:
            return "unchanged", old

        def work(unit: SqlUnit[Connection]) -> None:
            self.own.stage_ticket(unit, row)
            self.own.stage_audit(unit, row.ticket_id, "ticket_issued",
                                 "updated" if old else "", actor, now)

        try:
            self.outbox.transact(work)
        except Refused as exc:
            self._audit(row.ticket_id, "ticket_refused", exc.reason, actor, now)
            raise
        return "issued", row

    def issue_many(self, reqs: list[transport_pb2.RegisterTicketRequest],
                   actor: str) -> tuple[int, int, list[transport_pb2.TicketRefusal]]:
        """Import a manifest: (issued, unchanged, each ticket refused with its code)."""
        issued, unchanged, refused = 0, 0, []
        for req in reqs:
            try:
                status, _ = self.issue(req, actor)
            except RequestError as exc:
                refused.append(transport_pb2.TicketRefusal(ticket_id=req.ticket.ticket_id,
                                                           why=exc.refusal))
                continue
            except Refused as exc:
                refused.append(transport_pb2.TicketRefusal(ticket_id=req.ticket.ticket_id,
                                                           why=refusal_of(exc.reason)))
                continue
            issued += status == "issued"
            unchanged += status == "unchanged"
        return issued, unchanged, refused

    # ------------------------------------------------------------ proof of ownership

    def _code_hash(self, ticket_id: str, purpose: str, code: str) -> str:
        return self.cipher.id_hash(f"otp|{ticket_id}|{purpose}|{normalise_code(code)}")

    def _wd_hash(self, ticket_id: str, code: str) -> str:
        return self.cipher.id_hash(f"withdrawal|{ticket_id}|{normalise_code(code)}")

    def _holder(self, ticket_id: str, id_number: str) -> TicketRow | None:
        ticket = self.repo.ticket(ticket_id) if ticket_id else None
        if ticket is None or not id_number.strip():
            return None
        ok = hmac.compare_digest(ticket.id_hash, self.cipher.id_hash(id_number))
        return ticket if ok else None

    def request_code(self, ticket_id: str, id_number: str, purpose: str,
                     now: datetime | None = None, lang: str = "zh-CN") -> float:
        """Send a one-time code to the ticket's phone when ticket and ID number match.

        Answers the same either way (seconds the code is valid); raises RequestError
        ``resource_exhausted`` after too many requests for one ticket. The code and its audit
        entry commit before the message goes to the SMS gateway: a send that fails raises,
        and the passenger asks again (a new code replaces this one).
        """
        now = now or datetime.now(UTC)
        if purpose not in PURPOSES:
            raise RequestError("invalid_argument", transport_pb2.REFUSAL_PURPOSE_UNKNOWN,
                               f"purpose must be one of {sorted(PURPOSES)}")
        if lang not in SMS_LANGS:
            raise RequestError("invalid_argument", transport_pb2.REFUSAL_LANGUAGE_UNKNOWN,
                               f"lang must be one of {list(SMS_LANGS)}")
        if self.own.count_actions(ticket_id, ("code_sent", "code_refused"),
                                  now - CODE_REQUEST_WINDOW) >= CODE_REQUESTS_MAX:
            OWNERSHIP_REFUSED.labels("code", "throttled").inc()
            minutes = int(CODE_REQUEST_WINDOW.total_seconds() // 60)
            raise RequestError("resource_exhausted", transport_pb2.REFUSAL_TOO_MANY_CODE_REQUESTS,
                               "too many code requests for this ticket; "
                               f"try again in {minutes} minutes", minutes=minutes)
        ticket = self._holder(ticket_id, id_number)
        phone = self._phone(ticket) if ticket is not None else None
        if ticket is None or phone is None:
            why = "no_phone" if ticket is not None else "ticket_or_id_mismatch"
            self._audit(ticket_id, "code_refused", f"{purpose}: {why}", "self", now)
            OWNERSHIP_REFUSED.labels("code", why).inc()
            return OTP_TTL.total_seconds()
        code = new_otp()

        def work(unit: SqlUnit[Connection]) -> None:
            self.own.stage_code(unit, ticket_id, purpose,
                                self._code_hash(ticket_id, purpose, code), now, now + OTP_TTL)
            self.own.stage_audit(unit, ticket_id, "code_sent", purpose, "self", now)

        self.outbox.transact(work)
        self.sms.send(ticket_id, phone, sms_text(purpose, code, lang), now, lang)
        return OTP_TTL.total_seconds()

    def _prove(self, ticket_id: str, id_number: str, code: str, purpose: str,
               now: datetime) -> tuple[TicketRow, int] | str:
        """(ticket, code row id) when ticket, ID number and code match; else why not."""
        ticket = self._holder(ticket_id, id_number)
        if ticket is None:
            return "ticket_or_id_mismatch"
        found = self.own.latest_code(ticket_id, purpose)
        if found is None:
            return "no_code"
        code_id, otp = found
        problem = otp_problem(otp, now)
        if problem is not None:
            return problem
        if not hmac.compare_digest(otp.code_hash, self._code_hash(ticket_id, purpose, code)):

            def wrong(unit: SqlUnit[Connection]) -> None:
                self.own.stage_wrong_code(unit, code_id)

            self.outbox.transact(wrong)
            return "code_wrong"
        return ticket, code_id

    def _refuse(self, ticket_id: str, action: str, reason: str, actor: str,
                now: datetime) -> None:
        self._audit(ticket_id, f"{action}_refused", reason, actor, now)
        OWNERSHIP_REFUSED.labels(action, reason.split(":")[0]).inc()

    # ------------------------------------------------------------ enrol / withdraw

    def enrol(self, req: transport_pb2.EnrolRequest, actor: str = "self",
              now: datetime | None = None) -> EnrolResult:
        """Bind a face to an issued ticket after proof; nothing is written when refused.

        ``actor`` is who asked, from the verified caller (``"self"``: the passenger).
        """
        now = now or datetime.now(UTC)
        ticket_id = req.ticket_id or req.ticket.ticket_id
        problems = consent_problems(req.consent.accepted, req.consent.text_version)
        if problems:
            self._refuse(ticket_id, "enrol", problems[0], actor, now)
            return EnrolResult(False, reasons=problems)
        proof = self._prove(ticket_id, req.id_number, req.otp, "enrol", now)
        if isinstance(proof, str):
            self._refuse(ticket_id, "enrol", proof, actor, now)
            return EnrolResult(False, reasons=["ownership_not_proven"])
        ticket, code_id = proof
        if self.repo.enrolment_for_ticket(ticket_id) is not None:
            self._refuse(ticket_id, "enrol", "already_enrolled", actor, now)
            return EnrolResult(False, reasons=["already_enrolled"])
        until = purge_after(ticket.departure, self.retention)
        if until <= now:
            self._refuse(ticket_id, "enrol", "ticket_expired", actor, now)
            return EnrolResult(False, reasons=["ticket_expired"])
        faces, vector = self.pipeline.photo_faces(decode(req.photo))
        problems = photo_problems(faces)
        if problems:  # the code stays valid: the passenger may try a better photo
            self._refuse(ticket_id, "enrol", problems[0], actor, now)
            ENROLMENTS.labels("photo_refused").inc()
            return EnrolResult(False, passenger_ref=ticket.passenger_ref, reasons=problems)
        enrolment_id = str(uuid.uuid4())
        sealed = self.cipher.seal_vector(vector, enrolment_id)
        withdrawal_code = new_withdrawal_code()
        new = NewEnrolment(
            enrolment_id, sealed,
            self.cipher.seal(req.photo, enrolment_id) if req.consent.keep_photo else None,
            until, req.consent.text_version, req.consent.keep_photo,
            self._wd_hash(ticket_id, withdrawal_code))

        def work(unit: SqlUnit[Connection]) -> None:
            self.own.stage_enrolment(unit, ticket, code_id, new, actor, now)
            self._stage_event(unit, enrolment_id, "enrolled", ticket)

        try:
            self.outbox.transact(work)
        except Refused as exc:  # a racing request spent the code or enrolled first
            self._refuse(ticket_id, "enrol", exc.reason, actor, now)
            why: Refusal = ("already_enrolled" if exc.reason == "already_enrolled"
                            else "ownership_not_proven")
            return EnrolResult(False, reasons=[why])

        def cache(unit: RedisUnit) -> None:
            self.faces.stage_face(unit, enrolment_id, sealed, ticket.ticket_id,
                                  ticket.station_id, ticket.departure, until)

        self.redis_outbox.transact(cache)
        self.node.add(enrolment_id)
        ENROLMENTS.labels("ok").inc()
        log.info("enrolled", extra=log_fields(enrolment_id=enrolment_id, ticket_id=ticket_id))
        return EnrolResult(True, enrolment_id, ticket.passenger_ref, [], until, withdrawal_code)

    def withdraw(self, req: transport_pb2.WithdrawRequest, actor: str = "self",
                 now: datetime | None = None) -> tuple[bool, int]:
        """Delete the ticket's face data from SQL, Redis and every gallery (via Kafka).

        Proof: the withdrawal code, or ID number + SMS code (purpose "withdraw"); otherwise
        PermissionError and nothing changes. Returns (withdrawn, stores cleared on this node).
        """
        now = now or datetime.now(UTC)
        code_id: int | None = None
        wd_hash: str | None = None
        ticket = self.repo.ticket(req.ticket_id) if req.ticket_id else None
        if req.withdrawal_code:
            stored = self.own.withdrawal_code_hash(req.ticket_id)
            wd_hash = self._wd_hash(req.ticket_id, req.withdrawal_code)
            if ticket is None or stored is None or not hmac.compare_digest(stored, wd_hash):
                self._refuse(req.ticket_id, "withdraw", "withdrawal_code_wrong", actor, now)
                raise PermissionError(NOT_PROVEN)
        else:
            proof = self._prove(req.ticket_id, req.id_number, req.otp, "withdraw", now)
            if isinstance(proof, str):
                self._refuse(req.ticket_id, "withdraw", proof, actor, now)
                raise PermissionError(NOT_PROVEN)
            ticket, code_id = proof
        assert ticket is not None
        held = ticket

        def work(unit: SqlUnit[Connection]) -> str | None:
            gone = self.own.stage_withdrawal(unit, held, code_id, wd_hash, actor, now)
            if gone is not None:
                self._stage_event(unit, gone, "withdrawn", held)
            return gone

        try:
            enrolment_id = self.outbox.transact(work)
        except Refused as exc:
            self._refuse(req.ticket_id, "withdraw", exc.reason, actor, now)
            raise PermissionError(NOT_PROVEN) from exc
        if enrolment_id is None:
            return False, 0
        removed = self.node.forget(enrolment_id) + 1
        FACE_DELETIONS.labels("withdrawn").inc()
        return True, removed

    def purge_expired(self, now: datetime | None = None) -> int:
        """Delete face data past departure + retention; returns how many were purged."""
        now = now or datetime.now(UTC)
        n = 0
        for ticket_id in self.repo.expired_tickets(now):
            ticket = self.repo.ticket(ticket_id)
            enrolment_id = None if ticket is None else self._purge(ticket, now)
            if enrolment_id is None:
                continue
            self.node.forget(enrolment_id)
            FACE_DELETIONS.labels("purged").inc()
            n += 1
        if n:
            log.info("purged expired face data", extra=log_fields(count=n))
        return n

    def _purge(self, ticket: TicketRow, now: datetime) -> str | None:
        """One ticket's face data deleted, logged and announced in one unit; its id or None."""

        def work(unit: SqlUnit[Connection]) -> str | None:
            gone = self.repo.stage_enrolment_deletion(unit, ticket.ticket_id, "purged",
                                                      "retention", now)
            if gone is not None:
                self.own.stage_audit(unit, ticket.ticket_id, "purged", "retention",
                                     "retention", now)
                self._stage_event(unit, gone, "purged", ticket)
            return gone

        return self.outbox.transact(work)

    def audit_entries(self, ticket_id: str, limit: int) -> list[AuditRow]:
        """The enrolment audit log, newest first (``ListEnrolmentAudit``)."""
        return self.own.audit_entries(ticket_id, limit)

    @staticmethod
    def _stage_event(unit: SqlUnit[Connection], enrolment_id: str, action: str,
                     ticket: TicketRow) -> None:
        ev = transport_pb2.FaceEnrolmentEvent(enrolment_id=enrolment_id, action=action,
                                              ticket_id=ticket.ticket_id,
                                              station_id=ticket.station_id)
        ev.departure.FromDatetime(ticket.departure)
        unit.emit(FACE_ENROLMENTS, ev, enrolment_id,
                  derived_id("transport.face", action, enrolment_id))
