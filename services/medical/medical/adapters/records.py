"""Records in SQL: patients, care teams, observations, alerts and the audit log.

SQLite by default (a file under the run folder), PostgreSQL in compose/k8s; Alembic migrations in
``medical/migrations`` run at start-up.
"""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf import json_format
from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    String,
    delete,
    insert,
    select,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from zezhou5g.medical.v1 import medical_pb2

from medical.wire import REASON_NAMES, risk_name


class Base(DeclarativeBase):
    """Declarative base of the medical tables."""


class CareTeamRow(Base):
    """A team of clinicians responsible for a set of patients."""

    __tablename__ = "care_teams"
    team_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))


class PatientRow(Base):
    """A monitored patient."""

    __tablename__ = "patients"
    patient_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    gender: Mapped[str] = mapped_column(String(16))
    birth_date: Mapped[str] = mapped_column(String(10))
    care_team: Mapped[str] = mapped_column(ForeignKey("care_teams.team_id"))
    ward: Mapped[str] = mapped_column(String(64), default="")
    spo2_scale2: Mapped[bool] = mapped_column(Boolean, default=False)


class ObservationRow(Base):
    """One accepted observation set with its NEWS2 (units as in ``VitalSigns``)."""

    __tablename__ = "observations"
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.patient_id"), index=True)
    device_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    heart_rate_bpm: Mapped[float | None] = mapped_column(Float, nullable=True)
    resp_rate_per_min: Mapped[float | None] = mapped_column(Float, nullable=True)
    spo2_pct: Mapped[float | None] = mapped_column(Float, nullable=True)
    systolic_mmhg: Mapped[float | None] = mapped_column(Float, nullable=True)
    diastolic_mmhg: Mapped[float | None] = mapped_column(Float, nullable=True)
    temperature_c: Mapped[float | None] = mapped_column(Float, nullable=True)
    consciousness: Mapped[int] = mapped_column(Integer, default=0)
    on_oxygen: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    news2: Mapped[int] = mapped_column(Integer)
    risk: Mapped[str] = mapped_column(String(16))


class AlertRow(Base):
    """An alert as of its latest transition."""

    __tablename__ = "alerts"
    alert_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.patient_id"), index=True)
    care_team: Mapped[str] = mapped_column(String(64))
    risk: Mapped[str] = mapped_column(String(16))
    news2: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))
    escalation_level: Mapped[int] = mapped_column(Integer)
    routed_to: Mapped[str] = mapped_column(String(128))
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    acknowledged_by: Mapped[str] = mapped_column(String(64), default="")
    reason: Mapped[str] = mapped_column(String(256))
    version: Mapped[int] = mapped_column(Integer)
    history: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)


