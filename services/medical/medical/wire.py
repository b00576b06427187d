"""Translation between domain objects and the wire (protobuf) messages of the medical service."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp
from zezhou5g.medical.v1 import medical_pb2

from medical.domain import alerts
from medical.domain.alerts import ACKNOWLEDGED, RAISED, RESOLVED, AlertRecord, Reason
from medical.domain.news2 import Monitoring, News2Result, Response

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
# Domain values -> the codes of the wire; pages translate the codes (js/medical/i18n.js).
RISKS = {"low": medical_pb2.CLINICAL_RISK_LOW,
         "low-medium": medical_pb2.CLINICAL_RISK_LOW_MEDIUM,
         "medium": medical_pb2.CLINICAL_RISK_MEDIUM, "high": medical_pb2.CLINICAL_RISK_HIGH}
RISK_NAMES: dict[int, str] = {v: k for k, v in RISKS.items()}
MONITORING = {
    Monitoring.EVERY_12_H: medical_pb2.MONITORING_FREQUENCY_EVERY_12_H,
    Monitoring.EVERY_4_TO_6_H: medical_pb2.MONITORING_FREQUENCY_EVERY_4_TO_6_H,
    Monitoring.EVERY_1_H: medical_pb2.MONITORING_FREQUENCY_EVERY_1_H,
    Monitoring.CONTINUOUS: medical_pb2.MONITORING_FREQUENCY_CONTINUOUS,
}
RESPONSES = {
    Response.ROUTINE: medical_pb2.CLINICAL_RESPONSE_ROUTINE,
    Response.NURSE_ASSESSMENT: medical_pb2.CLINICAL_RESPONSE_NURSE_ASSESSMENT,
    Response.URGENT_WARD: medical_pb2.CLINICAL_RESPONSE_URGENT_WARD,
    Response.URGENT: medical_pb2.CLINICAL_RESPONSE_URGENT,
    Response.EMERGENCY: medical_pb2.CLINICAL_RESPONSE_EMERGENCY,
}
REASONS = {
    alerts.BAND_ROSE: medical_pb2.ALERT_REASON_CODE_BAND_ROSE,
    alerts.SUPERSEDED: medical_pb2.ALERT_REASON_CODE_SUPERSEDED,
    alerts.BAND_FELL: medical_pb2.ALERT_REASON_CODE_BAND_FELL,
    alerts.ACKNOWLEDGED_BY: medical_pb2.ALERT_REASON_CODE_ACKNOWLEDGED,
    alerts.ESCALATED: medical_pb2.ALERT_REASON_CODE_ESCALATED,
}
REASON_NAMES = {v: k for k, v in REASONS.items()}


def risk_name(code: int) -> str:
    """The domain's name of a wire risk band ("low" … "high"); "" when unset."""
    return RISK_NAMES.get(code, "")


def reason_message(reason: Reason) -> medical_pb2.AlertReason:
    """Wire form of why an alert transition happened."""
    return medical_pb2.AlertReason(
        code=REASONS.get(reason.code, medical_pb2.ALERT_REASON_CODE_UNSPECIFIED),
        risk=RISKS.get(reason.risk, medical_pb2.CLINICAL_RISK_UNSPECIFIED),
        news2_aggregate=reason.aggregate, waited_s=reason.waited_s)


def reason_of(msg: medical_pb2.AlertReason) -> Reason:
    """Domain form of a wire alert reason."""
    return Reason(REASON_NAMES.get(msg.code, ""), risk=risk_name(msg.risk),
                  aggregate=msg.news2_aggregate, waited_s=msg.waited_s)


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
        aggregate=result.aggregate, clinical_risk=RISKS[result.risk],
        single_parameter_3=result.single_parameter_3,
        complete=result.complete, missing=list(result.missing), spo2_scale=result.scale,
        monitoring_frequency=MONITORING[result.monitoring],
        clinical_response=RESPONSES[result.response],
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
        clinical_risk=RISKS[alert.risk], news2_aggregate=alert.aggregate,
        state=_STATES[alert.state], escalation_level=alert.level, routed_to=alert.routed_to,
        why=reason_message(alert.reason),
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
        risk=risk_name(msg.clinical_risk), aggregate=msg.news2_aggregate,
        state=_STATE_NAMES[msg.state],
        level=msg.escalation_level, routed_to=msg.routed_to,
        raised_at=msg.raised_at.ToDatetime(tzinfo=UTC),
        escalate_at=_dt(msg.escalate_at, msg.HasField("escalate_at")),
        reason=reason_of(msg.why),
        changed_at=msg.meta.event_time.ToDatetime(tzinfo=UTC),
        version=msg.version, acknowledged_by=msg.acknowledged_by,
        acknowledged_at=_dt(msg.acknowledged_at, msg.HasField("acknowledged_at")),
        resolved_at=_dt(msg.resolved_at, msg.HasField("resolved_at")),
        band_lower_since=_dt(msg.band_lower_since, msg.HasField("band_lower_since")))
