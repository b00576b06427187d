"""The non-face lane (QR ticket + ID number, confirmed by staff), payments and refunds."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from prometheus_client import Counter
from zezhou5g.platform.events import ConsumedEvent
from zezhou5g.platform.kafka import EventProducer, RejectEvent
from zezhou5g.transport.v1 import transport_pb2

from transport.adapters.crypto import FaceCipher
from transport.adapters.sql import Repository
from transport.adapters.state import State
from transport.domain.decision import Decision
from transport.gate import Gates, PassageError
from transport.topics import PAYMENTS

PAYMENTS_TOTAL = Counter("transport_payments_total", "Ledger lines posted", ["kind"])
PAYMENTS_DUPLICATE = Counter("transport_payments_duplicate_total",
                             "Charges skipped: the decision was already charged")


def manual_item(row: dict[str, object]) -> transport_pb2.ManualItem:
    """SQL row → ManualItem."""
    item = transport_pb2.ManualItem(
        item_id=str(row["item_id"]), gate_id=str(row["gate_id"]),
        station_id=str(row["station_id"]), ticket_id=str(row["ticket_id"]),
        reason=str(row["reason"]), state=str(row["state"]), id_matches=bool(row["id_matches"]),
        score=float(row["score"]))  # type: ignore[arg-type]
    created = row["created"]
    if isinstance(created, datetime):
        item.created.FromDatetime(created if created.tzinfo else created.replace(tzinfo=UTC))
    return item


class ManualLane:
    """QR + ID requests, the staff queue, and its decisions (same events as the face lane)."""

    def __init__(self, repo: Repository, state: State, cipher: FaceCipher, gates: Gates,
                 producer: EventProducer) -> None:
        self.repo = repo
        self.state = state
        self.cipher = cipher
        self.gates = gates
        self.producer = producer

    def request(self, gate_id: str, ticket_id: str, id_number: str) -> transport_pb2.ManualItem:
        """Queue a QR + ID passage for staff; records whether the ID matches the ticket."""
        station = self.gates.station_of(gate_id)
        ticket = self.repo.ticket(ticket_id)
        if ticket is None:
            raise PassageError("not_found", f"ticket {ticket_id} not found")
        row: dict[str, object] = {
            "item_id": str(uuid.uuid4()), "gate_id": gate_id, "station_id": station,
            "ticket_id": ticket_id, "reason": "qr_id_check", "state": "pending",
            "id_matches": ticket.id_hash == self.cipher.id_hash(id_number), "score": 0.0,
            "created": datetime.now(UTC)}
        self.repo.add_manual(row)
        return manual_item(row)

    def resolve(self, item_id: str, approve: bool, staff: str) -> transport_pb2.GateDecision:
        """Staff open or refuse; retrying returns the same decision (and never charges twice)."""
        if not staff:
            raise PassageError("invalid_argument", "staff is required")
        item = self.repo.manual_item(item_id)
        if item is None:
            raise PassageError("not_found", f"queue item {item_id} not found")
        decision_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"transport/manual/{item_id}"))
        done = self.state.decided(decision_id)
        if done is not None:
            return transport_pb2.GateDecision.FromString(done)
        if not self.repo.resolve_manual(item_id, "approved" if approve else "rejected", staff,
                                        decision_id):
            raise PassageError("failed_precondition", "queue item already resolved")
        decision = Decision("open" if approve else "deny",
                            "staff_confirmed" if approve else "staff_refused",
                            score=float(item["score"]),  # type: ignore[arg-type]
                            ticket_id=str(item["ticket_id"]))
        details = [f"queue reason {item['reason']}", f"id_matches={item['id_matches']}"]
        return self.gates.emit(decision, decision_id, str(item["gate_id"]),
                               str(item["station_id"]), "manual", f"staff/{staff}", "",
                               details, 0.0)


class Payments:
    """Charges once per open decision (Kafka consumer) and refunds reversed passages."""

    def __init__(self, repo: Repository, state: State, producer: EventProducer) -> None:
        self.repo = repo
        self.state = state
        self.producer = producer

    def handle(self, event: ConsumedEvent) -> None:
        """Kafka handler for ``transport.gate.decisions``: charge the fare of an open gate."""
        d = event.message
        assert isinstance(d, transport_pb2.GateDecision)
        if not d.meta.event_id:
            raise RejectEvent("decision without event id cannot be charged idempotently")
        if d.outcome != "open" or d.fare_fen == 0:
            return
        if not d.passenger_ref or not d.ticket_id:
            raise RejectEvent("open decision with a fare but no passenger/ticket")
        if self.repo.post_ledger(d.meta.event_id, "charge", d.passenger_ref, d.ticket_id,
                                 d.station_id, d.fare_fen, datetime.now(UTC)):
            PAYMENTS_TOTAL.labels("charge").inc()
            self._publish(d.meta.event_id, d.passenger_ref, d.ticket_id, "charge", d.fare_fen,
                          d.station_id)
        else:
            PAYMENTS_DUPLICATE.inc()

    def refund(self, decision_id: str, staff: str) -> tuple[bool, int]:
        """Refund a charged passage reversed by staff; (refunded now, amount fen)."""
        if not staff:
            raise PassageError("invalid_argument", "staff is required")
        charge = next((line for line in self.repo.ledger_lines(decision_id)
                       if line["kind"] == "charge"), None)
        if charge is None:
            raise PassageError("failed_precondition", f"no charge for decision {decision_id}")
        amount = int(charge["amount_fen"])
        done = self.repo.post_ledger(decision_id, "refund", str(charge["passenger_ref"]),
                                     str(charge["ticket_id"]), str(charge["station_id"]), amount,
                                     datetime.now(UTC))
        if done:
            PAYMENTS_TOTAL.labels("refund").inc()
            self.state.release_ticket(str(charge["ticket_id"]), decision_id)
            self._publish(decision_id, str(charge["passenger_ref"]), str(charge["ticket_id"]),
                          "refund", amount, str(charge["station_id"]))
        return done, amount

    def _publish(self, decision_id: str, passenger_ref: str, ticket_id: str, kind: str,
                 amount_fen: int, station_id: str) -> None:
        ev = transport_pb2.PaymentEvent(decision_id=decision_id, passenger_ref=passenger_ref,
                                        ticket_id=ticket_id, kind=kind, amount_fen=amount_fen,
                                        station_id=station_id)
        # Deterministic id: a re-delivered decision cannot produce a second payment event.
        ev.meta.event_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"pay/{kind}/{decision_id}"))
        self.producer.publish(PAYMENTS, ev, key=passenger_ref)
