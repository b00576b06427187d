"""Tickets, face enrolment with separate consent, withdrawal and retention purge."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from prometheus_client import Counter
from zezhou5g.platform.kafka import EventProducer
from zezhou5g.platform.logging import log_fields
from zezhou5g.transport.v1 import transport_pb2

from transport.adapters.crypto import FaceCipher
from transport.adapters.sql import Repository, TicketRow
from transport.adapters.state import State
from transport.adapters.vision import FacePipeline, decode
from transport.domain.enrolment import consent_problems, photo_problems, purge_after
from transport.node import GalleryNode
from transport.topics import FACE_ENROLMENTS

log = logging.getLogger(__name__)

ENROLMENTS = Counter("transport_enrolments_total", "Enrolment attempts by result", ["result"])
FACE_DELETIONS = Counter("transport_face_deletions_total", "Face data deleted", ["why"])


@dataclass(frozen=True)
class EnrolResult:
    """Outcome of an enrolment attempt."""

    ok: bool
    enrolment_id: str = ""
    passenger_ref: str = ""
    reasons: list[str] = field(default_factory=list)
    purge_after: datetime | None = None


class Enrolment:
    """Enrolment use cases; every change is published so all gate nodes follow."""

    def __init__(self, repo: Repository, state: State, cipher: FaceCipher,
                 pipeline: FacePipeline, producer: EventProducer, node: GalleryNode,
                 retention: timedelta) -> None:
        self.repo = repo
        self.state = state
        self.cipher = cipher
        self.pipeline = pipeline
        self.producer = producer
        self.node = node
        self.retention = retention

    def register_ticket(self, t: transport_pb2.Ticket, id_number: str) -> TicketRow:
        """Store or update a ticket; the ID number is kept only as a keyed hash."""
        if not (t.ticket_id and t.trip_id and t.station_id and id_number.strip()):
            raise ValueError("ticket_id, trip_id, station_id and id_number are required")
        if not t.HasField("departure"):
            raise ValueError("departure is required")
        id_hash = self.cipher.id_hash(id_number)
        row = TicketRow(
            ticket_id=t.ticket_id, trip_id=t.trip_id, seat=t.seat,
            departure=t.departure.ToDatetime(tzinfo=UTC), station_id=t.station_id,
            fare_fen=int(t.fare_fen), passenger_ref="p-" + id_hash[:16], id_hash=id_hash,
            passenger_name=t.passenger_name)
        self.repo.upsert_ticket(row)
        return row

    def enrol(self, req: transport_pb2.EnrolRequest, now: datetime | None = None) -> EnrolResult:
        """Check consent and photo, then store the encrypted template and announce it."""
        now = now or datetime.now(UTC)
        problems = consent_problems(req.consent.accepted, req.consent.text_version)
        if problems:
            ENROLMENTS.labels("no_consent").inc()
            return EnrolResult(False, reasons=problems)
        ticket = self.register_ticket(req.ticket, req.id_number)
        until = purge_after(ticket.departure, self.retention)
        if until <= now:
            ENROLMENTS.labels("expired_ticket").inc()
            return EnrolResult(False, reasons=["ticket_expired: departure plus retention passed"])
        img = decode(req.photo)
        faces, vector = self.pipeline.photo_faces(img)
        problems = photo_problems(faces)
        if problems:
            ENROLMENTS.labels("photo_refused").inc()
            return EnrolResult(False, passenger_ref=ticket.passenger_ref, reasons=problems)
        enrolment_id = str(uuid.uuid4())
        sealed = self.cipher.seal_vector(vector, enrolment_id)
        photo = self.cipher.seal(req.photo, enrolment_id) if req.consent.keep_photo else None
        old = self.repo.enrolment_for_ticket(ticket.ticket_id)
        self.repo.add_enrolment(enrolment_id, ticket, sealed, photo, until,
                                req.consent.text_version, req.consent.keep_photo,
                                req.actor or "self", now)
        if old is not None:  # re-enrolment replaces the earlier face everywhere
            self._forget(old.enrolment_id, ticket, "withdrawn")
        self.state.put_face(enrolment_id, sealed, ticket.ticket_id, ticket.station_id,
                            ticket.departure, until)
        self.node.add(enrolment_id)
        self._publish(enrolment_id, "enrolled", ticket)
        ENROLMENTS.labels("ok").inc()
        log.info("enrolled", extra=log_fields(enrolment_id=enrolment_id,
                                              ticket_id=ticket.ticket_id))
        return EnrolResult(True, enrolment_id, ticket.passenger_ref, [], until)

    def withdraw(self, ticket_id: str, id_number: str, actor: str,
                 now: datetime | None = None) -> tuple[bool, int]:
        """Delete the ticket's face data from SQL, Redis and every gallery (via Kafka).

        The ID number must match the ticket's: only the passenger (or staff checking the
        document) can withdraw. Returns (withdrawn, stores cleared on this node).
        """
        ticket = self.repo.ticket(ticket_id)
        if ticket is None or ticket.id_hash != self.cipher.id_hash(id_number):
            raise PermissionError("ticket and ID number do not match")
        enrolment_id = self.repo.delete_enrolment(ticket_id, "withdrawn", actor or "self",
                                                  now or datetime.now(UTC))
        if enrolment_id is None:
            return False, 0
        removed = self._forget(enrolment_id, ticket, "withdrawn") + 1
        FACE_DELETIONS.labels("withdrawn").inc()
        return True, removed

    def purge_expired(self, now: datetime | None = None) -> int:
        """Delete face data past departure + retention; returns how many were purged."""
        now = now or datetime.now(UTC)
        n = 0
        for ticket_id in self.repo.expired_tickets(now):
            ticket = self.repo.ticket(ticket_id)
            enrolment_id = self.repo.delete_enrolment(ticket_id, "purged", "retention", now)
            if enrolment_id is None or ticket is None:
                continue
            self._forget(enrolment_id, ticket, "purged")
            FACE_DELETIONS.labels("purged").inc()
            n += 1
        return n

    def _forget(self, enrolment_id: str, ticket: TicketRow, action: str) -> int:
        removed = self.state.delete_face(enrolment_id)
        removed += int(self.node.remove(enrolment_id))
        self._publish(enrolment_id, action, ticket)
        return removed

    def _publish(self, enrolment_id: str, action: str, ticket: TicketRow) -> None:
        ev = transport_pb2.FaceEnrolmentEvent(enrolment_id=enrolment_id, action=action,
                                              ticket_id=ticket.ticket_id,
                                              station_id=ticket.station_id)
        ev.departure.FromDatetime(ticket.departure)
        self.producer.publish(FACE_ENROLMENTS, ev, key=enrolment_id)
