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

- ``medical:device:<d>``        hash ``at_us``, ``seq``: the newest set accepted from the device
- ``medical:obs:<p>``           hash parameter → ``{"v": value, "t": ISO-8601 UTC}``
- ``medical:patient:<p>``       latest ``PatientVitals`` (protobuf, base64)
- ``medical:total:<p>``         observation sets accepted
- ``medical:alert:open:<p>``    the open alert (``Alert`` JSON), absent when none
- ``medical:alert:<id>``        every alert's latest transition (``Alert`` JSON), 30 days
- ``medical:alerts:recent``     zset alert id → raised time (epoch s)
- ``medical:alerts:of:<p>``     zset of the patient's alert ids → raised time
- ``medical:alerts:due``        zset alert id → escalation time (epoch s)
- ``medical:trend:<p>``         list of trend points (JSON), newest last
- ``medical:registry``          hash patient id → ``Patient`` JSON (mirrored from SQL)
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime

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
    # The open alert changed without a transition (a hold started or ended): store it.
    open_changed_quietly: bool = False


def _observations(raw: dict[str, str]) -> dict[str, Observation]:
    out = {}
    for name, text in raw.items():
        item = json.loads(text)
        out[name] = Observation(item["v"], datetime.fromisoformat(item["t"]))
    return out


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

    def watch_and_read(self, unit: RedisUnit, patient_ids: list[str], device_ids: list[str]
                       ) -> tuple[dict[str, Snapshot], dict[str, tuple[int, int] | None]]:
        """Everything a batch may change, for these patients and devices, in one round trip.

        Watches first what every accepted set writes (the device's last set, the patient's
        count) and the open alerts (a clinician acknowledging, the escalation loop), so a
        concurrent change makes the unit decide again. Returns the patients' snapshots and
        each device's last accepted (time µs, seq).
        """
        unit.watch(*[_open_key(p) for p in patient_ids], *[_total_key(p) for p in patient_ids],
                   *[_device_key(d) for d in device_ids])
        pipe = unit.read_pipeline()  # one round trip; the watch above covers what it reads
        for pid in patient_ids:
            pipe.hgetall(f"medical:obs:{pid}")
            pipe.hget(REGISTRY, pid)
            pipe.get(_open_key(pid))
            pipe.get(_total_key(pid))
            pipe.lindex(f"medical:trend:{pid}", -1)
        for dev in device_ids:
            pipe.hmget(_device_key(dev), ["at_us", "seq"])
        replies = pipe.execute()
        snaps = {}
        for i, pid in enumerate(patient_ids):
            obs, patient, alert, total, trend = replies[i * 5:i * 5 + 5]
            snaps[pid] = Snapshot(
                observations=_observations(obs),
                patient=None if patient is None else parse_stored(
                    patient, medical_pb2.Patient()),
                open_alert=_alert(alert),
                total=int(total or 0),
                trend_last_us=int(json.loads(trend)["at_us"]) if trend else 0)
        devices: dict[str, tuple[int, int] | None] = {}
        for j, dev in enumerate(device_ids):
            last = replies[len(patient_ids) * 5 + j]
            devices[dev] = None if last[0] is None else (int(last[0]), int(last[1] or 0))
        return snaps, devices

    @staticmethod
    def stage_patient(unit: RedisUnit, patient_id: str,
                      observations: dict[str, Observation], total: int) -> None:
        """Stage the patient's latest parameter values and accepted-set count."""
        w = unit.w
        w.hset(f"medical:obs:{patient_id}", mapping={
            name: json.dumps({"v": o.value, "t": o.at.astimezone(UTC).isoformat()})
            for name, o in observations.items()})
        w.set(_total_key(patient_id), total)

    @staticmethod
    def stage_device(unit: RedisUnit, device_id: str, last: tuple[int, int]) -> None:
        """Stage the device's newest accepted (time µs, seq)."""
        unit.w.hset(_device_key(device_id), mapping={"at_us": last[0], "seq": last[1]})

    @staticmethod
    def stage_status(unit: RedisUnit, status: medical_pb2.PatientVitals) -> None:
        """Stage the latest status of the patient.

        Binary protobuf in base64: JSON is too slow to write thousands of times a second.
        """
        unit.w.set(f"medical:patient:{status.patient_id}",
                   base64.b64encode(status.SerializeToString()).decode())

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
            pipe.get(f"medical:patient:{p.patient_id}")
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
