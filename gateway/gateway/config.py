"""Gateway settings (``Z5G_*`` environment variables)."""

from __future__ import annotations

from typing import Literal

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from zezhou5g.platform.settings import check_secret


class GatewaySettings(BaseSettings):
    """Everything the gateway needs; values without a default are required."""

    model_config = SettingsConfigDict(env_prefix="Z5G_", extra="ignore", frozen=True)

    env: Literal["dev", "prod"] = "prod"
    http_port: int = 8080
    kafka_bootstrap: str
    redis_url: str
    database_url: str
    # Signs session tokens (HS256); at least 32 random characters.
    session_secret: SecretStr
    # Device credentials, "device-id=token,device-id=token"; each token ≥ 16 characters.
    device_tokens: SecretStr
    tourism_grpc: str
    medical_grpc: str
    agri_grpc: str
    transport_grpc: str
    # Password of the demo accounts, created at start in dev only.
    demo_password: SecretStr | None = None
    session_hours: float = 8.0
    # Requests per client IP per minute on public endpoints.
    public_rate_per_min: int = 120
    # Sign-in attempts per client IP per minute.
    login_rate_per_min: int = 10
    log_level: str = "INFO"

    @field_validator("session_secret")
    @classmethod
    def _session_secret(cls, v: SecretStr) -> SecretStr:
        return check_secret("Z5G_SESSION_SECRET", v, min_length=32)

    @field_validator("device_tokens")
    @classmethod
    def _device_tokens(cls, v: SecretStr) -> SecretStr:
        for pair in v.get_secret_value().split(","):
            device, sep, token = pair.strip().partition("=")
            if not sep or not device:
                raise ValueError("Z5G_DEVICE_TOKENS must be 'device-id=token,...'")
            check_secret(f"device token of {device}", SecretStr(token))
        return v

    @field_validator("demo_password")
    @classmethod
    def _demo_password(cls, v: SecretStr | None) -> SecretStr | None:
        return None if v is None else check_secret("Z5G_DEMO_PASSWORD", v, min_length=10)

    def device_token_map(self) -> dict[str, str]:
        """Token → device id."""
        out = {}
        for pair in self.device_tokens.get_secret_value().split(","):
            device, _, token = pair.strip().partition("=")
            out[token] = device
        return out
