"""Station figures: decision counts and passages per minute, derived from published decisions.

The counts are not written where a decision is made: this consumer of
``transport.gate.decisions`` (its own consumer group) counts each decision in one Redis unit
that records the decision id as processed, so a decision published twice (a relay resending
it after a crash, a gate's retry) or delivered again is counted once. The summary adds the
ledger totals, the staffed-lane queue and the latest decisions from SQL.
"""

from __future__ import annotations

from zezhou5g.platform.events import ConsumedEvent
from zezhou5g.platform.kafka import RejectEvent
from zezhou5g.platform.outbox import RedisOutbox, RedisUnit, derived_id
from zezhou5g.transport.v1 import transport_pb2

from transport.adapters.sql import Repository
from transport.adapters.state import FigureStore
from transport.app.gallery import GalleryNode
from transport.topics import GATE_DECISIONS
from transport.wire import outcome_name


class Figures:
    """Counts decisions (Kafka consumer) and answers ``GetStationSummary``."""

    def __init__(self, outbox: RedisOutbox, figures: FigureStore, repo: Repository,
                 node: GalleryNode) -> None:
        self.outbox = outbox
        self.figures = figures
        self.repo = repo
        self.node = node

    def handle(self, event: ConsumedEvent) -> None:
        """Kafka handler for ``transport.gate.decisions``: count it once."""
        d = event.message
        assert isinstance(d, transport_pb2.GateDecision)
        outcome = outcome_name(d.gate_outcome)
        if not d.meta.event_id or not outcome:
            raise RejectEvent("decision without event id or outcome cannot be counted")
        at_ms = d.meta.event_time.ToMilliseconds()
        # This consumer's own record of the decision (other consumers keep theirs).
        counted = derived_id("transport.figures", d.meta.event_id)

        def work(unit: RedisUnit) -> None:
            if unit.fresh(counted):
                self.figures.stage_decision(unit, d.station_id, outcome, d.meta.event_id,
                                            at_ms)

        self.outbox.transact(work, consumed=[counted], topic=GATE_DECISIONS)

    def summary(self, station: str) -> transport_pb2.StationSummary:
        """Counts, rates, payment totals and recent decisions of a station ("" = all)."""
        counts = self.figures.counts(station)
        charged, refunded = self.repo.totals_fen(station)
        return transport_pb2.StationSummary(
            passages_total=counts.get("total", 0), open_total=counts.get("open", 0),
            deny_total=counts.get("deny", 0), manual_total=counts.get("manual", 0),
            passages_last_min=self.figures.last_minute(station), charged_fen=charged,
            refunded_fen=refunded, enrolled_now=len(self.node.gallery),
            manual_pending=len(self.repo.manual_items(station)),
            recent=self.repo.recent_decisions(station))
