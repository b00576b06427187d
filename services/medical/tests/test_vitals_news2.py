"""The medical service scores each patient's latest fresh values with NEWS2 (real Redis/Kafka)."""

from datetime import UTC, datetime, timedelta

from zezhou5g.medical.v1 import medical_pb2

from .conftest import event as _event


def _status(parts, patient_id: str) -> medical_pb2.PatientVitals:
    return parts.store.status(patient_id)


def test_septic_picture_scores_high_and_a_partial_set_is_flagged(parts):
    intake = parts.intake
    now = datetime.now(UTC)
    intake.handle(_event(medical_pb2.VitalSigns(
        patient_id="p-9", device_id="mon-9", seq=1, resp_rate_per_min=26, spo2_pct=91,
        on_oxygen=False, systolic_mmhg=95, heart_rate_bpm=125, temperature_c=39.2,
        consciousness=medical_pb2.CONSCIOUSNESS_ALERT), now, 1))
    news2 = _status(parts, "p-9").news2
    assert (news2.aggregate, news2.clinical_risk, news2.complete) == (
        12, medical_pb2.CLINICAL_RISK_HIGH, True)
    assert (news2.monitoring_frequency, news2.clinical_response) == (
        medical_pb2.MONITORING_FREQUENCY_CONTINUOUS, medical_pb2.CLINICAL_RESPONSE_EMERGENCY)
    assert {p.parameter: p.points for p in news2.parameters} == {
        "resp_rate_per_min": 3, "spo2_pct": 3, "on_oxygen": 0, "systolic_mmhg": 2,
        "heart_rate_bpm": 2, "consciousness": 0, "temperature_c": 2}

    # A wearable sending only heart rate and SpO2: the other values are 20 min old, so the
    # fast-changing ones (RR, oxygen) are stale and the score is flagged incomplete.
    later = now + timedelta(minutes=20)
    intake.handle(_event(medical_pb2.VitalSigns(
        patient_id="p-9", device_id="mon-9", seq=2, heart_rate_bpm=88, spo2_pct=97), later, 2))
    news2 = _status(parts, "p-9").news2
    assert news2.complete is False
    assert set(news2.missing) == {"resp_rate_per_min", "on_oxygen"}


def test_scale2_patient_on_oxygen_is_scored_on_scale_2(parts):
    intake = parts.intake
    intake.handle(_event(medical_pb2.VitalSigns(
        patient_id="p-copd", device_id="mon-c", seq=1, resp_rate_per_min=18, spo2_pct=90,
        on_oxygen=True, systolic_mmhg=130, heart_rate_bpm=80, temperature_c=37.0,
        consciousness=medical_pb2.CONSCIOUSNESS_ALERT), datetime.now(UTC), 1))
    news2 = _status(parts, "p-copd").news2
    # SpO2 90 % is on target for scale 2 (0 points; scale 1 would give 3); oxygen gives 2.
    assert news2.spo2_scale == 2
    assert news2.aggregate == 2 and news2.clinical_risk == medical_pb2.CLINICAL_RISK_LOW
    assert (news2.monitoring_frequency, news2.clinical_response) == (
        medical_pb2.MONITORING_FREQUENCY_EVERY_4_TO_6_H,
        medical_pb2.CLINICAL_RESPONSE_NURSE_ASSESSMENT)


def test_resend_and_late_sets_are_dropped_but_a_rebooted_device_is_accepted(parts):
    intake = parts.intake
    t0 = datetime.now(UTC)

    def send(seq: int, at: datetime, hr: float, n: int) -> None:
        intake.handle(_event(medical_pb2.VitalSigns(
            patient_id="p-r", device_id="wear-r", seq=seq, heart_rate_bpm=hr), at, n))

    send(817, t0, 70, 1)
    send(818, t0 + timedelta(seconds=1), 71, 2)
    send(818, t0 + timedelta(seconds=1), 71, 3)   # resend
    send(816, t0 - timedelta(seconds=1), 60, 4)   # late arrival
    assert _status(parts, "p-r").observations_total == 2
    send(1, t0 + timedelta(seconds=5), 90, 5)     # the wearable rebooted: sequence restarts
    status = _status(parts, "p-r")
    assert status.observations_total == 3 and status.latest.heart_rate_bpm == 90


