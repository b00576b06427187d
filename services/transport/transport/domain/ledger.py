"""Fare ledger rules: one charge per passage decision, refunds only of a charge (pure).

Money is in fen (0.01 CNY), integers only. The decision's event id is the idempotency key: the
same decision delivered again (a retried request, a re-delivered Kafka event) never charges
twice, and a refund is keyed by the same id so it cannot be paid twice either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["charge", "refund"]


@dataclass(frozen=True)
class Entry:
    """One ledger line.

    Attributes:
        decision_id: the gate decision's event id.
        passenger_ref: pseudonymous passenger reference.
        ticket_id: the ticket the passage used.
        kind: "charge" or "refund".
        amount_fen: positive amount in fen.
    """

    decision_id: str
    passenger_ref: str
    ticket_id: str
    kind: Kind
    amount_fen: int


class LedgerError(ValueError):
    """A ledger operation that is not allowed (refund without charge, bad amount)."""


class Ledger:
    """In-memory ledger applying the rules; the SQL adapter enforces the same with keys."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, Kind], Entry] = {}

    def charge(self, decision_id: str, passenger_ref: str, ticket_id: str,
               amount_fen: int) -> Entry | None:
        """Charge for a passage; None when this decision was already charged."""
        if amount_fen <= 0:
            raise LedgerError(f"fare must be positive, got {amount_fen} fen")
        if not decision_id:
            raise LedgerError("a charge needs the decision id")
        key: tuple[str, Kind] = (decision_id, "charge")
        if key in self._entries:
            return None
        entry = Entry(decision_id, passenger_ref, ticket_id, "charge", amount_fen)
        self._entries[key] = entry
        return entry

    def refund(self, decision_id: str) -> Entry | None:
        """Refund the charge of ``decision_id`` in full; None when already refunded."""
        charged = self._entries.get((decision_id, "charge"))
        if charged is None:
            raise LedgerError(f"no charge for decision {decision_id}")
        key: tuple[str, Kind] = (decision_id, "refund")
        if key in self._entries:
            return None
        entry = Entry(decision_id, charged.passenger_ref, charged.ticket_id, "refund",
                      charged.amount_fen)
        self._entries[key] = entry
        return entry

    def balance_fen(self, passenger_ref: str) -> int:
        """Net amount paid by a passenger (charges minus refunds), fen."""
        total = 0
        for e in self._entries.values():
            if e.passenger_ref == passenger_ref:
                total += e.amount_fen if e.kind == "charge" else -e.amount_fen
        return total

    def entries(self) -> list[Entry]:
        """Every line, in insertion order."""
        return list(self._entries.values())
