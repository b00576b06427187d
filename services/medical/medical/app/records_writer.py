"""What happens when statuses and alert transitions are published: they are kept in SQL.

Consumer of ``medical.patient.status`` and ``medical.alerts`` in its own group, a poll at a time.
It publishes nothing, so it needs no outbox: each write is idempotent in its own transaction
(an observation set is keyed by its status event id, an alert keeps only newer versions), so a
batch redelivered after a crash changes nothing the second time.
"""

from __future__ import annotations

import logging

from prometheus_client import Counter
from zezhou5g.medical.v1 import medical_pb2
from zezhou5g.platform.events import ConsumedEvent
from zezhou5g.platform.logging import log_fields

from medical.adapters.records import Records
from medical.topics import ALERTS, PATIENT_STATUS

log = logging.getLogger(__name__)
SKIPPED = Counter("z5g_medical_records_skipped_total",
                  "Events not stored in SQL because their patient is not registered there",
                  ["topic"])


class RecordsWriter:
    """Batch handler for ``medical.patient.status`` and ``medical.alerts``: idempotent upserts."""

    def __init__(self, records: Records) -> None:
        self.records = records

    def handle_batch(self, events: list[ConsumedEvent]) -> None:
        """Store a poll's observation sets in one insert, then its alert transitions in order."""
        statuses = [e.message for e in events
                    if isinstance(e.message, medical_pb2.PatientVitals)]
        # One lookup of which patients are registered serves the whole poll.
        known = self.records.known({e.message.patient_id for e in events})  # type: ignore[attr-defined]
        skipped = self.records.save_statuses(statuses, known)  # type: ignore[arg-type]
        if skipped:
            SKIPPED.labels(PATIENT_STATUS).inc(skipped)
            log.warning("observation sets of unregistered patients not stored",
                        extra=log_fields(count=skipped))
        for e in events:
            if isinstance(e.message, medical_pb2.Alert) and not self.records.save_alert(
                    e.message, known):
                SKIPPED.labels(ALERTS).inc()
