"""Traceability records in SQL: batches and their hash-chained EPCIS 2.0 events.

Events are stored as the JSON text that was hashed; reading a batch re-parses and re-verifies
every link, so a change made directly in the database shows up as a broken chain.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from agri.adapters.tables import TraceBatch, TraceEventRow
from agri.domain import epcis


@dataclass(frozen=True)
class BatchTrace:
    """A batch with its verified chain."""

    code: str
    product: str
    field_id: str
    links: list[epcis.Link]
    verification: epcis.Verification


class TraceStore:
    """Appends events to batches and reads them back verified."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create_batch(self, code: str, product: str, field_id: str,
                     events: Sequence[dict[str, Any]] = ()) -> None:
        """Register a batch under its public ``code`` with its first ``events``, together."""
        with Session(self.engine) as s, s.begin():
            s.add(TraceBatch(code=code, product=product, field_id=field_id,
                             created_time=datetime.now(UTC)))
            for event in events:
                self._append(s, code, event)

    def append(self, code: str, event: dict[str, Any]) -> epcis.Link:
        """Append an EPCIS event to the batch's chain (hashing the previous event)."""
        with Session(self.engine) as s, s.begin():
            return self._append(s, code, event)

    @staticmethod
    def _append(s: Session, code: str, event: dict[str, Any]) -> epcis.Link:
        s.flush()
        rows = list(s.scalars(select(TraceEventRow).where(TraceEventRow.code == code)
                              .order_by(TraceEventRow.seq)))
        link = epcis.append([_link(r) for r in rows], event)
        s.add(TraceEventRow(code=code, seq=link.seq, event_type=str(event["type"]),
                            event_json=json.dumps(event, ensure_ascii=False),
                            prev_hash=link.prev_hash, hash=link.hash))
        return link

    def get(self, code: str) -> BatchTrace | None:
        """The batch and its chain, verified now; None for an unknown code."""
        with Session(self.engine) as s:
            batch = s.get(TraceBatch, code)
            if batch is None:
                return None
            rows = list(s.scalars(select(TraceEventRow).where(TraceEventRow.code == code)
                                  .order_by(TraceEventRow.seq)))
            links = [_link(r) for r in rows]
            return BatchTrace(batch.code, batch.product, batch.field_id, links,
                              epcis.verify(links))

    def codes(self) -> list[str]:
        """Every batch code."""
        with Session(self.engine) as s:
            return list(s.scalars(select(TraceBatch.code).order_by(TraceBatch.code)))


def _link(row: TraceEventRow) -> epcis.Link:
    try:
        event = json.loads(row.event_json)
    except json.JSONDecodeError:
        event = {"unparseable": row.event_json}
    return epcis.Link(row.seq, event, row.prev_hash, row.hash)


DEMO_CODE = "ZZ-WHEAT-2026-0001"
# Farm steps that the GS1 CBV has no business step for are written as URIs (EPCIS 2.0 allows a
# URI wherever a CBV value is expected); commissioning, packing and retail_selling are CBV's own.
LOCAL = "urn:zezhou5g:bizstep:"


def seed_demo(store: TraceStore, field_id: str = "field-e1") -> None:
    """The demo batch of winter wheat from field-e1, from sowing to sale (once)."""
    if DEMO_CODE in store.codes():
        return
    lot = "urn:epc:class:lgtin:6901234.00001.W2026E1"
    flour = "urn:epc:class:lgtin:6901234.00002.F2026E1"
    where = f"urn:zezhou5g:field:{field_id}"
    mill = "urn:epc:id:sgln:6901234.00010.0"
    events = [
        epcis.object_event("2025-10-08T01:00:00.000Z", "ADD", [lot], _step("sowing"), where,
                           quantity=180, uom="KGM",
                           **{"zz:inputs": [{"name": "济麦22 seed", "kg_per_ha": 180}]}),
        epcis.object_event("2026-03-18T01:00:00.000Z", "OBSERVE", [lot], _step("applying"), where,
                           quantity=1, uom="HA",
                           **{"zz:inputs": [{"name": "尿素 urea 46% N", "kg_per_ha": 120}]}),
        epcis.object_event("2026-04-22T00:00:00.000Z", "OBSERVE", [lot], _step("irrigating"), where,
                           quantity=1, uom="HA", **{"zz:inputs": [{"name": "water",
                                                                   "mm": 45}]}),
        epcis.object_event("2026-06-08T02:00:00.000Z", "OBSERVE", [lot], _step("harvesting"), where,
                           quantity=6200, uom="KGM"),
        epcis.transformation_event("2026-06-15T02:00:00.000Z", [lot], [flour], "commissioning",
                                   mill),
        epcis.aggregation_event("2026-06-16T02:00:00.000Z", "urn:epc:id:sscc:6901234.0000000001",
                                [flour], "packing", mill),
        epcis.object_event("2026-06-20T04:00:00.000Z", "OBSERVE", [flour], "retail_selling",
                           "urn:epc:id:sgln:6901234.00020.0", quantity=25, uom="KGM"),
    ]
    # One transaction: a crash while seeding leaves no half chain behind.
    store.create_batch(DEMO_CODE, "泽州冬小麦粉 / Zezhou winter-wheat flour", field_id, events)


def _step(name: str) -> str:
    return f"{LOCAL}{name}"
