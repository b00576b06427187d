"""The staffed lane: QR ticket + ID number, confirmed by staff; same decision events as faces.

A request queues an item (one SQL unit). Resolving it is one SQL unit too: the item closed,
the override audited when staff open despite a mismatched ID, and the decision recorded with
its event (:meth:`transport.app.decisions.DecisionLog.stage`). Resolving again returns the
recorded decision, its event published again if still staged, and never charges twice.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import Connection
from zezhou5g.platform.outbox import SqlOutbox, SqlUnit, derived_id
from zezhou5g.transport.v1 import transport_pb2

from transport.adapters.crypto import FaceCipher
from transport.adapters.ownership import OwnershipStore
from transport.adapters.sql import Repository
from transport.app.decisions import DecisionLog, Recorded, Verdict
from transport.app.errors import RequestError
from transport.domain.decision import Decision
from transport.wire import reason_code

MIN_OVERRIDE_REASON = 4  # characters staff must give to open an item whose ID did not match


def manual_item(row: dict[str, object]) -> transport_pb2.ManualItem:
    """SQL row → ManualItem."""
    item = transport_pb2.ManualItem(
        item_id=str(row["item_id"]), gate_id=str(row["gate_id"]),
        station_id=str(row["station_id"]), ticket_id=str(row["ticket_id"]),
        why=reason_code(str(row["reason"])), state=str(row["state"]),
        id_matches=bool(row["id_matches"]),
        score=float(row["score"]))  # type: ignore[arg-type]
    created = row["created"]
    if isinstance(created, datetime):
        item.created.FromDatetime(created if created.tzinfo else created.replace(tzinfo=UTC))
    return item


class ManualLane:
    """QR + ID requests, the staff queue, and its decisions."""

    def __init__(self, outbox: SqlOutbox, repo: Repository, own: OwnershipStore,
                 cipher: FaceCipher, decisions: DecisionLog, gates: dict[str, str]) -> None:
        self.outbox = outbox
        self.repo = repo
        self.own = own
        self.cipher = cipher
        self.decisions = decisions
        self.gates = gates

    def request(self, gate_id: str, ticket_id: str, id_number: str) -> transport_pb2.ManualItem:
        """Queue a QR + ID passage for staff; records whether the ID matches the ticket."""
        station = self.gates.get(gate_id)
        if station is None:
            raise RequestError("not_found", transport_pb2.REFUSAL_UNKNOWN_GATE,
                               f"unknown gate {gate_id!r}")
        ticket = self.repo.ticket(ticket_id)
        if ticket is None:
            raise RequestError("not_found", transport_pb2.REFUSAL_TICKET_NOT_FOUND,
                               f"ticket {ticket_id} not found")
        row: dict[str, object] = {
            "item_id": str(uuid.uuid4()), "gate_id": gate_id, "station_id": station,
            "ticket_id": ticket_id, "reason": "qr_id_check", "state": "pending",
            "id_matches": ticket.id_hash == self.cipher.id_hash(id_number), "score": 0.0,
            "created": datetime.now(UTC)}

        def work(unit: SqlUnit[Connection]) -> None:
            self.repo.stage_manual_item(unit, row)

        self.outbox.transact(work)
        return manual_item(row)

    def queue(self, station_id: str) -> list[transport_pb2.ManualItem]:
        """Pending items of a station ("" = all), oldest first."""
        return [manual_item(r) for r in self.repo.manual_items(station_id)]

    def resolve(self, item_id: str, approve: bool, staff: str,
                reason: str = "") -> transport_pb2.GateDecision:
        """Staff open or refuse; retrying returns the same decision (and never charges twice).

        Opening an item whose ID number did not match the ticket needs a ``reason`` (kept in
        the enrolment audit log with the decision).
        """
        if not staff:
            raise RequestError("invalid_argument", transport_pb2.REFUSAL_STAFF_REQUIRED,
                               "staff is required")
        item = self.repo.manual_item(item_id)
        if item is None:
            raise RequestError("not_found", transport_pb2.REFUSAL_QUEUE_ITEM_NOT_FOUND,
                               f"queue item {item_id} not found")
        if item["state"] != "pending" and item["decision_id"]:
            done = self.decisions.replay(str(item["decision_id"]))
            if done is not None:
                return done.message
        override = approve and not item["id_matches"]
        if override and item["state"] == "pending" and \
                len(reason.strip()) < MIN_OVERRIDE_REASON:
            raise RequestError("invalid_argument", transport_pb2.REFUSAL_OVERRIDE_REASON_REQUIRED,
                               "the ID number did not match the ticket: a reason (at least "
                               f"{MIN_OVERRIDE_REASON} characters) is required to open",
                               min_chars=MIN_OVERRIDE_REASON)
        decision_id = derived_id("transport.manual", item_id)

        def work(unit: SqlUnit[Connection]) -> Recorded:
            current = self.repo.manual_item(item_id, unit.conn)
            assert current is not None
            if not self.repo.stage_resolution(unit, item_id,
                                              "approved" if approve else "rejected", staff,
                                              decision_id):
                stored = self.repo.stored_decision(str(current["decision_id"]), unit.conn)
                if stored is None:
                    raise RequestError("failed_precondition",
                                       transport_pb2.REFUSAL_QUEUE_ITEM_RESOLVED,
                                       "queue item already resolved")
                return Recorded(stored.message, stored.details, True)
            now = datetime.now(UTC)
            if override:
                self.own.stage_audit(unit, str(current["ticket_id"]), "manual_override",
                                     reason.strip(), f"staff/{staff}", now)
            decision = Decision("open" if approve else "deny",
                                "staff_confirmed" if approve else "staff_refused",
                                score=float(current["score"]),  # type: ignore[arg-type]
                                ticket_id=str(current["ticket_id"]))
            details = [f"queue reason {current['reason']}",
                       f"id_matches={current['id_matches']}"]
            return self.decisions.stage(unit, decision_id, Verdict(
                decision, str(current["gate_id"]), str(current["station_id"]), "manual",
                f"staff/{staff}", "", details))

        recorded = self.outbox.transact(work)
        if recorded.replayed:
            self.outbox.resend([recorded.message.meta.event_id])
        self.decisions.count(recorded)
        return recorded.message
