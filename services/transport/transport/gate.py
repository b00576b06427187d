"""Gate decisions: the face lane (liveness → embedding → 1:1 or 1:N) and its audit trail."""

from __future__ import annotations

import logging
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from prometheus_client import Counter, Histogram
from zezhou5g.platform.events import stamp
from zezhou5g.platform.kafka import EventProducer
from zezhou5g.transport.v1 import transport_pb2

from transport.adapters.sql import Repository
from transport.adapters.state import State
from transport.adapters.vision import FacePipeline, decode
from transport.domain.decision import Decision, decide_1to1, decide_1ton, deny
from transport.domain.enrolment import in_window
from transport.domain.liveness import (
    ACTION_TIME_S,
    decode_actions,
    draw_challenge,
    encode_actions,
    instruction,
)
from transport.domain.thresholds import StationPolicy
from transport.node import GalleryNode
from transport.topics import GATE_DECISIONS

log = logging.getLogger(__name__)

DECISIONS = Counter("transport_gate_decisions_total", "Gate decisions",
                    ["station", "lane", "outcome", "reason"])
DECISION_SECONDS = Histogram("transport_gate_decision_seconds", "Server-side decision time",
                             ["mode"], buckets=(.025, .05, .1, .15, .25, .5, 1, 2, 5, 10))
MIN_CONSISTENCY = 0.45  # lowest cosine between probe frames of one person on the clip: 0.6
MAX_FRAMES = 120


class PassageError(Exception):
    """A request that cannot be decided (unknown gate, expired passage, bad frames)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class Gates:
    """Face-lane decisions and the decision record shared with the manual lane."""

    def __init__(self, repo: Repository, state: State, pipeline: FacePipeline,
                 producer: EventProducer, node: GalleryNode, gates: dict[str, str],
                 policies: dict[str, StationPolicy], challenges: list[str],
                 challenge_timeout_s: float) -> None:
        self.repo = repo
        self.state = state
        self.pipeline = pipeline
        self.producer = producer
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
            raise PassageError("not_found", f"unknown gate {gate_id!r}")
        return station

    def start(self, gate_id: str, ticket_id: str) -> transport_pb2.StartPassageResponse:
        """Open a passage attempt with a freshly drawn challenge."""
        station = self.station_of(gate_id)
        actions = draw_challenge(self.challenges)
        challenge = encode_actions(actions)
        passage_id = str(uuid.uuid4())
        self.state.open_passage(passage_id, {"gate_id": gate_id, "station_id": station,
                                             "ticket_id": ticket_id, "challenge": challenge},
                                self.timeout_s)
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
        done = self.state.decided(request_id)
        if done is not None:
            return transport_pb2.DecideResponse(
                decision=transport_pb2.GateDecision.FromString(done), replayed=True)
        passage = self.state.passage(passage_id)
        if passage is None:
            raise PassageError("failed_precondition", "passage unknown or expired; start again")
        if not frames or len(frames) > MAX_FRAMES:
            raise PassageError("invalid_argument", f"send 1..{MAX_FRAMES} frames")
        t0 = time.perf_counter()
        images = [decode(b) for b, _ in frames]
        times = [t / 1000.0 for _, t in frames]
        decision, details = self._face_lane(passage, images, times)
        self.state.close_passage(passage_id)
        ms = (time.perf_counter() - t0) * 1000
        DECISION_SECONDS.labels(decision.mode or "none").observe(ms / 1000)
        msg = self.emit(decision, request_id, passage["gate_id"], passage["station_id"], "face",
                        f"gate/{passage['gate_id']}", passage["challenge"], details, ms)
        return transport_pb2.DecideResponse(decision=msg, details=details)

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
        return self._claim(decision), [f"searched {searched} passengers of the window"]

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
        decision = decide_1to1(score, ticket_id, enrolment.enrolment_id, policy)
        return self._claim(decision), []

    def _claim(self, decision: Decision) -> Decision:
        # The claim id is set in emit; here only check the ticket is still unused.
        if decision.outcome == "open" and self.state.r.exists(
                f"transport:ticket_used:{decision.ticket_id}"):
            return Decision("deny", "ticket_used", decision.mode, decision.score,
                            decision.threshold, decision.ticket_id, decision.enrolment_id)
        return decision

    def emit(self, decision: Decision, decision_id: str, gate_id: str, station_id: str,
             lane: str, actor: str, challenge: str, details: list[str],
             latency_ms: float) -> transport_pb2.GateDecision:
        """Record, publish and count a decision; the same id is never charged twice."""
        ticket = self.repo.ticket(decision.ticket_id) if decision.ticket_id else None
        outcome, reason = decision.outcome, decision.reason
        if outcome == "open" and ticket is not None:
            earlier = self.state.claim_ticket(ticket.ticket_id, decision_id, 2 * 86400)
            if earlier is not None and earlier != decision_id:
                outcome, reason = "deny", "ticket_used"
        msg = transport_pb2.GateDecision(
            meta={"event_id": decision_id},
            gate_id=gate_id, station_id=station_id, lane=lane, outcome=outcome, reason=reason,
            mode=decision.mode, score=decision.score, threshold=decision.threshold,
            ticket_id=decision.ticket_id,
            passenger_ref=ticket.passenger_ref if ticket else "",
            fare_fen=ticket.fare_fen if ticket and outcome == "open" else 0,
            actor=actor, challenge=challenge, latency_ms=latency_ms)
        stamp(msg, self.producer.service)  # keeps decision_id as the event id
        self.state.remember_decision(decision_id, msg.SerializeToString())
        self.repo.record_decision({
            "decision_id": decision_id, "gate_id": gate_id, "station_id": station_id,
            "lane": lane, "outcome": outcome, "reason": reason, "mode": decision.mode,
            "score": decision.score, "threshold": decision.threshold,
            "ticket_id": decision.ticket_id, "passenger_ref": msg.passenger_ref,
            "actor": actor, "challenge": challenge, "at": datetime.now(UTC)}, details)
        if outcome == "manual":
            self.repo.add_manual({
                "item_id": decision_id, "gate_id": gate_id, "station_id": station_id,
                "ticket_id": decision.ticket_id, "reason": reason, "state": "pending",
                "id_matches": False, "score": decision.score, "created": datetime.now(UTC)})
        self.producer.publish(GATE_DECISIONS, msg, key=gate_id)
        self.state.count_decision(station_id, gate_id, outcome, decision_id, {
            "gate_id": gate_id, "outcome": outcome, "reason": reason, "lane": lane,
            "score": round(decision.score, 3), "at": msg.meta.event_time.ToJsonString()})
        DECISIONS.labels(station_id, lane, outcome, reason).inc()
        return msg
