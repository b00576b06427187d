"""The medical records on both stores the service runs with: SQLite (demo) and PostgreSQL."""

from datetime import UTC, datetime

import pytest
from medical.adapters.records import Records
from medical.config import COHORT
from medical.main import MIGRATIONS, load_cohort
from zezhou5g.medical.v1 import medical_pb2
from zezhou5g.platform.db import make_engine, migrate


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def records(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/medical.db"
    else:
        url = request.getfixturevalue("postgres").create_database("medical_records_test")
    migrate(url, MIGRATIONS)
    engine = make_engine(url)
    records = Records(engine)
    records.load_cohort(*load_cohort(COHORT))
    yield records
    engine.dispose()


def _status(event_id: str, patient_id: str, hr: float) -> medical_pb2.PatientVitals:
    st = medical_pb2.PatientVitals(patient_id=patient_id, latest=medical_pb2.VitalSigns(
        patient_id=patient_id, device_id="w", heart_rate_bpm=hr, spo2_pct=96),
        news2=medical_pb2.News2(aggregate=1, clinical_risk=medical_pb2.CLINICAL_RISK_LOW))
    st.meta.event_id = event_id
    st.meta.event_time.FromDatetime(datetime.now(UTC))
    return st


def test_statuses_are_stored_once_and_unknown_patients_skipped(records):
    batch = [_status("e-1", "p-1001", 70), _status("e-2", "p-1001", 71),
             _status("e-3", "nobody", 80)]
    assert records.save_statuses(batch) == 1
    assert records.save_statuses(batch[:2]) == 0  # redelivered: no duplicate rows
    rows = records.observations("p-1001", datetime(2000, 1, 1, tzinfo=UTC))
    assert [r.heart_rate_bpm for r in rows] == [70, 71]


def test_alert_versions_apply_in_order_and_repeats_are_ignored(records):
    alert = medical_pb2.Alert(alert_id="a-1", patient_id="p-1003", care_team="team-a",
                              clinical_risk=medical_pb2.CLINICAL_RISK_HIGH, news2_aggregate=9,
                              state=medical_pb2.ALERT_STATE_RAISED, routed_to="team-a",
                              why=medical_pb2.AlertReason(
                                  code=medical_pb2.ALERT_REASON_CODE_BAND_ROSE), version=1)
    alert.raised_at.FromDatetime(datetime.now(UTC))
    alert.meta.event_time.FromDatetime(datetime.now(UTC))
    assert records.save_alert(alert)
    acked = medical_pb2.Alert()
    acked.CopyFrom(alert)
    acked.state, acked.version, acked.acknowledged_by = (medical_pb2.ALERT_STATE_ACKNOWLEDGED,
                                                         2, "dr-wang")
    acked.why.code = medical_pb2.ALERT_REASON_CODE_ACKNOWLEDGED
    assert records.save_alert(acked)
    assert records.save_alert(alert)  # an old version arriving again changes nothing
    (row,) = records.alerts_of("p-1003")
    assert (row.state, row.version, row.acknowledged_by) == ("acknowledged", 2, "dr-wang")
    assert [h["state"] for h in row.history] == ["raised", "acknowledged"]
    # Codes, not sentences, in the record too.
    assert (row.risk, row.reason) == ("high", "acknowledged")
    assert [h["reason"] for h in row.history] == [{"code": "ALERT_REASON_CODE_BAND_ROSE"},
                                                  {"code": "ALERT_REASON_CODE_ACKNOWLEDGED"}]


def test_audit_log_keeps_denied_attempts(records):
    records.audit("dr-wang", "team-a", "read_patient", "p-1006", False, "not the care team")
    (entry,) = records.audit_log(5)
    assert (entry.user, entry.patient_id, entry.allowed) == ("dr-wang", "p-1006", False)
