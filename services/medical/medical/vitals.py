"""Handles vital-sign observations: validate, order, score NEWS2, raise or resolve alerts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC

import redis
from google.protobuf.message import Message
from zezhou5g.medical.v1 import medical_pb2
from zezhou5g.platform.events import ConsumedEvent
from zezhou5g.platform.kafka import RejectEvent
from zezhou5g.platform.metrics import EVENTS_DUPLICATE
from zezhou5g.platform.validation import present_fields, range_violations

from medical.adapters.outbox import OutboxRelay
from medical.adapters.state import Outbox, PatientState, Snapshot, open_alert_key
from medical.domain.alerts import AlertRecord, EscalationPolicy, on_score
from medical.domain.news2 import Observation, score
from medical.domain.plausibility import RANGES
from medical.topics import ALERTS, PATIENT_STATUS
from medical.wire import news2_message, news2_values

_STATUS_NS = uuid.UUID("0d1f7a58-52a4-4a53-a7a4-d2f0e7c1b8e2")
_WATCH_RETRIES = 10


def validate(vitals: medical_pb2.VitalSigns) -> None:
    """Raise :class:`RejectEvent` with the reason for an unusable observation set.

    Reasons name fields and values, never the patient (they end up in logs).
    """
    if not vitals.patient_id or not vitals.device_id:
        raise RejectEvent("patient_id and device_id are required")
    if not vitals.meta.HasField("event_time"):
        raise RejectEvent("meta.event_time is required (when the set was measured)")
    bad = range_violations(present_fields(vitals, list(RANGES)), RANGES)
    if bad:
        raise RejectEvent("; ".join(bad))


class VitalsProcessor:
    """Turns ``VitalSigns`` into ``PatientVitals`` status events and ``Alert`` transitions.

    A poll's events are decided together: one round trip reads the state of every patient
    and device in it, the sets are applied in order in memory, and one MULTI/EXEC writes the
    new state with every event to publish (the outbox). The transaction watches the patients'
    open alerts, so a clinician acknowledging meanwhile makes the batch decide again.

    Args:
        state: the Redis state.
        relay: publishes what each transaction staged.
        policy: alert escalation timeouts.
        trend_every_s: minimum spacing of stored trend points (s).
        trend_keep: trend points kept per patient.
    """

    def __init__(self, state: PatientState, relay: OutboxRelay, policy: EscalationPolicy,
                 trend_every_s: float = 10.0, trend_keep: int = 360) -> None:
        self.state = state
        self.relay = relay
        self.policy = policy
        self.trend_every_us = int(trend_every_s * 1e6)
        self.trend_keep = trend_keep

    def handle(self, event: ConsumedEvent) -> None:
        """One event (tests, tools): :class:`RejectEvent` when it is invalid."""
        rejects = self.handle_batch([event])
        if rejects:
            raise RejectEvent(rejects[0])

    def handle_batch(self, events: list[ConsumedEvent]) -> dict[int, str]:
        """Batch handler for ``medical.vitals``; returns the invalid events' reasons."""
        rejects: dict[int, str] = {}
        valid: list[tuple[int, medical_pb2.VitalSigns, str]] = []
        for i, event in enumerate(events):
            vitals = event.message
            assert isinstance(vitals, medical_pb2.VitalSigns)
            try:
                validate(vitals)
            except RejectEvent as exc:
                rejects[i] = str(exc)
                continue
            valid.append((i, vitals, event.event_id))
        if not valid:
            return rejects
        for _ in range(_WATCH_RETRIES):
            try:
                outcome = self._apply(valid)
                break
            except redis.WatchError:
                continue  # a clinician acknowledged meanwhile: decide again on fresh state
        else:
            raise RuntimeError("patient state kept changing; will retry the batch")
        rejects.update(outcome.rejects)
        for i in outcome.duplicates:
            EVENTS_DUPLICATE.labels("medical", events[i].topic).inc()
        for topic, key, message in outcome.outgoing:
            self.relay.send(topic, key, message)
        return rejects

    def _apply(self, valid: list[tuple[int, medical_pb2.VitalSigns, str]]) -> _Outcome:
        patients = sorted({v.patient_id for _, v, _ in valid})
        devices = sorted({v.device_id for _, v, _ in valid})
        out = _Outcome()
        with self.state.client.pipeline() as pipe:
            pipe.watch(*[open_alert_key(p) for p in patients])
            snaps, device_last = self.state.snapshots(patients, devices)
            touched_patients: set[str] = set()
            touched_devices: set[str] = set()
            staged: list[tuple[str, str, Message]] = []
            alerts: list[AlertRecord] = []
            trends: list[tuple[str, dict[str, float]]] = []
            statuses: dict[str, medical_pb2.PatientVitals] = {}
            for i, vitals, cause_id in valid:
                snap = snaps[vitals.patient_id]
                if snap.patient is None:
                    out.rejects[i] = "patient is not registered with the medical group"
                    continue
                at_us = vitals.meta.event_time.ToMicroseconds()
                last = device_last[vitals.device_id]
                # Order is (event time, seq): a resend repeats both and a late set is older,
                # so both are dropped; a rebooted device restarts seq at 1 with a newer time.
                if last is not None and (at_us, vitals.seq) <= last:
                    out.duplicates.append(i)
                    continue
                device_last[vitals.device_id] = (at_us, vitals.seq)
                touched_devices.add(vitals.device_id)
                touched_patients.add(vitals.patient_id)
                status, transitions, point = self._decide(snap, vitals, cause_id, at_us)
                statuses[vitals.patient_id] = status
                staged.append((PATIENT_STATUS, vitals.patient_id, status))
                alerts.extend(transitions)
                if point is not None:
                    trends.append((vitals.patient_id, point))
            pipe.multi()
            for pid in touched_patients:
                PatientState.stage_patient(pipe, pid, snaps[pid].observations, snaps[pid].total)
                PatientState.stage_status(pipe, statuses[pid])
            for dev in touched_devices:
                PatientState.stage_device(pipe, dev, device_last[dev])  # type: ignore[arg-type]
            for topic, key, message in staged:
                Outbox.stage(pipe, topic, key, message)
            for alert in alerts:
                staged.append((ALERTS, alert.patient_id, PatientState.stage_alert(pipe, alert)))
            for pid in touched_patients:
                # A hold starting or ending changes the open alert without an event.
                still_open = snaps[pid].open_alert
                if snaps[pid].open_changed_quietly and still_open is not None:
                    PatientState.stage_open(pipe, still_open)
            for pid, point in trends:
                PatientState.stage_trend(pipe, pid, point, self.trend_keep)
            pipe.execute()
        out.outgoing = staged
        return out

    def _decide(self, snap: Snapshot, vitals: medical_pb2.VitalSigns, cause_id: str,
                at_us: int) -> tuple[medical_pb2.PatientVitals, list[AlertRecord],
                                     dict[str, float] | None]:
        """Apply one set to the in-memory snapshot: status, alert transitions, trend point."""
        assert snap.patient is not None
        at = vitals.meta.event_time.ToDatetime(tzinfo=UTC)
        for name, value in news2_values(vitals).items():
            if name not in snap.observations or snap.observations[name].at <= at:
                snap.observations[name] = Observation(value, at)
        result = score(snap.observations, at, scale2=snap.patient.spo2_scale2)
        snap.total += 1
        status = medical_pb2.PatientVitals(
            patient_id=vitals.patient_id, latest=vitals, observations_total=snap.total,
            news2=news2_message(result), care_team=snap.patient.care_team)
        status.meta.event_id = str(uuid.uuid5(_STATUS_NS, cause_id))
        status.meta.event_time.CopyFrom(vitals.meta.event_time)
        update = on_score(snap.open_alert, patient_id=vitals.patient_id,
                          care_team=snap.patient.care_team, risk=result.risk,
                          aggregate=result.aggregate, at=at, cause_id=cause_id,
                          policy=self.policy)
        transitions = update.transitions
        if not transitions and update.open is not snap.open_alert:
            snap.open_changed_quietly = True
        snap.open_alert = update.open
        if at_us - snap.trend_last_us < self.trend_every_us:
            return status, transitions, None
        snap.trend_last_us = at_us
        point: dict[str, float] = {"at_us": at_us, "news2": result.aggregate}
        for name in ("heart_rate_bpm", "resp_rate_per_min", "spo2_pct", "systolic_mmhg",
                     "temperature_c"):
            if vitals.HasField(name):
                point[name] = getattr(vitals, name)
        return status, transitions, point


@dataclass
class _Outcome:
    rejects: dict[int, str] = field(default_factory=dict)
    duplicates: list[int] = field(default_factory=list)
    outgoing: list[tuple[str, str, Message]] = field(default_factory=list)
