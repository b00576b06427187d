"""The medical service scores each patient's latest fresh values with NEWS2 (real Redis/Kafka)."""

from datetime import UTC, datetime, timedelta

from medical.vitals import VitalsProcessor
from zezhou5g.medical.v1 import medical_pb2
from zezhou5g.platform.events import ConsumedEvent
from zezhou5g.platform.kafka import EventProducer


def _event(vitals: medical_pb2.VitalSigns, at: datetime, n: int) -> ConsumedEvent:
    vitals.meta.event_id = f"ev-{vitals.patient_id}-{n}"
    vitals.meta.event_time.FromDatetime(at)
    return ConsumedEvent("medical.vitals", 0, n, vitals.patient_id, vitals,
                         vitals.meta.event_id, None, 0)


def test_septic_picture_scores_high_and_a_partial_set_is_flagged(kafka, redis_client):
    producer = EventProducer(kafka.bootstrap, "medical-test")
    processor = VitalsProcessor(redis_client, producer)
    now = datetime.now(UTC)
    processor.handle(_event(medical_pb2.VitalSigns(
        patient_id="p-9", device_id="mon-9", seq=1, resp_rate_per_min=26, spo2_pct=91,
        on_oxygen=False, systolic_mmhg=95, heart_rate_bpm=125, temperature_c=39.2,
        consciousness=medical_pb2.CONSCIOUSNESS_ALERT), now, 1))
    news2 = processor.patients.get("p-9").news2
    assert (news2.aggregate, news2.risk, news2.complete) == (12, "high", True)
    assert {p.parameter: p.points for p in news2.parameters} == {
        "resp_rate_per_min": 3, "spo2_pct": 3, "on_oxygen": 0, "systolic_mmhg": 2,
        "heart_rate_bpm": 2, "consciousness": 0, "temperature_c": 2}

    # A wearable sending only heart rate and SpO2: the other values are 20 min old, so the
    # fast-changing ones (RR, oxygen) are stale and the score is flagged incomplete.
    later = now + timedelta(minutes=20)
    processor.handle(_event(medical_pb2.VitalSigns(
        patient_id="p-9", device_id="mon-9", seq=2, heart_rate_bpm=88, spo2_pct=97), later, 2))
    news2 = processor.patients.get("p-9").news2
    assert news2.complete is False
    assert set(news2.missing) == {"resp_rate_per_min", "on_oxygen"}
    producer.close()


def test_scale2_patient_on_oxygen_is_scored_on_scale_2(kafka, redis_client):
    producer = EventProducer(kafka.bootstrap, "medical-test")
    processor = VitalsProcessor(redis_client, producer)
    processor.observations.set_scale2("p-copd", True)
    processor.handle(_event(medical_pb2.VitalSigns(
        patient_id="p-copd", device_id="mon-c", seq=1, resp_rate_per_min=18, spo2_pct=90,
        on_oxygen=True, systolic_mmhg=130, heart_rate_bpm=80, temperature_c=37.0,
        consciousness=medical_pb2.CONSCIOUSNESS_ALERT), datetime.now(UTC), 1))
    news2 = processor.patients.get("p-copd").news2
    # SpO2 90 % is on target for scale 2 (0 points; scale 1 would give 3); oxygen gives 2.
    assert news2.spo2_scale == 2
    assert news2.aggregate == 2 and news2.risk == "low"
    producer.close()


def test_resend_and_late_sets_are_dropped_but_a_rebooted_device_is_accepted(kafka, redis_client):
    producer = EventProducer(kafka.bootstrap, "medical-test")
    processor = VitalsProcessor(redis_client, producer)
    t0 = datetime.now(UTC)

    def send(seq: int, at: datetime, hr: float, n: int) -> None:
        processor.handle(_event(medical_pb2.VitalSigns(
            patient_id="p-r", device_id="wear-r", seq=seq, heart_rate_bpm=hr), at, n))

    send(817, t0, 70, 1)
    send(818, t0 + timedelta(seconds=1), 71, 2)
    send(818, t0 + timedelta(seconds=1), 71, 3)   # resend
    send(816, t0 - timedelta(seconds=1), 60, 4)   # late arrival
    assert processor.patients.get("p-r").observations_total == 2
    send(1, t0 + timedelta(seconds=5), 90, 5)     # the wearable rebooted: sequence restarts
    status = processor.patients.get("p-r")
    assert status.observations_total == 3 and status.latest.heart_rate_bpm == 90
    producer.close()