def test_rising_band_raises_one_alert_on_kafka_and_falling_resolves_it(parts):
    t0 = datetime.now(UTC)
    sick = dict(resp_rate_per_min=26, spo2_pct=91, on_oxygen=False, systolic_mmhg=95,
                heart_rate_bpm=125, temperature_c=39.2,
                consciousness=medical_pb2.CONSCIOUSNESS_ALERT)
    well = dict(sick, resp_rate_per_min=16, spo2_pct=97, systolic_mmhg=120, heart_rate_bpm=75,
                temperature_c=37.0)
    for n in range(1, 4):
        parts.intake.handle(_event(medical_pb2.VitalSigns(
            patient_id="p-alert", device_id="mon-a", seq=n, **sick),
            t0 + timedelta(seconds=n), n))
    status = _status(parts, "p-alert")
    (alert,) = [a for a in parts.store.recent_alerts() if a.patient_id == "p-alert"]
    assert (alert.state, alert.clinical_risk) == (medical_pb2.ALERT_STATE_RAISED,
                                                  medical_pb2.CLINICAL_RISK_HIGH)
    assert alert.why.code == medical_pb2.ALERT_REASON_CODE_BAND_ROSE
    assert alert.care_team == "team-a" and status.care_team == "team-a"
    parts.intake.handle(_event(medical_pb2.VitalSigns(
        patient_id="p-alert", device_id="mon-a", seq=4, **well), t0 + timedelta(seconds=9), 4))
    (alert,) = [a for a in parts.store.recent_alerts() if a.patient_id == "p-alert"]
    assert alert.state == medical_pb2.ALERT_STATE_RESOLVED and alert.version == 2
    assert parts.store.open_alert("p-alert") is None
    # Once the broker acknowledged them, the outbox is empty.
    assert parts.producer.flush(20)
    import time

    deadline = time.monotonic() + 5
    while parts.outbox.pending() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert parts.outbox.pending() == 0


def test_unregistered_patient_is_rejected_without_naming_them(parts):
    import pytest
    from zezhou5g.platform.kafka import RejectEvent

    with pytest.raises(RejectEvent) as info:
        parts.intake.handle(_event(medical_pb2.VitalSigns(
            patient_id="p-unknown-77", device_id="w", seq=1, heart_rate_bpm=70),
            datetime.now(UTC), 1))
    assert "p-unknown-77" not in str(info.value)


def test_unacknowledged_alert_escalates_once_per_level_then_ack_stops_it(parts):
    import pytest
    from medical.domain.alerts import ESCALATED, AlertError, Reason

    t0 = datetime.now(UTC)
    sick = dict(resp_rate_per_min=26, spo2_pct=91, on_oxygen=False, systolic_mmhg=95,
                heart_rate_bpm=125, temperature_c=39.2,
                consciousness=medical_pb2.CONSCIOUSNESS_ALERT)
    parts.intake.handle(_event(medical_pb2.VitalSigns(
        patient_id="p-9", device_id="mon-e", seq=1, **sick), t0, 1))
    alert = parts.store.open_alert("p-9")
    assert alert.level == 0 and alert.routed_to == "team-a"
    # Policy in the fixture: 60 s at each level.
    assert parts.desk.escalate(t0 + timedelta(seconds=59)) == 0
    assert parts.desk.escalate(t0 + timedelta(seconds=61)) == 1
    assert parts.desk.escalate(t0 + timedelta(seconds=62)) == 0  # once per level
    assert parts.store.open_alert("p-9").routed_to == "team-a/senior"
    assert parts.desk.escalate(t0 + timedelta(seconds=125)) == 1
    up = parts.store.open_alert("p-9")
    assert (up.level, up.routed_to, up.escalate_at) == (2, "rapid-response", None)
    assert up.reason == Reason(ESCALATED, waited_s=60.0)
    acked = parts.desk.acknowledge(alert.alert_id, "dr-wang")
    assert acked.state == medical_pb2.ALERT_STATE_ACKNOWLEDGED and acked.version == 4
    assert acked.why.code == medical_pb2.ALERT_REASON_CODE_ACKNOWLEDGED
    with pytest.raises(AlertError, match="already acknowledged"):
        parts.desk.acknowledge(alert.alert_id, "dr-li")
    assert parts.desk.escalate(t0 + timedelta(hours=1)) == 0


def test_an_open_alert_stored_by_the_version_before_codes_still_escalates(parts, redis_client):
    """Upgrading under a running ward: Redis holds alerts with "risk"/"reason" strings."""
    import json

    from medical.adapters.patient_store import _open_key

    t0 = datetime.now(UTC)
    parts.intake.handle(_event(medical_pb2.VitalSigns(
        patient_id="p-9", device_id="mon-u", seq=1, resp_rate_per_min=26, spo2_pct=91,
        on_oxygen=False, systolic_mmhg=95, heart_rate_bpm=125, temperature_c=39.2,
        consciousness=medical_pb2.CONSCIOUSNESS_ALERT), t0, 1))
    alert_id = parts.store.open_alert("p-9").alert_id
    # Rewrite both stored copies as the previous version wrote them.
    for key in (f"medical:alert:{alert_id}", _open_key("p-9")):
        old = json.loads(redis_client.get(key))
        assert old.pop("clinicalRisk") == "CLINICAL_RISK_HIGH"
        old.pop("why")
        old |= {"risk": "high", "reason": "NEWS2 12: high clinical risk"}
        redis_client.set(key, json.dumps(old))

    assert parts.desk.escalate(t0 + timedelta(seconds=61)) == 1
    up = parts.store.open_alert("p-9")
    assert (up.level, up.routed_to) == (1, "team-a/senior")
    (summary,) = parts.store.summaries([medical_pb2.Patient(patient_id="p-9")])
    assert summary.alert.clinical_risk == medical_pb2.CLINICAL_RISK_HIGH
    assert [a.alert_id for a in parts.store.recent_alerts(patient_id="p-9")] == [alert_id]
