"""Gate decisions: the face lane (liveness → embedding → 1:1 or 1:N) and the decision record.

Every decision, face lane or staffed lane, is one SQL unit (:meth:`DecisionLog.stage`): the
audit row with the message as published, the ticket's claim (a ticket opens a gate once,
enforced by its primary key), the staffed-lane item when staff must look, and the staged
``transport.gate.decisions`` event whose id is the decision id. Nothing is published that was
not recorded, and a recorded decision is published even if the process dies right after the
commit (the relay resends what is left at start).

A gate retrying ``Decide`` with the same ``request_id`` gets the recorded decision back
(``replayed``) and its event is published again if it is still staged, so the retry itself
guarantees it goes out. The models run before the unit, outside any transaction.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from prometheus_client import Counter, Histogram
from sqlalchemy import Connection
from zezhou5g.platform.outbox import RedisOutbox, RedisUnit, SqlOutbox, SqlUnit
from zezhou5g.transport.v1 import transport_pb2

from transport.adapters.sql import Repository
from transport.adapters.state import PassageStore
from transport.adapters.vision import FacePipeline, decode
from transport.app.errors import RequestError
from transport.app.gallery import GalleryNode
from transport.domain.decision import Decision, against_claim, decide_1to1, decide_1ton, deny
from transport.domain.enrolment import in_window
from transport.domain.liveness import (
    ACTION_TIME_S,
    decode_actions,
    draw_challenge,
    encode_actions,
    instruction,
)
from transport.domain.thresholds import StationPolicy
from transport.topics import GATE_DECISIONS
from transport.wire import lane_name, outcome_name, reason_name, set_codes

DECISIONS = Counter("transport_gate_decisions_total", "Gate decisions",
                    ["station", "lane", "outcome", "reason"])
DECISION_SECONDS = Histogram("transport_gate_decision_seconds", "Server-side decision time",
                             ["mode"], buckets=(.025, .05, .1, .15, .25, .5, 1, 2, 5, 10))
# Lowest cosine allowed between the probe frames of one challenge (a face swapped mid-way).
# SFace: any two frames of the head turn of short_hamilton_clip (frames 94-151) score >= 0.34;
# two different people reach 0.30 in ~1.4 % of pairs (transport.domain.thresholds).
MIN_CONSISTENCY = 0.30
MAX_FRAMES = 120


@dataclass(frozen=True)
class Verdict:
    """What a lane decided, before it is recorded.

    Attributes:
        decision: the rules' outcome (before the ticket's claim is checked).
        gate_id, station_id: where.
        lane: "face" or "manual".
        actor: "gate/<gate_id>" or "staff/<user>".
        challenge: liveness actions asked for ("" for the staffed lane).
        details: reasons for people.
        latency_ms: server-side decision time.
        passage_id: the face-lane passage decided (one decision each), None for staff.
    """

    decision: Decision
    gate_id: str
    station_id: str
    lane: str
    actor: str
    challenge: str = ""
    details: list[str] = field(default_factory=list)
    latency_ms: float = 0.0
    passage_id: str | None = None


@dataclass(frozen=True)
class Recorded:
    """A decision as recorded; ``replayed`` when it had been recorded before."""

    message: transport_pb2.GateDecision
    details: list[str]
    replayed: bool


class DecisionLog:
    """Records decisions (one SQL unit each) and answers retries from the record."""

    def __init__(self, outbox: SqlOutbox, repo: Repository) -> None:
        self.outbox = outbox
        self.repo = repo

    def replay(self, decision_id: str) -> Recorded | None:
        """The recorded decision, its event published again if still staged; or None."""
        stored = self.repo.stored_decision(decision_id)
        if stored is None:
            return None
        self.outbox.resend([decision_id])
        return Recorded(stored.message, stored.details, True)

    def record(self, decision_id: str, verdict: Verdict) -> Recorded:
        """Record and publish a decision in its own unit (see :meth:`stage`)."""
        recorded = self.outbox.transact(lambda unit: self.stage(unit, decision_id, verdict))
        if recorded.replayed:  # a concurrent request with the same id recorded it first
            self.outbox.resend([decision_id])
        return recorded

    def stage(self, unit: SqlUnit[Connection], decision_id: str, verdict: Verdict) -> Recorded:
        """Stage the decision in ``unit``: audit row, ticket claim, staffed-lane item, event.

        The same ``decision_id`` recorded before is returned as it was. An open decision on a
        ticket another decision used becomes ``deny``/``ticket_used``; the fare is on the
        event only when the gate opens.
        """
        stored = self.repo.stored_decision(decision_id, unit.conn)
        if stored is not None:
            return Recorded(stored.message, stored.details, True)
        if verdict.passage_id and self.repo.passage_decided(verdict.passage_id, unit.conn):
            raise RequestError("failed_precondition", transport_pb2.REFUSAL_PASSAGE_NOT_OPEN,
                               "passage already decided; start again")
        now = datetime.now(UTC)
        d = verdict.decision
        ticket = self.repo.ticket(d.ticket_id, unit.conn) if d.ticket_id else None
        if ticket is not None and d.outcome == "open":
            claimed_by = self.repo.ticket_claim(ticket.ticket_id, unit.conn)
            d = against_claim(d, decision_id, claimed_by)
            if d.outcome == "open" and claimed_by is None:
                self.repo.stage_claim(unit, ticket.ticket_id, decision_id, now)
        msg = transport_pb2.GateDecision(
            gate_id=verdict.gate_id, station_id=verdict.station_id, score=d.score,
            threshold=d.threshold, ticket_id=d.ticket_id,
            passenger_ref=ticket.passenger_ref if ticket else "",
            fare_fen=ticket.fare_fen if ticket and d.outcome == "open" else 0,
            actor=verdict.actor, challenge=verdict.challenge, latency_ms=verdict.latency_ms)
        set_codes(msg, verdict.lane, d.outcome, d.reason, d.mode)
        msg.meta.event_time.FromDatetime(now)
        unit.emit(GATE_DECISIONS, msg, verdict.gate_id, decision_id)
        self.repo.stage_decision(unit, msg, verdict.details, verdict.passage_id)
        if d.outcome == "manual":
            self.repo.stage_manual_item(unit, {
                "item_id": decision_id, "gate_id": verdict.gate_id,
                "station_id": verdict.station_id, "ticket_id": d.ticket_id,
                "reason": d.reason, "state": "pending", "id_matches": False,
                "score": d.score, "created": now})
        return Recorded(msg, verdict.details, False)

    @staticmethod
    def count(recorded: Recorded) -> None:
        """Count a decision made now (a replay is not counted again)."""
        if not recorded.replayed:
            m = recorded.message
            DECISIONS.labels(m.station_id, lane_name(m.lane_code), outcome_name(m.gate_outcome),
                             reason_name(m.why)).inc()


class FaceLane:
    """Passages at the gate camera: a challenge drawn, frames decided once."""

    def __init__(self, log: DecisionLog, repo: Repository, passages: PassageStore,
                 redis_outbox: RedisOutbox, pipeline: FacePipeline, node: GalleryNode,
                 gates: dict[str, str], policies: dict[str, StationPolicy],
                 challenges: list[str], challenge_timeout_s: float) -> None:
        self.log = log
        self.repo = repo
        self.passages = passages
        self.redis_outbox = redis_outbox
        self.pipeline = pipeline
        self.node = node
        self.gates = gates
        self.policies = policies
        self.challenges = challenges
        self.timeout_s = challenge_timeout_s

    def policy(self, station_id: str) -> StationPolicy:
        """The station's policy (defaults when not configured)."""
        return self.policies.get(station_id) or StationPolicy()

    def station_of(self, gate_id: str) -> str:
        """Station of a configured gate."""
        station = self.gates.get(gate_id)
        if station is None:
            raise RequestError("not_found", transport_pb2.REFUSAL_UNKNOWN_GATE,
                               f"unknown gate {gate_id!r}")
        return station

    def start(self, gate_id: str, ticket_id: str) -> transport_pb2.StartPassageResponse:
        """Open a passage attempt with a freshly drawn challenge."""
        station = self.station_of(gate_id)
        actions = draw_challenge(self.challenges)
        challenge = encode_actions(actions)
        passage_id = str(uuid.uuid4())
        record = {"gate_id": gate_id, "station_id": station, "ticket_id": ticket_id,
                  "challenge": challenge}

        def work(unit: RedisUnit) -> None:
            self.passages.stage_passage(unit, passage_id, record, self.timeout_s)

        self.redis_outbox.transact(work)
        zh, en = instruction(actions)
        return transport_pb2.StartPassageResponse(
            passage_id=passage_id, challenge=challenge, instruction_zh=zh, instruction_en=en,
            expires_in_s=self.timeout_s, actions=list(actions), action_time_s=ACTION_TIME_S)

    def decide(self, passage_id: str, request_id: str,
               frames: list[tuple[bytes, int]]) -> transport_pb2.DecideResponse:
        """Decide a passage from the gate camera's frames (JPEG/PNG, ms since the first).

        A retry with the same ``request_id`` returns the first decision unchanged.
        """
        request_id = request_id or str(uuid.uuid4())
        done = self.log.replay(request_id)
        if done is not None:
            return transport_pb2.DecideResponse(decision=done.message, details=done.details,
                                                replayed=True)
        passage = self.passages.passage(passage_id)
        if passage is None or self.repo.passage_decided(passage_id):
            raise RequestError("failed_precondition", transport_pb2.REFUSAL_PASSAGE_NOT_OPEN,
                               "passage unknown, expired or decided; start again")
        if not frames or len(frames) > MAX_FRAMES:
            raise RequestError("invalid_argument", transport_pb2.REFUSAL_FRAME_COUNT,
                               f"send 1..{MAX_FRAMES} frames", max_frames=MAX_FRAMES)
        t0 = time.perf_counter()
        images = [decode(b) for b, _ in frames]
        times = [t / 1000.0 for _, t in frames]
        decision, details = self._face_lane(passage, images, times)
        ms = (time.perf_counter() - t0) * 1000
        DECISION_SECONDS.labels(decision.mode or "none").observe(ms / 1000)
        gate = passage["gate_id"]
        recorded = self.log.record(request_id, Verdict(
            decision, gate, passage["station_id"], "face", f"gate/{gate}",
            passage["challenge"], details, ms, passage_id))
        self.log.count(recorded)
        return transport_pb2.DecideResponse(decision=recorded.message,
                                            details=recorded.details,
                                            replayed=recorded.replayed)

    def _face_lane(self, passage: dict[str, Any], images: list[Any],
                   times: list[float]) -> tuple[Decision, list[str]]:
        live = self.pipeline.liveness(images, times, decode_actions(passage["challenge"]),
                                      self.timeout_s, ACTION_TIME_S)
        if not live.passed:
            return deny("liveness_failed"), live.reasons
        probe, consistency = self.pipeline.probe(images, live.frontal)
        if probe is None:
            return deny("no_frontal_face"), ["no frontal face among the frames"]
        if consistency < MIN_CONSISTENCY:
            return deny("face_changed"), [f"frames show different faces ({consistency:.2f})"]
        station = passage["station_id"]
        policy = self.policy(station)
        now = datetime.now(UTC)
        ticket_id = passage["ticket_id"]
        if ticket_id:
            return self._one_to_one(ticket_id, probe, station, policy, now)
        start = now - timedelta(minutes=policy.window_before_min)
        end = now + timedelta(minutes=policy.window_after_min)
        candidates, searched = self.node.gallery.search(probe, station, start.timestamp(),
                                                        end.timestamp())
        decision = decide_1ton(candidates, searched, policy)
        if decision.enrolment_id and self.repo.enrolment(decision.enrolment_id) is None:
            # Withdrawn or purged, and this node has not seen the event yet (Kafka away):
            # the database is the truth, so drop the stale face and do not use it.
            self.node.remove(decision.enrolment_id)
            return deny("no_match"), ["matched face was withdrawn; removed from this node"]
        return decision, [f"searched {searched} passengers of the window"]

    def _one_to_one(self, ticket_id: str, probe: Any, station: str, policy: StationPolicy,
                    now: datetime) -> tuple[Decision, list[str]]:
        ticket = self.repo.ticket(ticket_id)
        if ticket is None:
            return deny("unknown_ticket"), [f"ticket {ticket_id} not found"]
        if ticket.station_id != station:
            return deny("wrong_station"), [f"ticket is for {ticket.station_id}"]
        if not in_window(ticket.departure, now, policy.window_before_min,
                         policy.window_after_min):
            return deny("outside_window"), [f"departure {ticket.departure.isoformat()}"]
        enrolment = self.repo.enrolment_for_ticket(ticket_id)
        template = None if enrolment is None else self.node.gallery.vector(
            enrolment.enrolment_id)
        if enrolment is None or template is None:
            return (Decision("manual", "no_face_enrolled", ticket_id=ticket_id),
                    ["no face enrolled for this ticket: use the QR + ID lane"])
        score = float(probe @ template)
        return decide_1to1(score, ticket_id, enrolment.enrolment_id, policy), []
