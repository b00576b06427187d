"""The medical service's hot state in Redis, written atomically with its outgoing events.

Everything one observation set changes — the device's last (time, seq), the patient's latest
parameter values, the status, the open alert, the trend — is written in one MULTI/EXEC together
with the events to publish (the outbox). A crash before EXEC changes nothing, so the replayed
event is processed afresh; a crash after it leaves the events in the outbox, which is published
again at start-up with the same event ids. Nothing is lost and nothing is decided twice.

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
- ``medical:outbox``            hash event id → ``topic \\t key \\t base64 payload``
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

from medical.domain.alerts import AlertRecord
from medical.domain.news2 import Observation
from medical.topics import ALERTS
from medical.wire import alert_message, alert_record

ALERT_TTL_S = 30 * 24 * 3600
OUTBOX = "medical:outbox"


def open_alert_key(patient_id: str) -> str:
    """Key of the patient's open alert."""
    return f"medical:alert:open:{patient_id}"


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


class Outbox:
    """Events staged in the same transaction as the state they describe."""

    @staticmethod
    def stage(pipe: redis.client.Pipeline, topic: str, key: str, message: Message) -> None:
        """Queue ``message`` (its ``meta.event_id`` already set) in the transaction."""
        payload = base64.b64encode(message.SerializeToString()).decode()
        pipe.hset(OUTBOX, message.meta.event_id, f"{topic}\t{key}\t{payload}")  # type: ignore[attr-defined]

    @staticmethod
    def decode(entry: str, classes: dict[str, type[Message]]) -> tuple[str, str, Message]:
        """``(topic, key, message)`` of a stored entry."""
        topic, key, payload = entry.split("\t", 2)
        return topic, key, classes[topic].FromString(base64.b64decode(payload))


