"""SQL of ticket ownership: tickets, one-time codes, audit log, atomic enrol and withdraw.

Issuing tickets, one-time codes, the enrolment audit log, and the enrolment / withdrawal
writes that must happen all together or not at all. Writes are ``stage_*(unit, ...)``: they run
in the caller's unit of work (:class:`zezhou5g.platform.outbox.SqlUnit`), with the event that
tells the gate nodes.

Every write that binds or unbinds a face re-checks its preconditions inside the unit (code
unused and unexpired, ticket still booked under that ID, no enrolment yet), so two racing
requests with one code cannot both succeed, and a refused attempt leaves the ticket, its
enrolment and the consent log exactly as they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from zezhou5g.platform.outbox import SqlUnit

from transport.adapters.sql import TicketRow
from transport.adapters.tables import (
    consent_log,
    enrolment_audit,
    enrolments,
    otp_codes,
    tickets,
)
from transport.domain.enrolment import OTP_MAX_ATTEMPTS, OtpState


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class Refused(Exception):  # noqa: N818 - a refusal, not a failure
    """A precondition failed inside the transaction; ``reason`` is the machine code."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class AuditRow:
    """One enrolment audit entry (time UTC)."""

    id: int
    at: datetime
    ticket_id: str
    action: str
    reason: str
    actor: str


@dataclass(frozen=True)
class NewEnrolment:
    """What an accepted enrolment stores (template/photo already sealed)."""

    enrolment_id: str
    template: bytes
    photo: bytes | None
    purge_after: datetime
    text_version: str
    keep_photo: bool
    withdrawal_code_hash: str


