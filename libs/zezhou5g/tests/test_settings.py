"""Settings refuse missing required values and placeholder secrets, with clear messages."""

import pytest
from pydantic import SecretStr
from zezhou5g.platform.settings import ServiceSettings, check_secret, load_settings


def test_missing_required_values_stop_with_the_variable_names(monkeypatch, capsys):
    monkeypatch.delenv("Z5G_KAFKA_BOOTSTRAP", raising=False)
    monkeypatch.delenv("Z5G_REDIS_URL", raising=False)
    with pytest.raises(SystemExit) as exc:
        load_settings(ServiceSettings)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "Z5G_KAFKA_BOOTSTRAP" in err and "Z5G_REDIS_URL" in err


def test_values_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("Z5G_KAFKA_BOOTSTRAP", "k:9092")
    monkeypatch.setenv("Z5G_REDIS_URL", "redis://r:6379/0")
    monkeypatch.setenv("Z5G_GRPC_PORT", "50099")
    monkeypatch.setenv("Z5G_SERVICE_PRINCIPAL_KEY", "k" * 8 + "0123456789abcdef0123456789abcdef")
    s = load_settings(ServiceSettings)
    assert (s.kafka_bootstrap, s.grpc_port, s.env) == ("k:9092", 50099, "prod")


@pytest.mark.parametrize("value,problem", [
    ("changeme", "placeholder"), ("CHANGETHIS-secret-value-1234", "placeholder"),
    ("<your-secret-here>", "placeholder"), ("short", "at least"), ("secret", "placeholder"),
])
def test_placeholder_and_short_secrets_are_refused(value, problem):
    with pytest.raises(ValueError, match=problem):
        check_secret("Z5G_X", SecretStr(value))


def test_a_real_secret_passes():
    assert check_secret("Z5G_X", SecretStr("k3J9-x81mQz7pL0vR2")).get_secret_value()