class PatientState:
    """Reads and atomically writes the state of patients, alerts and devices."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    def registry(self, patient_id: str) -> medical_pb2.Patient | None:
        """The registered patient, or None."""
        raw = self.client.hget("medical:registry", patient_id)
        return None if raw is None else json_format.Parse(str(raw), medical_pb2.Patient())

    def all_registered(self) -> list[medical_pb2.Patient]:
        """Every registered patient, by id."""
        raw = self.client.hgetall("medical:registry")
        return [json_format.Parse(v, medical_pb2.Patient())
                for _, v in sorted(raw.items())]  # type: ignore[union-attr]

    def register(self, patients: list[medical_pb2.Patient]) -> None:
        """Mirror registered patients (from SQL) into Redis."""
        if patients:
            self.client.hset("medical:registry",
                             mapping={p.patient_id: _json(p) for p in patients})

    def snapshots(self, patient_ids: list[str], device_ids: list[str]
                  ) -> tuple[dict[str, Snapshot], dict[str, tuple[int, int] | None]]:
        """Everything a batch may change, for these patients and devices, in one round trip.

        Returns the patients' snapshots and each device's last accepted (time µs, seq).
        """
        pipe = self.client.pipeline(transaction=False)
        for pid in patient_ids:
            pipe.hgetall(f"medical:obs:{pid}")
            pipe.hget("medical:registry", pid)
            pipe.get(open_alert_key(pid))
            pipe.get(f"medical:total:{pid}")
            pipe.lindex(f"medical:trend:{pid}", -1)
        for dev in device_ids:
            pipe.hmget(f"medical:device:{dev}", ["at_us", "seq"])
        replies = pipe.execute()
        snaps = {}
        for i, pid in enumerate(patient_ids):
            obs, patient, alert, total, trend = replies[i * 5:i * 5 + 5]
            snaps[pid] = Snapshot(
                observations=_observations(obs),
                patient=None if patient is None else json_format.Parse(
                    patient, medical_pb2.Patient()),
                open_alert=None if alert is None else alert_record(
                    json_format.Parse(alert, medical_pb2.Alert())),
                total=int(total or 0),
                trend_last_us=int(json.loads(trend)["at_us"]) if trend else 0)
        devices: dict[str, tuple[int, int] | None] = {}
        for j, dev in enumerate(device_ids):
            last = replies[len(patient_ids) * 5 + j]
            devices[dev] = None if last[0] is None else (int(last[0]), int(last[1] or 0))
        return snaps, devices

    def status(self, patient_id: str) -> medical_pb2.PatientVitals | None:
        """The patient's latest status."""
        (summary,) = self.summaries([medical_pb2.Patient(patient_id=patient_id)])
        return summary.status if summary.HasField("status") else None

    def summaries(self, patients: list[medical_pb2.Patient]) -> list[medical_pb2.PatientSummary]:
        """Each patient with their latest status and open alert, in one round trip."""
        pipe = self.client.pipeline(transaction=False)
        for p in patients:
            pipe.get(f"medical:patient:{p.patient_id}")
            pipe.get(open_alert_key(p.patient_id))
        replies = pipe.execute()
        out = []
        for i, p in enumerate(patients):
            status, alert = replies[2 * i:2 * i + 2]
            summary = medical_pb2.PatientSummary(patient=p)
            if status is not None:
                summary.status.ParseFromString(base64.b64decode(str(status)))
            if alert is not None:
                json_format.Parse(str(alert), summary.alert)
            out.append(summary)
        return out

    def get_alert(self, alert_id: str) -> AlertRecord | None:
        """An alert's latest transition."""
        raw = self.client.get(f"medical:alert:{alert_id}")
        return None if raw is None else alert_record(json_format.Parse(str(raw),
                                                                       medical_pb2.Alert()))

    def open_alert(self, patient_id: str) -> AlertRecord | None:
        """The patient's open alert."""
        raw = self.client.get(open_alert_key(patient_id))
        return None if raw is None else alert_record(json_format.Parse(str(raw),
                                                                       medical_pb2.Alert()))

    def recent_alerts(self, limit: int = 200,
                      patient_id: str | None = None) -> list[medical_pb2.Alert]:
        """Latest transition of the most recently raised alerts (of one patient), newest first."""
        key = f"medical:alerts:of:{patient_id}" if patient_id else "medical:alerts:recent"
        ids = [str(i) for i in self.client.zrevrange(key, 0, limit - 1)]  # type: ignore[union-attr]
        if not ids:
            return []
        raws = self.client.mget([f"medical:alert:{i}" for i in ids])
        return [json_format.Parse(r, medical_pb2.Alert()) for r in raws if r]  # type: ignore[union-attr]

    def due_alerts(self, now: datetime) -> list[str]:
        """Ids of alerts whose escalation time has passed."""
        return [str(i) for i in self.client.zrangebyscore("medical:alerts:due", 0,
                                                          now.timestamp())]

    def trend(self, patient_id: str) -> list[dict[str, float]]:
        """Trend points of the patient, oldest first."""
        return [json.loads(x) for x in self.client.lrange(f"medical:trend:{patient_id}", 0, -1)]  # type: ignore[union-attr]

    @staticmethod
    def stage_alert(pipe: redis.client.Pipeline, alert: AlertRecord) -> medical_pb2.Alert:
        """Queue an alert transition: its record, the open pointer, the due set, the outbox."""
        msg = alert_message(alert)
        text = _json(msg)
        pipe.set(f"medical:alert:{alert.alert_id}", text, ex=ALERT_TTL_S)
        if alert.version == 1:
            raised = {alert.alert_id: alert.raised_at.timestamp()}
            pipe.zadd("medical:alerts:recent", raised)
            pipe.zremrangebyrank("medical:alerts:recent", 0, -2001)
            pipe.zadd(f"medical:alerts:of:{alert.patient_id}", raised)
            pipe.zremrangebyrank(f"medical:alerts:of:{alert.patient_id}", 0, -201)
        if alert.is_open:
            pipe.set(open_alert_key(alert.patient_id), text)
        else:
            pipe.delete(open_alert_key(alert.patient_id))
        if alert.escalate_at is not None:
            pipe.zadd("medical:alerts:due", {alert.alert_id: alert.escalate_at.timestamp()})
        else:
            pipe.zrem("medical:alerts:due", alert.alert_id)
        Outbox.stage(pipe, ALERTS, alert.patient_id, msg)
        return msg

    @staticmethod
    def stage_open(pipe: redis.client.Pipeline, alert: AlertRecord) -> None:
        """Queue the open alert's state without publishing anything (no transition)."""
        pipe.set(open_alert_key(alert.patient_id), _json(alert_message(alert)))

    @staticmethod
    def stage_patient(pipe: redis.client.Pipeline, patient_id: str,
                      observations: dict[str, Observation], total: int) -> None:
        """Queue the patient's latest parameter values and accepted-set count."""
        pipe.hset(f"medical:obs:{patient_id}", mapping={
            name: json.dumps({"v": o.value, "t": o.at.astimezone(UTC).isoformat()})
            for name, o in observations.items()})
        pipe.set(f"medical:total:{patient_id}", total)

    @staticmethod
    def stage_device(pipe: redis.client.Pipeline, device_id: str, last: tuple[int, int]) -> None:
        """Queue the device's newest accepted (time µs, seq)."""
        pipe.hset(f"medical:device:{device_id}", mapping={"at_us": last[0], "seq": last[1]})

    @staticmethod
    def stage_status(pipe: redis.client.Pipeline, status: medical_pb2.PatientVitals) -> None:
        """Queue the latest status of the patient.

        Binary protobuf in base64: JSON is too slow to write thousands of times a second.
        """
        pipe.set(f"medical:patient:{status.patient_id}",
                 base64.b64encode(status.SerializeToString()).decode())

    @staticmethod
    def stage_trend(pipe: redis.client.Pipeline, patient_id: str, point: dict[str, float],
                    keep: int) -> None:
        """Append a trend point, keeping the newest ``keep``."""
        key = f"medical:trend:{patient_id}"
        pipe.rpush(key, json.dumps(point, separators=(",", ":")))
        pipe.ltrim(key, -keep, -1)
