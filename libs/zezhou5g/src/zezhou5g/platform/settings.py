"""Settings base for every deployable: environment variables with the ``Z5G_`` prefix.

Required values have no default, so a service started without them stops at once with a message
naming the variable; secrets that look like placeholders are refused.
"""

from __future__ import annotations

import sys
from typing import Literal, TypeVar

from pydantic import SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDERS = frozenset({
    "changeme", "change-me", "change_me", "changethis", "secret", "password", "xxx", "todo",
    "example", "placeholder", "default", "test", "dev",
})

S = TypeVar("S", bound=BaseSettings)


def check_secret(name: str, value: SecretStr, min_length: int = 16) -> SecretStr:
    """Refuse empty, short or placeholder secrets; returns ``value`` unchanged when fine."""
    raw = value.get_secret_value().strip()
    if raw.lower() in PLACEHOLDERS or raw.startswith("<") or "changethis" in raw.lower():
        raise ValueError(f"{name} is a placeholder; set a real secret")
    if len(raw) < min_length:
        raise ValueError(f"{name} must be at least {min_length} characters")
    return value


class ServiceSettings(BaseSettings):
    """What every service needs: where Kafka and Redis are, its ports and log level."""

    model_config = SettingsConfigDict(env_prefix="Z5G_", extra="ignore", frozen=True)

    env: Literal["dev", "prod"] = "prod"
    kafka_bootstrap: str
    redis_url: str
    grpc_port: int = 50051
    metrics_port: int = 9100
    # Interfaces the gRPC and metrics servers bind: loopback in local mode; 0.0.0.0 in a pod,
    # where NetworkPolicies admit only the gateway (gRPC) and the monitoring namespace (metrics).
    grpc_host: str = "127.0.0.1"
    metrics_host: str = "127.0.0.1"
    # Verifies the principal the gateway signs on every RPC (HS256, ≥32 characters).
    service_principal_key: SecretStr
    log_level: str = "INFO"
    instance: str = "0"

    @field_validator("service_principal_key")
    @classmethod
    def _principal_key(cls, v: SecretStr) -> SecretStr:
        return check_secret("Z5G_SERVICE_PRINCIPAL_KEY", v, min_length=32)


def load_settings(cls: type[S]) -> S:
    """Instantiate ``cls`` from the environment, or exit with one line per problem."""
    try:
        return cls()
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            var = "Z5G_" + "_".join(str(p) for p in err["loc"]).upper()
            lines.append(f"  {var}: {err['msg']}")
        sys.stderr.write(f"configuration error in {cls.__name__}:\n" + "\n".join(lines) + "\n")
        raise SystemExit(2) from None
