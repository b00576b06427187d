"""What happens when observation sets arrive: validate, order, score NEWS2, raise or resolve.

Consumer of ``medical.vitals`` (one set per record, from a device) and
``medical.vitals.batches`` (many sets per record, from a ward hub), a poll at a time. A poll's
sets are decided in outbox units of about 200 sets (``zezhou5g.platform.batches.units``): one
round trip reads the state of every patient in a unit, its sets are applied in order in
memory, and one MULTI/EXEC writes the new state with every event to publish. The unit watches
what it read, so a clinician acknowledging meanwhile (or a second consumer during a rebalance)
makes the unit decide again. A hub's record is expanded here, in memory only: set ``j`` of
batch record ``e`` is decided as the event ``derived_id("medical.set", e, j)``.

Which sets are new is decided by the device's order, in the same transaction as their effects:
a set is applied only when its (event time, seq) is after the device's last accepted one. A
redelivered set repeats both and is dropped, whatever its event id — so no per-event "seen" key
is needed (at 1 Hz per patient those would be 600 k keys a week for each patient).

Every accepted set updates the patient's state in Redis. A status *event*
(``medical.patient.status``, which the consoles stream and the records writer keeps in SQL) is
published for a set when its NEWS2 (aggregate, risk, completeness) differs from the last one
published, when it changes an alert, or when ``status_every_s`` has passed since the patient's
last status event; with ``status_every_s`` 0 every set publishes one. The patient's latest
status in Redis (what the API shows) is the last status sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC
from functools import partial

from prometheus_client import Counter
from zezhou5g.medical.v1 import medical_pb2
from zezhou5g.platform.batches import Item, by_record, empty_batches, expand, units
from zezhou5g.platform.events import ConsumedEvent
from zezhou5g.platform.kafka import RejectEvent
from zezhou5g.platform.metrics import EVENTS_DUPLICATE
from zezhou5g.platform.outbox import RedisOutbox, RedisUnit, derived_id
from zezhou5g.platform.validation import present_fields, range_violations

from medical.adapters.patient_store import PatientStore, Snapshot
from medical.domain.alerts import AlertRecord, EscalationPolicy, on_score
from medical.domain.news2 import News2Result, Observation, score
from medical.domain.plausibility import RANGES
from medical.topics import ALERTS, PATIENT_STATUS, VITALS
from medical.wire import RISKS, news2_message, news2_values

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


STATUS_COALESCED = Counter(
    "z5g_medical_status_coalesced_total",
    "Accepted observation sets whose status event was not published (NEWS2 and alerts "
    "unchanged within status_every_s); the patient's latest status in Redis has them")


@dataclass
class _Outcome:
    rejects: list[tuple[Item, str]] = field(default_factory=list)
    duplicates: int = 0
    coalesced: int = 0
    staged: dict[str, tuple[str, Snapshot]] = field(default_factory=dict)


class VitalsIntake:
    """Turns ``VitalSigns`` into ``PatientVitals`` status events and ``Alert`` transitions.

    Args:
        store: patients' state.
        outbox: the service's outbox (units of work, relay).
        policy: alert escalation timeouts and the resolve hold.
        trend_every_s: minimum spacing of stored trend points (s).
        trend_keep: trend points kept per patient.
        status_every_s: longest a patient goes without a status event while its NEWS2 and
            alerts do not change (s); 0: a status event for every accepted set.
    """

    def __init__(self, store: PatientStore, outbox: RedisOutbox, policy: EscalationPolicy,
                 trend_every_s: float = 10.0, trend_keep: int = 360,
                 status_every_s: float = 0.0) -> None:
        self.store = store
        self.outbox = outbox
        self.policy = policy
        self.trend_every_us = int(trend_every_s * 1e6)
        self.trend_keep = trend_keep
        self.status_every_us = int(status_every_s * 1e6)

    def handle(self, event: ConsumedEvent) -> None:
        """One event (tests, tools): :class:`RejectEvent` when it is invalid."""
        rejects = self.handle_batch([event])
        if rejects:
            raise RejectEvent(rejects[0])

    def handle_batch(self, events: list[ConsumedEvent]) -> dict[int, str]:
        """Batch handler for both vitals topics; returns the invalid records' reasons.

        A hub's record with invalid sets is refused whole (:func:`by_record`); its valid sets
        are applied all the same.
        """
        rejects: list[tuple[Item, str]] = []
        valid: list[Item] = []
        for item in expand(events, medical_pb2.VitalSignsBatch, "sets", VITALS, "medical.set",
                           "set"):
            try:
                validate(item.event.message)  # type: ignore[arg-type]
            except RejectEvent as exc:
                rejects.append((item, str(exc)))
                continue
            valid.append(item)
        for unit_items in units(valid):
            outcome = self.outbox.transact(partial(self._apply, items=unit_items))
            self.store.decided(outcome.staged)
            rejects += outcome.rejects
            if outcome.duplicates:
                EVENTS_DUPLICATE.labels("medical", VITALS).inc(outcome.duplicates)
            if outcome.coalesced:
                STATUS_COALESCED.inc(outcome.coalesced)
        return by_record(rejects, empty_batches(events, medical_pb2.VitalSignsBatch, "sets"))

    def _apply(self, unit: RedisUnit, items: list[Item]) -> _Outcome:
        """Decide the batch on the unit's snapshot and stage its state and events."""
        devices: dict[str, set[str]] = {}
        sets = [(item, item.event.message) for item in items]
        for _, v in sets:
            devices.setdefault(v.patient_id, set()).add(v.device_id)  # type: ignore[attr-defined]
        patients = sorted(devices)
        snaps = self.store.watch_and_read(unit, patients, devices)
        out = _Outcome()
        touched: set[str] = set()
        # Each patient's last status sent in this unit: the one stored as its latest.
        statuses: dict[str, medical_pb2.PatientVitals] = {}
        decided: list[tuple[medical_pb2.PatientVitals | None, list[AlertRecord]]] = []
        trends: list[tuple[str, dict[str, float]]] = []
        for item, vitals in sets:
            assert isinstance(vitals, medical_pb2.VitalSigns)
            snap = snaps[vitals.patient_id]
            if snap.patient is None:
                out.rejects.append((item, "patient is not registered with the medical group"))
                continue
            at_us = vitals.meta.event_time.ToMicroseconds()
            last = snap.devices.get(vitals.device_id)
            # Order is (event time, seq): a resend repeats both and a late set is older,
            # so both are dropped; a rebooted device restarts seq at 1 with a newer time.
            if last is not None and (at_us, vitals.seq) <= last:
                out.duplicates += 1
                continue
            snap.devices[vitals.device_id] = (at_us, vitals.seq)
            cause_id = item.event.event_id
            result, transitions, point = self._decide(snap, vitals, cause_id, at_us)
            touched.add(vitals.patient_id)
            if self._publish_status(snap, result, transitions, at_us):
                status = self._status(snap, vitals, result, cause_id)
                statuses[vitals.patient_id] = status
                decided.append((status, transitions))
            else:
                out.coalesced += 1
                decided.append((None, transitions))
            if point is not None:
                trends.append((vitals.patient_id, point))
        out.staged = self.store.stage_states(unit, {pid: snaps[pid] for pid in touched},
                                             list(statuses.values()))
        # Events in the order they were decided: a patient's status, then its transitions.
        for sent, transitions in decided:
            if sent is not None:
                unit.emit(PATIENT_STATUS, sent, sent.patient_id)
            for alert in transitions:
                unit.emit(ALERTS, self.store.stage_alert(unit, alert), alert.patient_id)
        for pid in touched:
            # A hold starting or ending changes the open alert without an event.
            still_open = snaps[pid].open_alert
            if snaps[pid].open_changed_quietly and still_open is not None:
                self.store.stage_open(unit, still_open)
        for pid, point in trends:
            self.store.stage_trend(unit, pid, point, self.trend_keep)
        return out

    def _publish_status(self, snap: Snapshot, result: News2Result,
                        transitions: list[AlertRecord], at_us: int) -> bool:
        """Whether this set's status is sent (see the module), noting it in ``snap`` if so."""
        news2 = (result.aggregate, RISKS[result.risk], result.complete)
        if (self.status_every_us and not transitions and news2 == snap.sent_news2
                and at_us - snap.status_sent_us < self.status_every_us):
            return False
        snap.sent_news2, snap.status_sent_us = news2, at_us
        return True

    def _decide(self, snap: Snapshot, vitals: medical_pb2.VitalSigns, cause_id: str,
                at_us: int) -> tuple[News2Result, list[AlertRecord], dict[str, float] | None]:
        """Apply one set to the in-memory snapshot: NEWS2, alert transitions, trend point."""
        assert snap.patient is not None
        at = vitals.meta.event_time.ToDatetime(tzinfo=UTC)
        for name, value in news2_values(vitals).items():
            if name not in snap.observations or snap.observations[name].at <= at:
                snap.observations[name] = Observation(value, at)
        result = score(snap.observations, at, scale2=snap.patient.spo2_scale2)
        snap.total += 1
        update = on_score(snap.open_alert, patient_id=vitals.patient_id,
                          care_team=snap.patient.care_team, risk=result.risk,
                          aggregate=result.aggregate, at=at, cause_id=cause_id,
                          policy=self.policy)
        transitions = update.transitions
        if not transitions and update.open is not snap.open_alert:
            snap.open_changed_quietly = True
        snap.open_alert = update.open
        if at_us - snap.trend_last_us < self.trend_every_us:
            return result, transitions, None
        snap.trend_last_us = at_us
        point: dict[str, float] = {"at_us": at_us, "news2": result.aggregate}
        for name in TREND_FIELDS:
            if vitals.HasField(name):
                point[name] = getattr(vitals, name)
        return result, transitions, point

    @staticmethod
    def _status(snap: Snapshot, vitals: medical_pb2.VitalSigns, result: News2Result,
                cause_id: str) -> medical_pb2.PatientVitals:
        """The status event of a set (built only for the sets whose status is sent)."""
        assert snap.patient is not None
        status = medical_pb2.PatientVitals(
            patient_id=vitals.patient_id, latest=vitals, observations_total=snap.total,
            news2=news2_message(result), care_team=snap.patient.care_team)
        status.meta.event_id = status_event_id(cause_id)
        status.meta.event_time.CopyFrom(vitals.meta.event_time)
        return status
