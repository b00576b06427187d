"""Agri service settings (``Z5G_*`` environment variables)."""

from pathlib import Path

from zezhou5g.platform.settings import ServiceSettings

HERE = Path(__file__).resolve().parent


class AgriSettings(ServiceSettings):
    """Settings of the agri service.

    Attributes:
        database_url: SQLAlchemy URL of the records (``Z5G_DATABASE_URL``); SQLite under the
            run folder by default, PostgreSQL (psycopg) in compose/k8s.
        agri_farm_file: fields, device profiles and machines (``Z5G_AGRI_FARM_FILE``).
        agri_rules_file: the bureau's rule file (``Z5G_AGRI_RULES_FILE``).
        agri_tick_s: how often silence is checked and history flushed, s.
        agri_max_skew_s: a reading's event time may lie at most this far in the future, s.
        agri_backlog_s: ... and at most this far in the past (the backlog window), s.
    """

    database_url: str = "sqlite:///.run/agri.db"
    agri_farm_file: Path = HERE / "farm.yaml"
    agri_rules_file: Path = HERE / "rules.yaml"
    agri_tick_s: float = 1.0
    agri_max_skew_s: float = 300.0
    agri_backlog_s: float = 30 * 86400.0
