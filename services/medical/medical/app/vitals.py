"""What happens when observation sets arrive: validate, order, score NEWS2, raise or resolve.

Consumer of ``medical.vitals`` (batches of one poll). A poll's events are decided together in
one outbox unit: one round trip reads the state of every patient and device in it, the sets are
applied in order in memory, and one MULTI/EXEC writes the new state with every event to publish.
The unit watches what it read, so a clinician acknowledging meanwhile (or a second consumer
during a rebalance) makes the batch decide again.

Which sets are new is decided by the device's order, in the same transaction as their effects:
a set is applied only when its (event time, seq) is after the device's last accepted one. A
redelivered set repeats both and is dropped, whatever its event id — so no per-event "seen" key
is needed (at 1 Hz per patient those would be 600 k keys a week for each patient).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC

from zezhou5g.medical.v1 import medical_pb2
from zezhou5g.platform.events import ConsumedEvent
from zezhou5g.platform.kafka import RejectEvent
from zezhou5g.platform.metrics import EVENTS_DUPLICATE
from zezhou5g.platform.outbox import RedisOutbox, RedisUnit, derived_id
from zezhou5g.platform.validation import present_fields, range_violations

from medical.adapters.patient_store import PatientStore, Snapshot
from medical.domain.alerts import AlertRecord, EscalationPolicy, on_score
from medical.domain.news2 import Observation, score
from medical.domain.plausibility import RANGES
from medical.topics import ALERTS, PATIENT_STATUS, VITALS
from medical.wire import news2_message, news2_values

TREND_FIELDS = ("heart_rate_bpm", "resp_rate_per_min", "spo2_pct", "systolic_mmhg",
                "temperature_c")


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


def status_event_id(cause_id: str) -> str:
    """Event id of the ``PatientVitals`` that the observation event ``cause_id`` produced."""
    return derived_id("medical.status", cause_id)


@dataclass
class _Outcome:
    rejects: dict[int, str] = field(default_factory=dict)
    duplicates: int = 0


class VitalsIntake:
    """Turns ``VitalSigns`` into ``PatientVitals`` status events and ``Alert`` transitions.

    Args:
        store: patients' state.
        outbox: the service's outbox (units of work, relay).
        policy: alert escalation timeouts and the resolve hold.
        trend_every_s: minimum spacing of stored trend points (s).
        trend_keep: trend points kept per patient.
    """

    def __init__(self, store: PatientStore, outbox: RedisOutbox, policy: EscalationPolicy,
                 trend_every_s: float = 10.0, trend_keep: int = 360) -> None:
        self.store = store
        self.outbox = outbox
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
        outcome = self.outbox.transact(lambda unit: self._apply(unit, valid))
        rejects.update(outcome.rejects)
        if outcome.duplicates:
            EVENTS_DUPLICATE.labels("medical", VITALS).inc(outcome.duplicates)
        return rejects

    def _apply(self, unit: RedisUnit,
               valid: list[tuple[int, medical_pb2.VitalSigns, str]]) -> _Outcome:
        """Decide the batch on the unit's snapshot and stage its state and events."""
        patients = sorted({v.patient_id for _, v, _ in valid})
        devices = sorted({v.device_id for _, v, _ in valid})
        snaps, device_last = self.store.watch_and_read(unit, patients, devices)
        out = _Outcome()
        touched_devices: set[str] = set()
        statuses: dict[str, medical_pb2.PatientVitals] = {}
        decided: list[tuple[medical_pb2.PatientVitals, list[AlertRecord]]] = []
        trends: list[tuple[str, dict[str, float]]] = []
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
                out.duplicates += 1
                continue
            device_last[vitals.device_id] = (at_us, vitals.seq)
            touched_devices.add(vitals.device_id)
            status, transitions, point = self._decide(snap, vitals, cause_id, at_us)
            statuses[vitals.patient_id] = status
            decided.append((status, transitions))
            if point is not None:
                trends.append((vitals.patient_id, point))
        for pid, status in statuses.items():
            self.store.stage_patient(unit, pid, snaps[pid].observations, snaps[pid].total)
            self.store.stage_status(unit, status)
        for dev in touched_devices:
            self.store.stage_device(unit, dev, device_last[dev])  # type: ignore[arg-type]
        # Events in the order they were decided: a patient's status, then its transitions.
        for status, transitions in decided:
            unit.emit(PATIENT_STATUS, status, status.patient_id)
            for alert in transitions:
                unit.emit(ALERTS, self.store.stage_alert(unit, alert), alert.patient_id)
        for pid in statuses:
            # A hold starting or ending changes the open alert without an event.
            still_open = snaps[pid].open_alert
            if snaps[pid].open_changed_quietly and still_open is not None:
                self.store.stage_open(unit, still_open)
        for pid, point in trends:
            self.store.stage_trend(unit, pid, point, self.trend_keep)
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
        status.meta.event_id = status_event_id(cause_id)
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
        for name in TREND_FIELDS:
            if vitals.HasField(name):
                point[name] = getattr(vitals, name)
        return status, transitions, point
