"""Transport service settings (``Z5G_*`` environment variables)."""

from __future__ import annotations

import json

from pydantic import SecretStr, field_validator, model_validator
from zezhou5g.platform.settings import ServiceSettings, check_secret

from transport.domain.liveness import CHALLENGES
from transport.domain.thresholds import StationPolicy

DEFAULT_GATES = "gate-hsr-1=zezhou-hsr,gate-hsr-2=zezhou-hsr,gate-bus-1=zezhou-bus"


class TransportSettings(ServiceSettings):
    """Settings of the transport service.

    Attributes:
        database_url: SQLAlchemy URL (``Z5G_DATABASE_URL``; SQLite default, PostgreSQL in compose).
        transport_face_key: secret (>= 32 chars) the template encryption key is derived from;
            required in prod. In dev a missing key gets a random one per process (templates
            then die with the process -- fine for a demo, useless for several nodes).
        transport_retention_h: face data is purged this many hours after the departure.
        transport_stations: JSON ``{"station": {"far_1to1": 0.001, ...}}`` overriding
            :class:`~transport.domain.thresholds.StationPolicy` fields per station.
        transport_gates: ``gate=station,...`` gates this node serves.
        transport_challenges: liveness challenges drawn from, comma-separated.
        transport_challenge_timeout_s: a passage attempt must be decided within this, seconds.
        transport_purge_interval_s: how often expired face data is purged, seconds.
        transport_node: name of this gate node (defaults to ``transport-<instance>``).
        transport_warm_up: load the face models in the background at start (else on first
            use).
        transport_crash_before_publish: tests only, refused outside dev: a topic name; the
            process kills itself (SIGKILL) right after committing the first unit that stages
            an event on it, before the event is published.
    """

    database_url: str = "sqlite:///.run/transport.db"
    transport_face_key: SecretStr | None = None
    transport_retention_h: float = 24.0
    transport_stations: str = "{}"
    transport_gates: str = DEFAULT_GATES
    transport_challenges: str = ",".join(CHALLENGES)
    transport_challenge_timeout_s: float = 30.0
    transport_purge_interval_s: float = 60.0
    transport_node: str = ""
    transport_warm_up: bool = True
    transport_crash_before_publish: str = ""

    @field_validator("transport_face_key")
    @classmethod
    def _key(cls, v: SecretStr | None) -> SecretStr | None:
        return None if v is None else check_secret("Z5G_TRANSPORT_FACE_KEY", v, 32)

    @model_validator(mode="after")
    def _prod_needs_key(self) -> TransportSettings:
        if self.env == "prod" and self.transport_face_key is None:
            raise ValueError("Z5G_TRANSPORT_FACE_KEY is required in prod (>= 32 characters)")
        if self.env != "dev" and self.transport_crash_before_publish:
            raise ValueError("Z5G_TRANSPORT_CRASH_BEFORE_PUBLISH is a test hook (dev only)")
        self.policies()  # fail at start on a malformed station table
        return self

    def gates(self) -> dict[str, str]:
        """Gate id → station id."""
        pairs = (p.split("=", 1) for p in self.transport_gates.split(",") if "=" in p)
        return {g.strip(): s.strip() for g, s in pairs}

    def challenges(self) -> list[str]:
        """Liveness challenges to draw from."""
        return [c.strip() for c in self.transport_challenges.split(",") if c.strip()]

    def policies(self) -> dict[str, StationPolicy]:
        """Per-station policies (stations not listed use the defaults)."""
        table = json.loads(self.transport_stations or "{}")
        if not isinstance(table, dict):
            raise ValueError("Z5G_TRANSPORT_STATIONS must be a JSON object")
        return {str(k): StationPolicy(**v) for k, v in table.items()}

    def node_name(self) -> str:
        """This gate node's name."""
        return self.transport_node or f"transport-{self.instance}"