class OwnershipStore:
    """Tickets from ticketing, codes, audit; atomic enrol and withdraw."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # ------------------------------------------------------------ tickets

    def stage_ticket(self, unit: SqlUnit[Connection], row: TicketRow) -> None:
        """Insert or update a ticket, never rebinding an enrolled ticket to another ID.

        Raises ``Refused("enrolled_other_id")`` then (the unit writes nothing): withdrawal
        comes first.
        """
        conn = unit.conn
        old = conn.execute(sa.select(tickets.c.id_hash)
                           .where(tickets.c.ticket_id == row.ticket_id)).first()
        if old is None:
            conn.execute(tickets.insert().values(**row.__dict__))
            return
        enrolled = conn.execute(sa.select(enrolments.c.enrolment_id).where(
            enrolments.c.ticket_id == row.ticket_id)).first()
        if enrolled is not None and old.id_hash != row.id_hash:
            raise Refused("enrolled_other_id")
        conn.execute(tickets.update().where(tickets.c.ticket_id == row.ticket_id)
                     .values(**row.__dict__))

    # ------------------------------------------------------------ audit

    def stage_audit(self, unit: SqlUnit[Connection], ticket_id: str, action: str, reason: str,
                    actor: str, now: datetime) -> None:
        """Append an audit entry."""
        unit.conn.execute(enrolment_audit.insert().values(
            ticket_id=ticket_id[:64], action=action, reason=reason[:200], actor=actor[:64],
            at=now))

    def audit_entries(self, ticket_id: str = "", limit: int = 100) -> list[AuditRow]:
        """Latest entries first, optionally of one ticket."""
        q = (sa.select(enrolment_audit).order_by(enrolment_audit.c.id.desc())
             .limit(max(1, min(limit, 1000))))
        if ticket_id:
            q = q.where(enrolment_audit.c.ticket_id == ticket_id)
        with self.engine.connect() as conn:
            rows = [r._asdict() for r in conn.execute(q)]
        return [AuditRow(**{**r, "at": _utc(r["at"])}) for r in rows]

    def count_actions(self, ticket_id: str, actions: tuple[str, ...], since: datetime) -> int:
        """How many audit entries of these actions a ticket has since a time."""
        with self.engine.connect() as conn:
            return int(conn.execute(
                sa.select(sa.func.count()).select_from(enrolment_audit).where(
                    enrolment_audit.c.ticket_id == ticket_id,
                    enrolment_audit.c.action.in_(actions),
                    enrolment_audit.c.at >= since)).scalar_one())

    # ------------------------------------------------------------ one-time codes

    def stage_code(self, unit: SqlUnit[Connection], ticket_id: str, purpose: str,
                   code_hash: str, now: datetime, expires: datetime) -> None:
        """Store a new code; earlier unused codes of the ticket and purpose stop working."""
        unit.conn.execute(otp_codes.update().where(
            otp_codes.c.ticket_id == ticket_id, otp_codes.c.purpose == purpose,
            otp_codes.c.used == sa.false()).values(used=True))
        unit.conn.execute(otp_codes.insert().values(
            ticket_id=ticket_id, purpose=purpose, code_hash=code_hash, created=now,
            expires=expires, attempts=0, used=False))

    def latest_code(self, ticket_id: str, purpose: str) -> tuple[int, OtpState] | None:
        """The newest code of a ticket and purpose: (row id, state), or None."""
        with self.engine.connect() as conn:
            r = conn.execute(sa.select(otp_codes).where(
                otp_codes.c.ticket_id == ticket_id, otp_codes.c.purpose == purpose)
                .order_by(otp_codes.c.id.desc()).limit(1)).first()
        if r is None:
            return None
        return int(r.id), OtpState(str(r.code_hash), _utc(r.expires), int(r.attempts),
                                   bool(r.used))

    def stage_wrong_code(self, unit: SqlUnit[Connection], code_id: int) -> None:
        """One more wrong attempt against a code (atomic increment)."""
        unit.conn.execute(otp_codes.update().where(otp_codes.c.id == code_id)
                          .values(attempts=otp_codes.c.attempts + 1))

    def _spend_code(self, conn: Connection, code_id: int, now: datetime) -> None:
        res = conn.execute(otp_codes.update().where(
            otp_codes.c.id == code_id, otp_codes.c.used == sa.false(),
            otp_codes.c.expires > now, otp_codes.c.attempts < OTP_MAX_ATTEMPTS)
            .values(used=True))
        if res.rowcount != 1:
            raise Refused("code_used")

    @staticmethod
    def _same_holder(conn: Connection, ticket_id: str, id_hash: str) -> None:
        r = conn.execute(sa.select(tickets.c.id_hash)
                         .where(tickets.c.ticket_id == ticket_id)).first()
        if r is None or r.id_hash != id_hash:
            raise Refused("ownership_not_proven")

    # ------------------------------------------------------------ enrol / withdraw

    def stage_enrolment(self, unit: SqlUnit[Connection], ticket: TicketRow, code_id: int,
                        new: NewEnrolment, actor: str, now: datetime) -> None:
        """Spend the code and store enrolment, consent record and audit entry together.

        Raises :class:`Refused` (the unit writes nothing) when a precondition broke. A racing
        enrolment of the same ticket makes the unit conflict on the ticket's unique key; run
        again, it finds the code spent or the ticket enrolled.
        """
        conn = unit.conn
        self._spend_code(conn, code_id, now)
        self._same_holder(conn, ticket.ticket_id, ticket.id_hash)
        if conn.execute(sa.select(enrolments.c.enrolment_id).where(
                enrolments.c.ticket_id == ticket.ticket_id)).first() is not None:
            raise Refused("already_enrolled")
        conn.execute(enrolments.insert().values(
            enrolment_id=new.enrolment_id, ticket_id=ticket.ticket_id,
            passenger_ref=ticket.passenger_ref, template=new.template, photo=new.photo,
            created=now, purge_after=new.purge_after,
            withdrawal_code_hash=new.withdrawal_code_hash))
        conn.execute(consent_log.insert().values(
            passenger_ref=ticket.passenger_ref, ticket_id=ticket.ticket_id,
            action="granted", text_version=new.text_version, keep_photo=new.keep_photo,
            actor=actor, at=now))
        self.stage_audit(unit, ticket.ticket_id, "enrolled", "", actor, now)

    def withdrawal_code_hash(self, ticket_id: str) -> str | None:
        """The stored withdrawal-code hash of the ticket's enrolment, or None."""
        with self.engine.connect() as conn:
            r = conn.execute(sa.select(enrolments.c.withdrawal_code_hash)
                             .where(enrolments.c.ticket_id == ticket_id)).first()
        return None if r is None or r[0] is None else str(r[0])

    def stage_withdrawal(self, unit: SqlUnit[Connection], ticket: TicketRow,
                         code_id: int | None, withdrawal_code_hash: str | None, actor: str,
                         now: datetime) -> str | None:
        """Delete the enrolment with its consent record and audit entry together.

        Spends the SMS code or matches the withdrawal code. Returns the enrolment id, None
        when the ticket had none; raises :class:`Refused` (the unit writes nothing) when a
        precondition broke.
        """
        conn = unit.conn
        if code_id is not None:
            self._spend_code(conn, code_id, now)
            self._same_holder(conn, ticket.ticket_id, ticket.id_hash)
        q: Any = sa.select(enrolments.c.enrolment_id, enrolments.c.passenger_ref).where(
            enrolments.c.ticket_id == ticket.ticket_id)
        if withdrawal_code_hash is not None:
            q = q.where(enrolments.c.withdrawal_code_hash == withdrawal_code_hash)
        r = conn.execute(q).first()
        if r is None:
            if withdrawal_code_hash is not None:
                raise Refused("ownership_not_proven")
            self.stage_audit(unit, ticket.ticket_id, "withdraw_nothing", "", actor, now)
            return None
        conn.execute(enrolments.delete().where(enrolments.c.enrolment_id == r.enrolment_id))
        conn.execute(consent_log.insert().values(
            passenger_ref=r.passenger_ref, ticket_id=ticket.ticket_id, action="withdrawn",
            actor=actor, at=now))
        self.stage_audit(unit, ticket.ticket_id, "withdrawn", "", actor, now)
        return str(r.enrolment_id)
