"""Gateway settings (``Z5G_*`` environment variables)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, field_validator
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
    # Signs the service principal attached to every RPC (HS256, ≥32 characters); the services
    # hold the same key to verify it (zezhou5g.platform.principal).
    service_principal_key: SecretStr
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
    # Seconds a public trace answer is shared from Redis before the agri service is asked again.
    trace_cache_s: float = Field(default=30.0, gt=0, le=3600)
    # Sign-in attempts per client IP per minute.
    login_rate_per_min: int = 10
    # Failed sign-ins per account per 15 minutes, from any address, before 429.
    login_account_failures: int = 10
    # Public uploads (face photos) per client per minute; unset: a quarter of the public limit.
    upload_rate_per_min: int | None = None
    # Proxies whose X-Forwarded-For is believed, "10.0.0.0/8,127.0.0.1"; empty: none.
    trusted_proxies: str = ""
    # Largest request body on routes without their own limit, bytes (uploads have their own).
    max_body_bytes: int = 1024 * 1024
    # Device registry seed: device id → scenario, kind, subject (JSON); tokens come from
    # Z5G_DEVICE_TOKENS. Default: the demo's devices beside the package.
    device_registry_file: str = ""
    log_level: str = "INFO"

    @field_validator("session_secret")
    @classmethod
    def _session_secret(cls, v: SecretStr) -> SecretStr:
        return check_secret("Z5G_SESSION_SECRET", v, min_length=32)

    @field_validator("service_principal_key")
    @classmethod
    def _service_principal_key(cls, v: SecretStr) -> SecretStr:
        return check_secret("Z5G_SERVICE_PRINCIPAL_KEY", v, min_length=32)

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

    def upload_limit_per_min(self) -> int:
        """Public uploads allowed per client per minute."""
        if self.upload_rate_per_min is not None:
            return self.upload_rate_per_min
        return max(1, self.public_rate_per_min // 4)

    def device_token_map(self) -> dict[str, str]:
        """Token → device id."""
        out = {}
        for pair in self.device_tokens.get_secret_value().split(","):
            device, _, token = pair.strip().partition("=")
            out[token] = device
        return out
