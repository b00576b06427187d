"""Translation between domain objects and the wire (protobuf) messages of the medical service."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp
from zezhou5g.medical.v1 import medical_pb2

from medical.domain.alerts import ACKNOWLEDGED, RAISED, RESOLVED, AlertRecord
from medical.domain.news2 import News2Result

CONSCIOUSNESS = {
    medical_pb2.CONSCIOUSNESS_ALERT: "alert", medical_pb2.CONSCIOUSNESS_CONFUSION: "confusion",
    medical_pb2.CONSCIOUSNESS_VOICE: "voice", medical_pb2.CONSCIOUSNESS_PAIN: "pain",
    medical_pb2.CONSCIOUSNESS_UNRESPONSIVE: "unresponsive",
}
NUMERIC = ("resp_rate_per_min", "spo2_pct", "systolic_mmhg", "heart_rate_bpm", "temperature_c")
_STATES = {RAISED: medical_pb2.ALERT_STATE_RAISED,
           ACKNOWLEDGED: medical_pb2.ALERT_STATE_ACKNOWLEDGED,
           RESOLVED: medical_pb2.ALERT_STATE_RESOLVED}
_STATE_NAMES = {v: k for k, v in _STATES.items()}


def news2_values(vitals: medical_pb2.VitalSigns) -> dict[str, float | bool | str]:
    """The NEWS2 parameters present in one observation set, by NEWS2 parameter name."""
    values: dict[str, float | bool | str] = {
        name: getattr(vitals, name) for name in NUMERIC if vitals.HasField(name)}
    if vitals.HasField("on_oxygen"):
        values["on_oxygen"] = vitals.on_oxygen
    if vitals.consciousness in CONSCIOUSNESS:
        values["consciousness"] = CONSCIOUSNESS[vitals.consciousness]
    return values


def news2_message(result: News2Result) -> medical_pb2.News2:
    """Wire form of a NEWS2 result."""
    levels = list(CONSCIOUSNESS.values())
    return medical_pb2.News2(
        aggregate=result.aggregate, risk=result.risk, single_parameter_3=result.single_parameter_3,
        complete=result.complete, missing=list(result.missing), spo2_scale=result.scale,
        monitoring=result.monitoring, response=result.response,
        parameters=[medical_pb2.News2Parameter(
            parameter=p.parameter, points=p.points,
            value=float(levels.index(p.value)) if isinstance(p.value, str) else float(p.value))
            for p in result.breakdown])


def _ts(at: datetime | None) -> Timestamp | None:
    if at is None:
        return None
    ts = Timestamp()
    ts.FromDatetime(at)
    return ts


def _dt(ts: Timestamp, present: bool) -> datetime | None:
    return ts.ToDatetime(tzinfo=UTC) if present else None


def alert_message(alert: AlertRecord) -> medical_pb2.Alert:
    """Wire form of an alert; ``meta.event_id`` is the transition's deterministic id."""
    msg = medical_pb2.Alert(
        alert_id=alert.alert_id, patient_id=alert.patient_id, care_team=alert.care_team,
        risk=alert.risk, news2_aggregate=alert.aggregate, state=_STATES[alert.state],
        escalation_level=alert.level, routed_to=alert.routed_to, reason=alert.reason,
        acknowledged_by=alert.acknowledged_by, version=alert.version,
        raised_at=_ts(alert.raised_at), escalate_at=_ts(alert.escalate_at),
        acknowledged_at=_ts(alert.acknowledged_at), resolved_at=_ts(alert.resolved_at),
        band_lower_since=_ts(alert.band_lower_since))
    msg.meta.event_id = alert.transition_id
    msg.meta.event_time.FromDatetime(alert.changed_at)
    return msg


def alert_record(msg: medical_pb2.Alert) -> AlertRecord:
    """Domain form of a wire alert."""
    return AlertRecord(
        alert_id=msg.alert_id, patient_id=msg.patient_id, care_team=msg.care_team,
        risk=msg.risk, aggregate=msg.news2_aggregate, state=_STATE_NAMES[msg.state],
        level=msg.escalation_level, routed_to=msg.routed_to,
        raised_at=msg.raised_at.ToDatetime(tzinfo=UTC),
        escalate_at=_dt(msg.escalate_at, msg.HasField("escalate_at")), reason=msg.reason,
        changed_at=msg.meta.event_time.ToDatetime(tzinfo=UTC),
        version=msg.version, acknowledged_by=msg.acknowledged_by,
        acknowledged_at=_dt(msg.acknowledged_at, msg.HasField("acknowledged_at")),
        resolved_at=_dt(msg.resolved_at, msg.HasField("resolved_at")),
        band_lower_since=_dt(msg.band_lower_since, msg.HasField("band_lower_since")))
