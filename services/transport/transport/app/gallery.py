"""A gate node's in-memory gallery, kept in sync with enrolments through Kafka.

Every node consumes ``transport.face.enrolments`` in its *own* consumer group (each node must
see every event). "enrolled" loads the encrypted template (the Redis cache, else the SQL row)
and adds it; "withdrawn" / "purged" drop it and delete the cached template. At start the node
loads every active enrolment from SQL.

The gallery lives in this process's memory, so there is nothing to commit and no event
to dedupe: adding and removing by enrolment id are idempotent, a redelivered event changes
nothing, and events of one enrolment arrive in order (keyed by enrolment id). The deletion of
the cached template is a Redis unit of its own: the enrolment's SQL unit committed the
withdrawal with its event, so whichever node handles the event clears the cache even if the
withdrawing process died before it could.
"""

from __future__ import annotations

import logging

import numpy as np
from prometheus_client import Gauge
from zezhou5g.platform.events import ConsumedEvent
from zezhou5g.platform.kafka import RejectEvent
from zezhou5g.platform.logging import log_fields
from zezhou5g.platform.outbox import RedisOutbox, RedisUnit
from zezhou5g.transport.v1 import transport_pb2

from transport.adapters.crypto import FaceCipher
from transport.adapters.sql import Repository
from transport.adapters.state import FaceCache
from transport.domain.gallery import Gallery, GalleryEntry

log = logging.getLogger(__name__)

GALLERY_SIZE = Gauge("transport_gallery_faces", "Faces held in this node's gallery")


class GalleryNode:
    """Owns one node's :class:`Gallery` and applies enrolment events to it."""

    def __init__(self, name: str, repo: Repository, faces: FaceCache,
                 redis_outbox: RedisOutbox, cipher: FaceCipher,
                 gallery: Gallery | None = None) -> None:
        self.name = name
        self.repo = repo
        self.faces = faces
        self.redis_outbox = redis_outbox
        self.cipher = cipher
        self.gallery = gallery or Gallery()

    def load_all(self) -> int:
        """Fill the gallery from SQL (the source of truth); returns the number loaded."""
        n = 0
        for row in self.repo.all_enrolments():
            try:
                vec = self.cipher.open_vector(row.template, row.enrolment_id)
            except Exception:  # noqa: BLE001 - a template sealed with another key
                log.error("template cannot be decrypted", extra=log_fields(
                    enrolment_id=row.enrolment_id))
                continue
            n += self._admit(GalleryEntry(row.enrolment_id, row.ticket_id, row.station_id,
                                          row.departure.timestamp()), vec)
        GALLERY_SIZE.set(len(self.gallery))
        return n

    def _admit(self, entry: GalleryEntry, vec: np.ndarray) -> bool:
        """Add one decrypted template; False (logged) if another embedding model made it.

        Templates of the earlier FaceRes model (1024 values) cannot be compared with SFace
        descriptors: such a passenger is not in the gallery (1:1 sends them to staff) until
        they withdraw and enrol again.
        """
        if len(vec) != self.gallery.dim:
            log.error("template of another embedding model, not loaded: re-enrolment needed",
                      extra=log_fields(enrolment_id=entry.enrolment_id, values=len(vec),
                                       expected=self.gallery.dim))
            return False
        self.gallery.add(entry, vec)
        return True

    def add(self, enrolment_id: str) -> bool:
        """Load one enrolment's template (Redis cache, else SQL) into the gallery."""
        rec = self.faces.face(enrolment_id)
        if rec is not None:
            entry = GalleryEntry(enrolment_id, rec["ticket_id"], rec["station_id"],
                                 rec["departure_s"])
            sealed = rec["template"]
        else:
            row = self.repo.enrolment(enrolment_id)
            if row is None:
                return False  # withdrawn before we saw it: nothing to hold
            entry = GalleryEntry(enrolment_id, row.ticket_id, row.station_id,
                                 row.departure.timestamp())
            sealed = row.template
        added = self._admit(entry, self.cipher.open_vector(sealed, enrolment_id))
        GALLERY_SIZE.set(len(self.gallery))
        return added

    def remove(self, enrolment_id: str) -> bool:
        """Drop a face from this node's gallery."""
        gone = self.gallery.remove(enrolment_id)
        GALLERY_SIZE.set(len(self.gallery))
        return gone

    def forget(self, enrolment_id: str) -> int:
        """Drop a face from the gallery and the template cache; how many of the two held it."""

        def work(unit: RedisUnit) -> int:
            return self.faces.stage_deletion(unit, enrolment_id)

        return self.redis_outbox.transact(work) + int(self.remove(enrolment_id))

    def handle(self, event: ConsumedEvent) -> None:
        """Kafka handler for ``transport.face.enrolments`` (idempotent: add/remove by id)."""
        msg = event.message
        assert isinstance(msg, transport_pb2.FaceEnrolmentEvent)
        if not msg.enrolment_id:
            raise RejectEvent("enrolment_id is required")
        if msg.action == "enrolled":
            self.add(msg.enrolment_id)
        elif msg.action in ("withdrawn", "purged"):
            self.forget(msg.enrolment_id)
        else:
            raise RejectEvent(f"unknown action {msg.action!r}")
