"""SQL repository: tickets, enrolments, consent log, decisions, ticket claims, ledger, queue.

Reads take an optional ``conn`` (a unit's connection, to read inside its transaction; else a
short one of their own). Every write is ``stage_*(unit, ...)``: it runs in the caller's unit of
work (:class:`zezhou5g.platform.outbox.SqlUnit`), so it commits together with that unit's
other writes and staged events, or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from zezhou5g.platform.outbox import SqlUnit
from zezhou5g.transport.v1 import transport_pb2

from transport.adapters.tables import (
    consent_log,
    decisions,
    enrolments,
    ledger,
    manual_queue,
    ticket_claims,
    tickets,
)
from transport.wire import lane_name, mode_name, outcome_name, reason_name, set_codes


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
    # AES-GCM sealed booking phone (see transport.app.enrolment); None on tickets from before
    # t0002.
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


@dataclass(frozen=True)
class StoredDecision:
    """A decision as recorded: the message as published and the reasons given with it."""

    message: transport_pb2.GateDecision
    details: list[str]


def _decision_message(row: Any) -> transport_pb2.GateDecision:
    """The stored GateDecision of an audit row (rebuilt from columns on rows before t0003)."""
    if row.payload is not None:
        # The columns are the truth for the codes: payloads stored before the codes carry the
        # words in fields now reserved.
        return set_codes(transport_pb2.GateDecision.FromString(row.payload), row.lane,
                         row.outcome, row.reason, row.mode)
    msg = transport_pb2.GateDecision(
        gate_id=row.gate_id, station_id=row.station_id, score=row.score,
        threshold=row.threshold, ticket_id=row.ticket_id, passenger_ref=row.passenger_ref,
        actor=row.actor, challenge=row.challenge)
    msg.meta.event_id = row.decision_id
    msg.meta.event_time.FromDatetime(_utc(row.at))
    return set_codes(msg, row.lane, row.outcome, row.reason, row.mode)


class Repository:
    """All SQL of the service except ticket ownership (:mod:`transport.adapters.ownership`)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def _read(self, conn: Connection | None) -> Iterator[Connection]:
        if conn is not None:
            yield conn
            return
        with self.engine.connect() as own:
            yield own

    # ------------------------------------------------------------ tickets

    def ticket(self, ticket_id: str, conn: Connection | None = None) -> TicketRow | None:
        """The ticket, or None."""
        with self._read(conn) as c:
            r = c.execute(sa.select(tickets).where(tickets.c.ticket_id == ticket_id)).first()
        if r is None:
            return None
        d = r._asdict()
        d["departure"] = _utc(d["departure"])
        return TicketRow(**d)

    # ------------------------------------------------------------ enrolments

    def _enrolment_query(self) -> sa.Select[Any]:
        return (sa.select(enrolments.c.enrolment_id, enrolments.c.ticket_id,
                          enrolments.c.passenger_ref, enrolments.c.template,
                          tickets.c.station_id, tickets.c.departure, enrolments.c.purge_after)
                .join(tickets, tickets.c.ticket_id == enrolments.c.ticket_id))

    def _enrolment(self, r: Any) -> EnrolmentRow:
        d = r._asdict()
        d["departure"], d["purge_after"] = _utc(d["departure"]), _utc(d["purge_after"])
        return EnrolmentRow(**d)

    def enrolment(self, enrolment_id: str,
                  conn: Connection | None = None) -> EnrolmentRow | None:
        """One enrolment by id, or None."""
        with self._read(conn) as c:
            r = c.execute(self._enrolment_query()
                          .where(enrolments.c.enrolment_id == enrolment_id)).first()
        return None if r is None else self._enrolment(r)

    def enrolment_for_ticket(self, ticket_id: str,
                             conn: Connection | None = None) -> EnrolmentRow | None:
        """The active enrolment of a ticket, or None."""
        with self._read(conn) as c:
            r = c.execute(self._enrolment_query()
                          .where(enrolments.c.ticket_id == ticket_id)).first()
        return None if r is None else self._enrolment(r)

    def all_enrolments(self) -> list[EnrolmentRow]:
        """Every active enrolment (gate nodes load these at start)."""
        with self.engine.connect() as conn:
            return [self._enrolment(r) for r in conn.execute(self._enrolment_query())]

    def stage_enrolment_deletion(self, unit: SqlUnit[Connection], ticket_id: str, action: str,
                                 actor: str, now: datetime) -> str | None:
        """Delete a ticket's face data (template and photo) and log why; its id or None."""
        r = unit.conn.execute(sa.select(enrolments.c.enrolment_id, enrolments.c.passenger_ref)
                              .where(enrolments.c.ticket_id == ticket_id)).first()
        if r is None:
            return None
        unit.conn.execute(enrolments.delete().where(enrolments.c.ticket_id == ticket_id))
        unit.conn.execute(consent_log.insert().values(
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

    # ------------------------------------------------------------ decisions and claims

    def stored_decision(self, decision_id: str,
                        conn: Connection | None = None) -> StoredDecision | None:
        """The decision recorded under ``decision_id`` (a gate's request id), or None."""
        with self._read(conn) as c:
            r = c.execute(sa.select(decisions)
                          .where(decisions.c.decision_id == decision_id)).first()
        if r is None:
            return None
        return StoredDecision(_decision_message(r), list(json.loads(r.details or "[]")))

    def passage_decided(self, passage_id: str, conn: Connection | None = None) -> bool:
        """True when a decision was recorded for this face-lane passage."""
        with self._read(conn) as c:
            return c.execute(sa.select(decisions.c.decision_id)
                             .where(decisions.c.passage_id == passage_id)).first() is not None

    def stage_decision(self, unit: SqlUnit[Connection], msg: transport_pb2.GateDecision,
                       details: list[str], passage_id: str | None) -> None:
        """Record a decision in the audit trail with the message as published."""
        unit.conn.execute(decisions.insert().values(
            decision_id=msg.meta.event_id, gate_id=msg.gate_id, station_id=msg.station_id,
            lane=lane_name(msg.lane_code), outcome=outcome_name(msg.gate_outcome),
            reason=reason_name(msg.why), mode=mode_name(msg.match_mode),
            score=msg.score, threshold=msg.threshold, ticket_id=msg.ticket_id,
            passenger_ref=msg.passenger_ref, actor=msg.actor, challenge=msg.challenge,
            details=json.dumps(details), at=msg.meta.event_time.ToDatetime(tzinfo=UTC),
            payload=msg.SerializeToString(), passage_id=passage_id or None))

    def recent_decisions(self, station_id: str,
                         limit: int = 20) -> list[transport_pb2.GateDecision]:
        """Latest decisions of a station ("" = all), newest first."""
        q = sa.select(decisions).order_by(decisions.c.at.desc()).limit(limit)
        if station_id:
            q = q.where(decisions.c.station_id == station_id)
        with self.engine.connect() as conn:
            return [_decision_message(r) for r in conn.execute(q)]

    def ticket_claim(self, ticket_id: str, conn: Connection | None = None) -> str | None:
        """The decision that used the ticket, or None."""
        with self._read(conn) as c:
            r = c.execute(sa.select(ticket_claims.c.decision_id)
                          .where(ticket_claims.c.ticket_id == ticket_id)).first()
        return None if r is None else str(r.decision_id)

    def stage_claim(self, unit: SqlUnit[Connection], ticket_id: str, decision_id: str,
                    now: datetime) -> None:
        """Mark the ticket used by ``decision_id`` (a second claim conflicts on the key)."""
        unit.conn.execute(ticket_claims.insert().values(ticket_id=ticket_id,
                                                        decision_id=decision_id, at=now))

    def stage_release(self, unit: SqlUnit[Connection], ticket_id: str,
                      decision_id: str) -> None:
        """Undo ``decision_id``'s claim (a reversed passage): the ticket can be used again."""
        unit.conn.execute(ticket_claims.delete().where(ticket_claims.c.ticket_id == ticket_id,
                                                       ticket_claims.c.decision_id == decision_id))

    # ------------------------------------------------------------ ledger

    def ledger_line(self, decision_id: str, kind: str,
                    conn: Connection | None = None) -> dict[str, Any] | None:
        """The ledger line of a decision and kind ("charge" / "refund"), or None."""
        with self._read(conn) as c:
            r = c.execute(sa.select(ledger).where(ledger.c.decision_id == decision_id,
                                                  ledger.c.kind == kind)).first()
        return None if r is None else r._asdict()

    def stage_ledger(self, unit: SqlUnit[Connection], decision_id: str, kind: str,
                     passenger_ref: str, ticket_id: str, station_id: str, amount_fen: int,
                     now: datetime) -> None:
        """Post a ledger line; (decision, kind) is unique, so it cannot be posted twice."""
        unit.conn.execute(ledger.insert().values(
            decision_id=decision_id, kind=kind, passenger_ref=passenger_ref,
            ticket_id=ticket_id, station_id=station_id, amount_fen=amount_fen, at=now))

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

    def stage_manual_item(self, unit: SqlUnit[Connection], values: dict[str, Any]) -> None:
        """Queue a passage for staff."""
        unit.conn.execute(manual_queue.insert().values(**values))

    def manual_items(self, station_id: str, pending_only: bool = True) -> list[dict[str, Any]]:
        """Queue items of a station ("" = all), oldest first."""
        q = sa.select(manual_queue).order_by(manual_queue.c.created)
        if station_id:
            q = q.where(manual_queue.c.station_id == station_id)
        if pending_only:
            q = q.where(manual_queue.c.state == "pending")
        with self.engine.connect() as conn:
            return [r._asdict() for r in conn.execute(q)]

    def manual_item(self, item_id: str,
                    conn: Connection | None = None) -> dict[str, Any] | None:
        """One queue item, or None."""
        with self._read(conn) as c:
            r = c.execute(sa.select(manual_queue)
                          .where(manual_queue.c.item_id == item_id)).first()
        return None if r is None else r._asdict()

    def stage_resolution(self, unit: SqlUnit[Connection], item_id: str, state: str,
                         staff: str, decision_id: str) -> bool:
        """Close a pending item; False when it was not pending (already resolved)."""
        res = unit.conn.execute(manual_queue.update()
                                .where(manual_queue.c.item_id == item_id,
                                       manual_queue.c.state == "pending")
                                .values(state=state, resolved_by=staff,
                                        decision_id=decision_id))
        return bool(res.rowcount)
