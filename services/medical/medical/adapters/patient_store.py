"""The medical service's hot state in Redis: patients, their devices, alerts and trends.

The store is the only place that knows the keys. Writes go into an outbox unit
(:class:`~zezhou5g.platform.outbox.RedisUnit`): everything one observation set changes — the
device's last (time, seq), the patient's latest parameter values, the status, the open alert,
the trend — commits in one MULTI/EXEC together with the events the use case staged. A crash
before EXEC changes nothing, so the redelivered event is processed afresh; a crash after it
leaves the events in the outbox (``medical:outbox``, owned by the platform's
:class:`~zezhou5g.platform.outbox.RedisOutbox`), which publishes them again at start-up with the
same event ids.

Keys (``<p>`` patient id, ``<d>`` device id):

- ``medical:state:<p>``         ``PatientState`` (binary protobuf): the latest value of each
  parameter, the sets accepted, each device's newest (time, seq), the last trend point's time
  and the last status event sent — what deciding the next set needs, one value per patient
- ``medical:patient:<p>``       latest ``PatientVitals`` (protobuf, base64)
- ``medical:alert:open:<p>``    the open alert (``Alert`` JSON), absent when none
- ``medical:alert:<id>``        every alert's latest transition (``Alert`` JSON), 30 days
- ``medical:alerts:recent``     zset alert id → raised time (epoch s)
- ``medical:alerts:of:<p>``     zset of the patient's alert ids → raised time
- ``medical:alerts:due``        zset alert id → escalation time (epoch s)
- ``medical:trend:<p>``         list of trend points (JSON), newest last
- ``medical:registry``          hash patient id → ``Patient`` JSON (mirrored from SQL)

Versions before ``medical:state`` kept the same facts in ``medical:obs:<p>`` (hash parameter →
JSON), ``medical:total:<p>`` and ``medical:device:<d>``; a patient without a state value is read
from those once (:meth:`PatientStore.watch_and_read`), so an upgrade keeps counts and device order.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import redis
from google.protobuf import json_format
from google.protobuf.message import Message
from zezhou5g.medical.v1 import medical_pb2
from zezhou5g.platform.outbox import RedisUnit
from zezhou5g.platform.stored import Replaced, parse_stored

from medical.domain.alerts import AlertRecord
from medical.domain.news2 import Observation
from medical.wire import alert_message, alert_record

ALERT_TTL_S = 30 * 24 * 3600
REGISTRY = "medical:registry"
RECENT = "medical:alerts:recent"
DUE = "medical:alerts:due"

# A client for reads: the store's own, or a unit's (``unit.r``).
Reader = redis.Redis | redis.client.Pipeline


def _open_key(patient_id: str) -> str:
    return f"medical:alert:open:{patient_id}"


def _total_key(patient_id: str) -> str:
    return f"medical:total:{patient_id}"


def _status_key(patient_id: str) -> str:
    return f"medical:patient:{patient_id}"


def _device_key(device_id: str) -> str:
    return f"medical:device:{device_id}"


@dataclass
class Snapshot:
    """What processing observation sets of one patient needs to know."""

    observations: dict[str, Observation]
    patient: medical_pb2.Patient | None
    open_alert: AlertRecord | None
    total: int
    trend_last_us: int
    # Device id -> its newest accepted (event time µs, seq).
    devices: dict[str, tuple[int, int]] = field(default_factory=dict)
    # The last status event sent: event time µs, (aggregate, risk code, complete).
    status_sent_us: int = 0
    sent_news2: tuple[int, medical_pb2.ClinicalRisk, bool] | None = None
    # The open alert changed without a transition (a hold started or ended): store it.
    open_changed_quietly: bool = False


def _observations(raw: dict[str, str]) -> dict[str, Observation]:
    """Parameter values as versions before ``medical:state`` stored them (JSON per field)."""
    out = {}
    for name, text in raw.items():
        item = json.loads(text)
        out[name] = Observation(item["v"], datetime.fromisoformat(item["t"]))
    return out


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _from_us(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


def _to_us(at: datetime) -> int:
    return (at - _EPOCH) // timedelta(microseconds=1)


def _state_key(patient_id: str) -> str:
    return f"medical:state:{patient_id}"


def _snapshot_of(state: medical_pb2.PatientState) -> Snapshot:
    """The parts of a stored state that deciding needs (patient and alert filled in after)."""
    observations = {}
    for name, o in state.observations.items():
        kind = o.WhichOneof("value")
        value: float | bool | str = getattr(o, kind) if kind else 0.0
        observations[name] = Observation(value, _from_us(o.at_us))
    snap = Snapshot(observations, None, None, state.total, state.trend_last_us,
                    {d: (o.at_us, o.seq) for d, o in state.devices.items()},
                    state.status_sent_us)
    if state.status_sent_us:
        snap.sent_news2 = (state.sent_aggregate, state.sent_risk, state.sent_complete)
    return snap


def _state_of(snap: Snapshot) -> medical_pb2.PatientState:
    state = medical_pb2.PatientState(total=snap.total, trend_last_us=snap.trend_last_us,
                                     status_sent_us=snap.status_sent_us)
    for name, o in snap.observations.items():
        stored = state.observations[name]
        if isinstance(o.value, bool):
            stored.flag = o.value
        elif isinstance(o.value, str):
            stored.level = o.value
        else:
            stored.number = o.value
        stored.at_us = _to_us(o.at)
    for dev, (at_us, seq) in snap.devices.items():
        state.devices[dev].at_us, state.devices[dev].seq = at_us, seq
    if snap.sent_news2 is not None:
        state.sent_aggregate, state.sent_risk, state.sent_complete = snap.sent_news2
    return state


def _json(message: Message) -> str:
    return json_format.MessageToJson(message, indent=None)


# Alert fields of versions before the codes (issue 12): "risk" was the band as a string,
# "reason" a sentence (its code cannot be recovered from it, so it is dropped).
_ALERT_REPLACED = {
    "risk": Replaced("clinicalRisk", {
        "low": "CLINICAL_RISK_LOW", "low-medium": "CLINICAL_RISK_LOW_MEDIUM",
        "medium": "CLINICAL_RISK_MEDIUM", "high": "CLINICAL_RISK_HIGH"}),
    "reason": Replaced("why"),
}


def parse_alert(raw: object) -> medical_pb2.Alert:
    """A stored open alert, also one an older version wrote."""
    return parse_stored(str(raw), medical_pb2.Alert(), _ALERT_REPLACED)


def _alert(raw: object) -> AlertRecord | None:
    return None if raw is None else alert_record(parse_alert(raw))


class PatientStore:
    """Reads and stages (in an outbox unit) the state of patients, alerts and devices.

    Read methods take an optional ``r``: a unit's reader inside a transaction (so the unit's
    watched keys cover the read), the store's own client otherwise.
    """

    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        # Registry JSON -> parsed patient: the registry is read with every batch, rarely changes.
        self._registered: dict[str, medical_pb2.Patient] = {}
        # Patient -> (state value this process committed, the snapshot it came from).
        self._decided: dict[str, tuple[str, Snapshot]] = {}

    # --- registry ---------------------------------------------------------------------------

    def registry(self, patient_id: str, r: Reader | None = None) -> medical_pb2.Patient | None:
        """The registered patient, or None."""
        raw = (r or self.client).hget(REGISTRY, patient_id)
        return None if raw is None else parse_stored(str(raw), medical_pb2.Patient())

    def all_registered(self) -> list[medical_pb2.Patient]:
        """Every registered patient, by id."""
        raw = self.client.hgetall(REGISTRY)
        return [parse_stored(v, medical_pb2.Patient())
                for _, v in sorted(raw.items())]  # type: ignore[union-attr]

    def register(self, patients: list[medical_pb2.Patient]) -> None:
        """Mirror registered patients (from SQL) into Redis (start-up, tests)."""
        if patients:
            self.client.hset(REGISTRY, mapping={p.patient_id: _json(p) for p in patients})

    @staticmethod
    def stage_registered(unit: RedisUnit, patients: list[medical_pb2.Patient]) -> None:
        """Stage changed registrations (e.g. a patient put on SpO2 scale 2)."""
        if patients:
            unit.w.hset(REGISTRY, mapping={p.patient_id: _json(p) for p in patients})

    # --- one batch of observation sets ------------------------------------------------------

    def watch_and_read(self, unit: RedisUnit, patient_ids: list[str],
                       device_ids: dict[str, set[str]]) -> dict[str, Snapshot]:
        """Everything a batch may change, for these patients, in one round trip.

        Watches first what every accepted set writes (the patient's state) and the open alerts
        (a clinician acknowledging, the escalation loop), so a concurrent change makes the unit
        decide again. ``device_ids`` names each patient's devices in the batch: a patient
        without a state value yet is read from the keys of earlier versions, once.
        """
        open_keys = [_open_key(p) for p in patient_ids]
        state_keys = [_state_key(p) for p in patient_ids]
        unit.watch(*open_keys, *state_keys)
        # One round trip of three commands, whatever the batch's size: a command per key
        # would cost more in redis-py than deciding the set itself.
        pipe = unit.read_pipeline()  # the watch above covers what it reads
        pipe.mget(state_keys)
        pipe.hmget(REGISTRY, patient_ids)
        pipe.mget(open_keys)
        states, registered, alerts = pipe.execute()
        snaps: dict[str, Snapshot] = {}
        missing = []
        for pid, state, patient, alert in zip(patient_ids, states, registered, alerts,
                                              strict=True):
            if state is None:
                missing.append(pid)
                snap = Snapshot({}, None, None, 0, 0)
            else:
                # The value this process wrote last for the patient: reuse what it decided
                # (taken out, so a unit decided again reads it afresh).
                known = self._decided.pop(pid, None)
                if known is not None and known[0] == state:
                    snap = known[1]
                    snap.open_changed_quietly = False
                else:
                    snap = _snapshot_of(medical_pb2.PatientState.FromString(
                        base64.b64decode(state)))
            snap.patient = None if patient is None else self._patient(patient)
            snap.open_alert = _alert(alert)
            snaps[pid] = snap
        if missing:
            self._read_before_state(unit, missing, device_ids, snaps)
        return snaps

    def _patient(self, raw: str) -> medical_pb2.Patient:
        """The registered patient from its stored JSON, parsed once per distinct value."""
        patient = self._registered.get(raw)
        if patient is None:
            if len(self._registered) > 50_000:
                self._registered.clear()
            patient = self._registered[raw] = parse_stored(raw, medical_pb2.Patient())
        return patient

    @staticmethod
    def _read_before_state(unit: RedisUnit, patient_ids: list[str],
                           device_ids: dict[str, set[str]], snaps: dict[str, Snapshot]) -> None:
        """Fill in patients without a state value from the keys of earlier versions.

        Parameter values, count, last trend point and device order; none for a new patient.
        """
        pipe = unit.read_pipeline()
        devices = {pid: sorted(device_ids.get(pid, ())) for pid in patient_ids}
        for pid in patient_ids:
            pipe.hgetall(f"medical:obs:{pid}")
            pipe.get(_total_key(pid))
            pipe.lindex(f"medical:trend:{pid}", -1)
            for dev in devices[pid]:
                pipe.hmget(_device_key(dev), ["at_us", "seq"])
        replies = iter(pipe.execute())
        for pid in patient_ids:
            snap = snaps[pid]
            snap.observations = _observations(next(replies))
            snap.total = int(next(replies) or 0)
            trend = next(replies)
            snap.trend_last_us = int(json.loads(trend)["at_us"]) if trend else 0
            for dev in devices[pid]:
                last = next(replies)
                if last[0] is not None:
                    snap.devices[dev] = (int(last[0]), int(last[1] or 0))

    @staticmethod
    def stage_states(unit: RedisUnit, snaps: dict[str, Snapshot],
                     statuses: list[medical_pb2.PatientVitals]) -> dict[str, tuple[str, Snapshot]]:
        """Stage the patients' state and latest status after a batch, in one command.

        Returns each patient's staged state value with its snapshot, for :meth:`decided`
        once the unit committed.
        """
        staged = {pid: (base64.b64encode(_state_of(snap).SerializeToString()).decode(), snap)
                  for pid, snap in snaps.items()}
        values = {_state_key(pid): raw for pid, (raw, _) in staged.items()}
        values |= {_status_key(s.patient_id): base64.b64encode(s.SerializeToString()).decode()
                   for s in statuses}
        if values:
            unit.w.mset(values)  # type: ignore[arg-type]
        return staged

    def decided(self, staged: dict[str, tuple[str, Snapshot]]) -> None:
        """Keep the snapshots of a committed unit, to use instead of parsing the same values.

        The next unit that reads exactly the value staged here (nobody wrote it since) takes
        the snapshot (see :meth:`watch_and_read`).
        """
        if len(self._decided) > 50_000:
            self._decided.clear()
        self._decided.update(staged)

    def total(self, patient_id: str) -> int:
        """Observation sets accepted for the patient."""
        raw = self.client.get(_state_key(patient_id))
        if raw is None:
            return int(self.client.get(_total_key(patient_id)) or 0)  # type: ignore[arg-type]
        return medical_pb2.PatientState.FromString(base64.b64decode(raw)).total  # type: ignore[arg-type]

    @staticmethod
    def stage_trend(unit: RedisUnit, patient_id: str, point: dict[str, float],
                    keep: int) -> None:
        """Stage a trend point, keeping the newest ``keep``."""
        key = f"medical:trend:{patient_id}"
        w = unit.w
        w.rpush(key, json.dumps(point, separators=(",", ":")))
        w.ltrim(key, -keep, -1)

    # --- alerts -----------------------------------------------------------------------------

    def watch_open_alert(self, unit: RedisUnit, patient_id: str) -> AlertRecord | None:
        """Watch the patient's open alert, then read it (a change meanwhile: decide again)."""
        unit.watch(_open_key(patient_id))
        return self.open_alert(patient_id, unit.r)

    @staticmethod
    def stage_alert(unit: RedisUnit, alert: AlertRecord) -> medical_pb2.Alert:
        """Stage an alert transition: its record, the open pointer, the indexes, the due set.

        Returns the wire message for the use case to emit.
        """
        msg = alert_message(alert)
        text = _json(msg)
        w = unit.w
        w.set(f"medical:alert:{alert.alert_id}", text, ex=ALERT_TTL_S)
        if alert.version == 1:
            raised = {alert.alert_id: alert.raised_at.timestamp()}
            w.zadd(RECENT, raised)
            w.zremrangebyrank(RECENT, 0, -2001)
            w.zadd(f"medical:alerts:of:{alert.patient_id}", raised)
            w.zremrangebyrank(f"medical:alerts:of:{alert.patient_id}", 0, -201)
        if alert.is_open:
            w.set(_open_key(alert.patient_id), text)
        else:
            w.delete(_open_key(alert.patient_id))
        if alert.escalate_at is not None:
            w.zadd(DUE, {alert.alert_id: alert.escalate_at.timestamp()})
        else:
            w.zrem(DUE, alert.alert_id)
        return msg

    @staticmethod
    def stage_open(unit: RedisUnit, alert: AlertRecord) -> None:
        """Stage the open alert's state without a transition (a resolve hold started/ended)."""
        unit.w.set(_open_key(alert.patient_id), _json(alert_message(alert)))

    @staticmethod
    def stage_not_due(unit: RedisUnit, alert_id: str) -> None:
        """Stage dropping an alert that is no longer open from the escalation schedule."""
        unit.w.zrem(DUE, alert_id)

    def get_alert(self, alert_id: str, r: Reader | None = None) -> AlertRecord | None:
        """An alert's latest transition."""
        return _alert((r or self.client).get(f"medical:alert:{alert_id}"))

    def open_alert(self, patient_id: str, r: Reader | None = None) -> AlertRecord | None:
        """The patient's open alert."""
        return _alert((r or self.client).get(_open_key(patient_id)))

    def due_alerts(self, now: datetime) -> list[str]:
        """Ids of alerts whose escalation time has passed."""
        return [str(i) for i in self.client.zrangebyscore(DUE, 0, now.timestamp())]

    def recent_alerts(self, limit: int = 200,
                      patient_id: str | None = None) -> list[medical_pb2.Alert]:
        """Latest transition of the most recently raised alerts (of one patient), newest first."""
        key = f"medical:alerts:of:{patient_id}" if patient_id else RECENT
        ids = [str(i) for i in self.client.zrevrange(key, 0, limit - 1)]  # type: ignore[union-attr]
        if not ids:
            return []
        raws = self.client.mget([f"medical:alert:{i}" for i in ids])
        return [parse_alert(r) for r in raws if r]  # type: ignore[union-attr]

    # --- reads for the API ------------------------------------------------------------------

    def status(self, patient_id: str) -> medical_pb2.PatientVitals | None:
        """The patient's latest status."""
        (summary,) = self.summaries([medical_pb2.Patient(patient_id=patient_id)])
        return summary.status if summary.HasField("status") else None

    def summaries(self, patients: list[medical_pb2.Patient]) -> list[medical_pb2.PatientSummary]:
        """Each patient with their latest status and open alert, in one round trip."""
        pipe = self.client.pipeline(transaction=False)
        for p in patients:
            pipe.get(_status_key(p.patient_id))
            pipe.get(_open_key(p.patient_id))
        replies = pipe.execute()
        out = []
        for i, p in enumerate(patients):
            status, alert = replies[2 * i:2 * i + 2]
            summary = medical_pb2.PatientSummary(patient=p)
            if status is not None:
                summary.status.ParseFromString(base64.b64decode(str(status)))
            if alert is not None:
                summary.alert.CopyFrom(parse_alert(alert))
            out.append(summary)
        return out

    def trend(self, patient_id: str) -> list[dict[str, float]]:
        """Trend points of the patient, oldest first."""
        return [json.loads(x) for x in self.client.lrange(f"medical:trend:{patient_id}", 0, -1)]  # type: ignore[union-attr]
