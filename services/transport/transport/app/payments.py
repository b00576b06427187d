"""Fares: charged once per open decision (consumer of ``transport.gate.decisions``), refunds.

Charging is one SQL unit keyed by the decision id: the decision's event id recorded as
processed, the ledger line (unique per decision and kind) and the staged
``transport.payments`` event (its id derived from the decision) commit together. A decision
delivered again, by Kafka or by a relay resending it, finds its id recorded and charges
nothing. A refund is one unit as well: refund line, the ticket's claim released, its event.
"""

from __future__ import annotations

from datetime import UTC, datetime

from prometheus_client import Counter
from sqlalchemy import Connection
from zezhou5g.platform.events import ConsumedEvent
from zezhou5g.platform.kafka import RejectEvent
from zezhou5g.platform.outbox import SqlOutbox, SqlUnit, derived_id
from zezhou5g.transport.v1 import transport_pb2

from transport.adapters.sql import Repository
from transport.app.errors import RequestError
from transport.topics import GATE_DECISIONS, PAYMENTS

PAYMENTS_TOTAL = Counter("transport_payments_total", "Ledger lines posted", ["kind"])
PAYMENTS_DUPLICATE = Counter("transport_payments_duplicate_total",
                             "Charges skipped: the decision was already charged")


def payment_event_id(kind: str, decision_id: str) -> str:
    """Event id of the payment a decision's charge or refund produces."""
    return derived_id("transport.payment", kind, decision_id)


class Payments:
    """Charges once per open decision and refunds reversed passages."""

    def __init__(self, outbox: SqlOutbox, repo: Repository) -> None:
        self.outbox = outbox
        self.repo = repo

    def handle(self, event: ConsumedEvent) -> None:
        """Kafka handler for ``transport.gate.decisions``: charge the fare of an open gate."""
        d = event.message
        assert isinstance(d, transport_pb2.GateDecision)
        if not d.meta.event_id:
            raise RejectEvent("decision without event id cannot be charged idempotently")
        if d.gate_outcome != transport_pb2.OUTCOME_OPEN or d.fare_fen == 0:
            return
        if not d.passenger_ref or not d.ticket_id:
            raise RejectEvent("open decision with a fare but no passenger/ticket")
        decision_id = d.meta.event_id
        # This consumer's own record of the decision (other consumers keep theirs).
        charged = derived_id(PAYMENTS, decision_id)

        def work(unit: SqlUnit[Connection]) -> bool:
            if not unit.fresh(charged) or \
                    self.repo.ledger_line(decision_id, "charge", unit.conn) is not None:
                return False
            self.repo.stage_ledger(unit, decision_id, "charge", d.passenger_ref, d.ticket_id,
                                   d.station_id, d.fare_fen, datetime.now(UTC))
            self._stage_event(unit, decision_id, d.passenger_ref, d.ticket_id, "charge",
                              d.fare_fen, d.station_id)
            return True

        if self.outbox.transact(work, consumed=[charged], topic=GATE_DECISIONS):
            PAYMENTS_TOTAL.labels("charge").inc()
        else:
            PAYMENTS_DUPLICATE.inc()

    def refund(self, decision_id: str, staff: str) -> tuple[bool, int]:
        """Refund a charged passage reversed by staff; (refunded now, amount fen)."""
        if not staff:
            raise RequestError("invalid_argument", transport_pb2.REFUSAL_STAFF_REQUIRED,
                               "staff is required")

        def work(unit: SqlUnit[Connection]) -> tuple[bool, int]:
            charge = self.repo.ledger_line(decision_id, "charge", unit.conn)
            if charge is None:
                raise RequestError("failed_precondition", transport_pb2.REFUSAL_NOT_CHARGED,
                                   f"no charge for decision {decision_id}")
            amount = int(charge["amount_fen"])
            if self.repo.ledger_line(decision_id, "refund", unit.conn) is not None:
                return False, amount
            ticket_id, passenger = str(charge["ticket_id"]), str(charge["passenger_ref"])
            self.repo.stage_ledger(unit, decision_id, "refund", passenger, ticket_id,
                                   str(charge["station_id"]), amount, datetime.now(UTC))
            self.repo.stage_release(unit, ticket_id, decision_id)
            self._stage_event(unit, decision_id, passenger, ticket_id, "refund", amount,
                              str(charge["station_id"]))
            return True, amount

        done, amount = self.outbox.transact(work)
        if done:
            PAYMENTS_TOTAL.labels("refund").inc()
        return done, amount

    @staticmethod
    def _stage_event(unit: SqlUnit[Connection], decision_id: str, passenger_ref: str,
                     ticket_id: str, kind: str, amount_fen: int, station_id: str) -> None:
        ev = transport_pb2.PaymentEvent(decision_id=decision_id, passenger_ref=passenger_ref,
                                        ticket_id=ticket_id, kind=kind, amount_fen=amount_fen,
                                        station_id=station_id)
        unit.emit(PAYMENTS, ev, passenger_ref, payment_event_id(kind, decision_id))