class AuditRow(Base):
    """One attempt to read or change patient data."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    user: Mapped[str] = mapped_column(String(64))
    care_team: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    patient_id: Mapped[str] = mapped_column(String(64), index=True)
    allowed: Mapped[bool] = mapped_column(Boolean)
    detail: Mapped[str] = mapped_column(String(256), default="")


_STATE_NAMES = {medical_pb2.ALERT_STATE_RAISED: "raised",
                medical_pb2.ALERT_STATE_ACKNOWLEDGED: "acknowledged",
                medical_pb2.ALERT_STATE_RESOLVED: "resolved"}


def _upsert(engine: Engine):  # type: ignore[no-untyped-def]
    return pg_insert if engine.dialect.name == "postgresql" else sqlite_insert


class Records:
    """Reads and writes the medical records."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def load_cohort(self, teams: list[medical_pb2.CareTeam],
                    patients: list[medical_pb2.Patient]) -> None:
        """Insert care teams and patients that are not there yet (existing rows are kept)."""
        ins = _upsert(self.engine)
        with Session(self.engine) as s, s.begin():
            for team in teams:
                s.execute(ins(CareTeamRow).values(team_id=team.team_id, name=team.name)
                          .on_conflict_do_nothing())
            for p in patients:
                s.execute(ins(PatientRow).values(
                    patient_id=p.patient_id, name=p.name, gender=p.gender,
                    birth_date=p.birth_date, care_team=p.care_team, ward=p.ward,
                    spo2_scale2=p.spo2_scale2).on_conflict_do_nothing())

    def patients(self) -> list[medical_pb2.Patient]:
        """Every patient."""
        with Session(self.engine) as s:
            rows = s.scalars(select(PatientRow).order_by(PatientRow.patient_id)).all()
        return [medical_pb2.Patient(patient_id=r.patient_id, name=r.name, gender=r.gender,
                                    birth_date=r.birth_date, care_team=r.care_team,
                                    ward=r.ward, spo2_scale2=r.spo2_scale2) for r in rows]

    def set_scale2(self, patient_id: str, on: bool) -> None:
        """Record the clinician's SpO2 scale choice."""
        with Session(self.engine) as s, s.begin():
            row = s.get(PatientRow, patient_id)
            if row is not None:
                row.spo2_scale2 = on

    def known(self, patient_ids: set[str]) -> set[str]:
        """Which of ``patient_ids`` are registered here."""
        if not patient_ids:
            return set()
        with Session(self.engine) as s:
            return set(s.scalars(select(PatientRow.patient_id).where(
                PatientRow.patient_id.in_(sorted(patient_ids)))))

    def save_statuses(self, statuses: list[medical_pb2.PatientVitals],
                      known: set[str] | None = None) -> int:
        """Store observation sets (idempotent on the status event id).

        Sets of patients not registered in this database (``known``, looked up when not given)
        are skipped: they cannot be linked to a patient record. Returns how many were skipped.
        """
        if known is None:
            known = self.known({st.patient_id for st in statuses})
        rows = []
        for st in statuses:
            if st.patient_id not in known:
                continue
            v = st.latest
            rows.append({
                "event_id": st.meta.event_id, "patient_id": st.patient_id,
                "device_id": v.device_id, "at": st.meta.event_time.ToDatetime(tzinfo=UTC),
                **{f: (getattr(v, f) if v.HasField(f) else None) for f in (
                    "heart_rate_bpm", "resp_rate_per_min", "spo2_pct", "systolic_mmhg",
                    "diastolic_mmhg", "temperature_c", "on_oxygen")},
                "consciousness": v.consciousness, "news2": st.news2.aggregate,
                "risk": risk_name(st.news2.clinical_risk)})
        if rows:
            with Session(self.engine) as s, s.begin():
                s.execute(_upsert(self.engine)(ObservationRow).values(rows)
                          .on_conflict_do_nothing())
        return len(statuses) - len(rows)

    def save_alert(self, alert: medical_pb2.Alert, known: set[str] | None = None) -> bool:
        """Store an alert transition (idempotent: an older or repeated version is ignored).

        Returns False when the patient is not registered here (skipped).
        """
        if known is None:
            known = self.known({alert.patient_id})
        if alert.patient_id not in known:
            return False
        # The reason as a code ("escalated") and, in the history, with its values.
        reason = REASON_NAMES.get(alert.why.code, "")
        entry = {"version": alert.version, "state": _STATE_NAMES[alert.state],
                 "level": alert.escalation_level,
                 "reason": json_format.MessageToDict(alert.why, preserving_proto_field_name=True),
                 "at": alert.meta.event_time.ToDatetime(tzinfo=UTC).isoformat()}
        with Session(self.engine) as s, s.begin():
            row = s.get(AlertRow, alert.alert_id)
            if row is None:
                s.add(AlertRow(
                    alert_id=alert.alert_id, patient_id=alert.patient_id,
                    care_team=alert.care_team, risk=risk_name(alert.clinical_risk),
                    news2=alert.news2_aggregate,
                    state=entry["state"], escalation_level=alert.escalation_level,
                    routed_to=alert.routed_to, raised_at=alert.raised_at.ToDatetime(tzinfo=UTC),
                    acknowledged_by=alert.acknowledged_by, reason=reason,
                    version=alert.version, history=[entry]))
                return True
            if alert.version <= row.version:
                return True
            row.state = str(entry["state"])
            row.escalation_level = alert.escalation_level
            row.routed_to = alert.routed_to
            row.acknowledged_by = alert.acknowledged_by
            row.reason = reason
            row.version = alert.version
            row.history = [*row.history, entry]
        return True

    def observations(self, patient_id: str, since: datetime) -> list[ObservationRow]:
        """Observation sets of a patient since ``since``, oldest first."""
        with Session(self.engine) as s:
            return list(s.scalars(select(ObservationRow).where(
                ObservationRow.patient_id == patient_id, ObservationRow.at >= since)
                .order_by(ObservationRow.at)).all())

    def alerts_of(self, patient_id: str, limit: int = 50) -> list[AlertRow]:
        """A patient's alerts, newest first."""
        with Session(self.engine) as s:
            return list(s.scalars(select(AlertRow).where(AlertRow.patient_id == patient_id)
                                  .order_by(AlertRow.raised_at.desc()).limit(limit)).all())

    def audit(self, user: str, care_team: str, action: str, patient_id: str, allowed: bool,
              detail: str = "") -> None:
        """Write one audit entry."""
        with Session(self.engine) as s, s.begin():
            s.execute(insert(AuditRow).values(
                at=datetime.now(UTC), user=user, care_team=care_team, action=action,
                patient_id=patient_id, allowed=allowed, detail=detail[:256]))

    def audit_log(self, limit: int = 200) -> list[AuditRow]:
        """Newest audit entries first."""
        with Session(self.engine) as s:
            return list(s.scalars(select(AuditRow).order_by(AuditRow.id.desc())
                                  .limit(limit)).all())

    def purge_observations(self, before: datetime) -> int:
        """Delete observation sets older than ``before``; returns how many."""
        with Session(self.engine) as s, s.begin():
            return int(s.execute(delete(ObservationRow).where(  # type: ignore[attr-defined]
                ObservationRow.at < before)).rowcount)
