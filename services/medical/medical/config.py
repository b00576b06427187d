"""Medical service settings (``Z5G_*`` environment variables)."""

from pathlib import Path

from zezhou5g.platform.settings import ServiceSettings

COHORT = Path(__file__).resolve().parent / "cohort.json"


class MedicalSettings(ServiceSettings):
    """Settings of the medical service."""

    # SQLAlchemy URL of the records (SQLite file by default; PostgreSQL in compose/k8s).
    database_url: str = "sqlite:///.run/medical.db"
    # Care teams and patients loaded at start (rows already in SQL are kept).
    medical_cohort: Path = COHORT
    # Seconds an alert may wait unacknowledged at the care team, then at the senior clinician,
    # before it goes up a level (care team → senior → rapid response team).
    medical_escalate_team_s: float = 120.0
    medical_escalate_senior_s: float = 120.0
    # An alert resolves once the band stayed below it this long (s), not on one lower set.
    medical_resolve_hold_s: float = 30.0
    # Spacing of stored trend points per patient (s) and how many are kept.
    medical_trend_every_s: float = 10.0
    medical_trend_keep: int = 360
    # Longest a patient goes without a status event while its NEWS2 and alerts stay the same
    # (s); 0: one for every accepted set. Large cohorts (hubs at 1 Hz) set a few seconds.
    medical_status_every_s: float = 0.0
    # Keep observation sets in SQL (the FHIR export reads them); off for ingest-only benches.
    medical_records: bool = True
    # Observation sets older than this many days are deleted from SQL.
    medical_retention_days: int = 30
