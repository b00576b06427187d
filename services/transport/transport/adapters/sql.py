"""SQL repository: tickets, enrolments, consent log, audit trail, ledger, manual queue."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from transport.adapters.tables import (
    consent_log,
    decisions,
    enrolments,
    ledger,
    manual_queue,
    tickets,
)


def _utc(value: datetime) -> datetime:
    # SQLite hands timezone-aware columns back naive; they were written as UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class TicketRow:
    """A ticket as stored (times UTC, fare in fen)."""

    ticket_id: str
    trip_id: str
    seat: str
    departure: datetime
    station_id: str
    fare_fen: int
    passenger_ref: str
    id_hash: str
    passenger_name: str
    # AES-GCM sealed booking phone (see transport.enrol); None on tickets from before t0002.
    phone_sealed: bytes | None = None


@dataclass(frozen=True)
class EnrolmentRow:
    """An active face enrolment (template still encrypted)."""

    enrolment_id: str
    ticket_id: str
    passenger_ref: str
    template: bytes
    station_id: str
    departure: datetime
    purge_after: datetime


class Repository:
    """All SQL of the service; one short transaction per call."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # ------------------------------------------------------------ tickets

    def upsert_ticket(self, row: TicketRow) -> None:
        """Insert the ticket, or update it when the ticket id exists."""
        values = row.__dict__.copy()
        with self.engine.begin() as conn:
            found = conn.execute(sa.select(tickets.c.ticket_id)
                                 .where(tickets.c.ticket_id == row.ticket_id)).first()
            if found:
                conn.execute(tickets.update().where(tickets.c.ticket_id == row.ticket_id)
                             .values(**values))
            else:
                conn.execute(tickets.insert().values(**values))

    def ticket(self, ticket_id: str) -> TicketRow | None:
        """The ticket, or None."""
        with self.engine.connect() as conn:
            r = conn.execute(sa.select(tickets).where(tickets.c.ticket_id == ticket_id)).first()
        if r is None:
            return None
        d = r._asdict()
        d["departure"] = _utc(d["departure"])
        return TicketRow(**d)

    # ------------------------------------------------------------ enrolments

    def add_enrolment(self, enrolment_id: str, ticket: TicketRow, template: bytes,
                      photo: bytes | None, purge_after: datetime, text_version: str,
                      keep_photo: bool, actor: str, now: datetime) -> None:
        """Store an enrolment (replacing one of the same ticket) and log the consent."""
        with self.engine.begin() as conn:
            conn.execute(enrolments.delete().where(enrolments.c.ticket_id == ticket.ticket_id))
            conn.execute(enrolments.insert().values(
                enrolment_id=enrolment_id, ticket_id=ticket.ticket_id,
                passenger_ref=ticket.passenger_ref, template=template, photo=photo,
                created=now, purge_after=purge_after))
            conn.execute(consent_log.insert().values(
                passenger_ref=ticket.passenger_ref, ticket_id=ticket.ticket_id, action="granted",
                text_version=text_version, keep_photo=keep_photo, actor=actor, at=now))

    def _enrolment_query(self) -> sa.Select[Any]:
        return (sa.select(enrolments.c.enrolment_id, enrolments.c.ticket_id,
                          enrolments.c.passenger_ref, enrolments.c.template,
                          tickets.c.station_id, tickets.c.departure, enrolments.c.purge_after)
                .join(tickets, tickets.c.ticket_id == enrolments.c.ticket_id))

    def _enrolment(self, r: Any) -> EnrolmentRow:
        d = r._asdict()
        d["departure"], d["purge_after"] = _utc(d["departure"]), _utc(d["purge_after"])
        return EnrolmentRow(**d)

    def enrolment(self, enrolment_id: str) -> EnrolmentRow | None:
        """One enrolment by id, or None."""
        with self.engine.connect() as conn:
            r = conn.execute(self._enrolment_query()
                             .where(enrolments.c.enrolment_id == enrolment_id)).first()
        return None if r is None else self._enrolment(r)

    def enrolment_for_ticket(self, ticket_id: str) -> EnrolmentRow | None:
        """The active enrolment of a ticket, or None."""
        with self.engine.connect() as conn:
            r = conn.execute(self._enrolment_query()
                             .where(enrolments.c.ticket_id == ticket_id)).first()
        return None if r is None else self._enrolment(r)

    def all_enrolments(self) -> list[EnrolmentRow]:
        """Every active enrolment (gate nodes load these at start)."""
        with self.engine.connect() as conn:
            return [self._enrolment(r) for r in conn.execute(self._enrolment_query())]

    def delete_enrolment(self, ticket_id: str, action: str, actor: str,
                         now: datetime) -> str | None:
        """Delete a ticket's face data (template and photo); log why. Returns its id or None."""
        with self.engine.begin() as conn:
            r = conn.execute(sa.select(enrolments.c.enrolment_id, enrolments.c.passenger_ref)
                             .where(enrolments.c.ticket_id == ticket_id)).first()
            if r is None:
                return None
            conn.execute(enrolments.delete().where(enrolments.c.ticket_id == ticket_id))
            conn.execute(consent_log.insert().values(
                passenger_ref=r.passenger_ref, ticket_id=ticket_id, action=action, actor=actor,
                at=now))
            return str(r.enrolment_id)

    def expired_tickets(self, now: datetime) -> list[str]:
        """Tickets whose face data is past its purge time."""
        with self.engine.connect() as conn:
            return [str(r.ticket_id) for r in conn.execute(
                sa.select(enrolments.c.ticket_id).where(enrolments.c.purge_after <= now))]

    def consent_actions(self, ticket_id: str) -> list[str]:
        """The consent log of a ticket, oldest first."""
        with self.engine.connect() as conn:
            return [str(r.action) for r in conn.execute(
                sa.select(consent_log.c.action).where(consent_log.c.ticket_id == ticket_id)
                .order_by(consent_log.c.id))]

    # ------------------------------------------------------------ audit and ledger

    def record_decision(self, values: dict[str, Any], details: list[str]) -> None:
        """Append a decision to the audit trail (ignored when the id is already there)."""
        try:
            with self.engine.begin() as conn:
                conn.execute(decisions.insert().values(**values, details=json.dumps(details)))
        except IntegrityError:
            pass

    def decision(self, decision_id: str) -> dict[str, Any] | None:
        """One audit row as a dict, or None."""
        with self.engine.connect() as conn:
            r = conn.execute(sa.select(decisions)
                             .where(decisions.c.decision_id == decision_id)).first()
        return None if r is None else r._asdict()

    def post_ledger(self, decision_id: str, kind: str, passenger_ref: str, ticket_id: str,
                    station_id: str, amount_fen: int, now: datetime) -> bool:
        """Insert a ledger line; False when (decision, kind) is already there (idempotent)."""
        try:
            with self.engine.begin() as conn:
                conn.execute(ledger.insert().values(
                    decision_id=decision_id, kind=kind, passenger_ref=passenger_ref,
                    ticket_id=ticket_id, station_id=station_id, amount_fen=amount_fen, at=now))
            return True
        except IntegrityError:
            return False

    def ledger_lines(self, decision_id: str | None = None) -> list[dict[str, Any]]:
        """Ledger lines, optionally of one decision."""
        q = sa.select(ledger).order_by(ledger.c.id)
        if decision_id is not None:
            q = q.where(ledger.c.decision_id == decision_id)
        with self.engine.connect() as conn:
            return [r._asdict() for r in conn.execute(q)]

    def totals_fen(self, station_id: str) -> tuple[int, int]:
        """(charged, refunded) fen at a station ("" = all)."""
        q = sa.select(ledger.c.kind, sa.func.coalesce(sa.func.sum(ledger.c.amount_fen), 0))
        if station_id:
            q = q.where(ledger.c.station_id == station_id)
        with self.engine.connect() as conn:
            sums = dict(conn.execute(q.group_by(ledger.c.kind)).all())
        return int(sums.get("charge", 0)), int(sums.get("refund", 0))

    # ------------------------------------------------------------ manual queue

    def add_manual(self, values: dict[str, Any]) -> None:
        """Queue a passage for staff."""
        with self.engine.begin() as conn:
            conn.execute(manual_queue.insert().values(**values))

    def manual_items(self, station_id: str, pending_only: bool = True) -> list[dict[str, Any]]:
        """Queue items of a station ("" = all), oldest first."""
        q = sa.select(manual_queue).order_by(manual_queue.c.created)
        if station_id:
            q = q.where(manual_queue.c.station_id == station_id)
        if pending_only:
            q = q.where(manual_queue.c.state == "pending")
        with self.engine.connect() as conn:
            return [r._asdict() for r in conn.execute(q)]

    def manual_item(self, item_id: str) -> dict[str, Any] | None:
        """One queue item, or None."""
        with self.engine.connect() as conn:
            r = conn.execute(sa.select(manual_queue)
                             .where(manual_queue.c.item_id == item_id)).first()
        return None if r is None else r._asdict()

    def resolve_manual(self, item_id: str, state: str, staff: str, decision_id: str) -> bool:
        """Close a pending item; False when it was not pending (already resolved)."""
        with self.engine.begin() as conn:
            res = conn.execute(manual_queue.update()
                               .where(manual_queue.c.item_id == item_id,
                                      manual_queue.c.state == "pending")
                               .values(state=state, resolved_by=staff, decision_id=decision_id))
            return bool(res.rowcount)

    def recent_decisions(self, station_id: str, limit: int = 20) -> list[dict[str, Any]]:
        """Latest audit rows of a station ("" = all), newest first."""
        q = sa.select(decisions).order_by(decisions.c.at.desc()).limit(limit)
        if station_id:
            q = q.where(decisions.c.station_id == station_id)
        with self.engine.connect() as conn:
            return [r._asdict() for r in conn.execute(q)]
