"""Settings refuse unsafe or broken configurations; the master secret is required or kept safe."""

from __future__ import annotations

import re
import stat
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from bot.keys import MIN_SECRET, SecretMissing, master_secret
from bot.settings import Environment, RegistryBackend, Settings, SmsBackend

ENV_EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No .env file and no setting from the environment reach these tests."""
    monkeypatch.chdir(tmp_path)
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
        monkeypatch.delenv(name, raising=False)


def production(tmp_path: Path, **overrides: Any) -> Settings:
    """A valid production configuration, changed by `overrides`."""
    values: dict[str, Any] = {
        "environment": "production",
        "sms_backend": "http",
        "sms_gateway_url": "https://sms.example.vn/send",
        "citizen_registry": "http",
        "citizen_registry_url": "https://registry.example.vn/api",
        "data_dir": tmp_path / "data",
        **overrides,
    }
    return Settings(**values)


# --- settings ------------------------------------------------------------------------------


def test_development_runs_with_no_configuration() -> None:
    settings = Settings()
    assert settings.environment is Environment.DEVELOPMENT
    assert settings.sms_backend is SmsBackend.DEV
    assert settings.citizen_registry is RegistryBackend.DEMO


def test_production_with_real_backends_is_accepted(tmp_path: Path) -> None:
    settings = production(tmp_path)
    assert (settings.sms_backend, settings.citizen_registry) == ("http", "http")


def test_production_refuses_the_dev_sms_channel(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="SMS_BACKEND=dev"):
        production(tmp_path, sms_backend="dev")


def test_production_refuses_the_demo_registry(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="CITIZEN_REGISTRY=demo"):
        production(tmp_path, citizen_registry="demo")


def test_production_is_refused_from_a_dotenv_file_too(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("ENVIRONMENT=production\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="SMS_BACKEND=dev"):
        Settings()


def test_production_is_refused_from_the_environment_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("SMS_BACKEND", "http")
    monkeypatch.setenv("SMS_GATEWAY_URL", "https://sms.example.vn/send")
    with pytest.raises(ValidationError, match="CITIZEN_REGISTRY=demo"):
        Settings()


@pytest.mark.parametrize("environment", ["development", "production"])
def test_the_http_sms_backend_needs_a_gateway_url(tmp_path: Path, environment: str) -> None:
    with pytest.raises(ValidationError, match="SMS_GATEWAY_URL"):
        production(tmp_path, environment=environment, sms_gateway_url="")


@pytest.mark.parametrize("environment", ["development", "production"])
def test_the_http_registry_needs_a_url(tmp_path: Path, environment: str) -> None:
    with pytest.raises(ValidationError, match="CITIZEN_REGISTRY_URL"):
        production(tmp_path, environment=environment, citizen_registry_url="")


def test_the_sms_template_must_carry_the_code() -> None:
    with pytest.raises(ValidationError, match=re.escape("{code}")):
        Settings(sms_template="DVC Cao Bang: ma xac thuc cua ban, hieu luc {minutes} phut")
    assert Settings(sms_template="Ma {code}").sms_template == "Ma {code}"


@pytest.mark.parametrize("template", ["Ma {code}, {minute} phut", "Ma {{code}}", "Ma {code} {"])
def test_an_sms_template_that_cannot_be_filled_is_refused(template: str) -> None:
    with pytest.raises(ValidationError):
        Settings(sms_template=template)


@pytest.mark.parametrize(
    ("seconds", "accepted"), [(29, False), (30, True), (600, True), (601, False)]
)
def test_a_code_lives_at_most_ten_minutes(seconds: int, accepted: bool) -> None:
    if accepted:
        assert Settings(otp_ttl_seconds=seconds).otp_ttl_seconds == seconds
    else:
        with pytest.raises(ValidationError, match="otp_ttl_seconds"):
            Settings(otp_ttl_seconds=seconds)


def test_secrets_do_not_show_in_the_settings_repr() -> None:
    secret = "s3cret-" * 6
    settings = Settings(secret_key=secret, sms_gateway_token=secret)
    assert secret not in repr(settings) and secret not in str(settings.model_dump())


def test_every_setting_is_documented_in_env_example() -> None:
    documented = set(re.findall(r"(?m)^#?\s*([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text("utf-8")))
    assert {name.upper() for name in Settings.model_fields} - documented == set()


# --- the master secret ---------------------------------------------------------------------


def test_production_without_a_secret_key_is_refused(tmp_path: Path) -> None:
    settings = production(tmp_path)
    with pytest.raises(SecretMissing, match="SECRET_KEY"):
        master_secret(settings)
    assert not (tmp_path / "data" / "secret.key").exists()


@pytest.mark.parametrize("environment", ["development", "production"])
def test_a_short_secret_key_is_refused(tmp_path: Path, environment: str) -> None:
    settings = production(tmp_path, environment=environment, secret_key="k" * (MIN_SECRET - 1))
    with pytest.raises(SecretMissing, match=str(MIN_SECRET)):
        master_secret(settings)


def test_a_long_enough_secret_key_is_the_master_secret(tmp_path: Path) -> None:
    key = "k" * MIN_SECRET
    assert master_secret(production(tmp_path, secret_key=key)) == key.encode()
    assert not (tmp_path / "data").exists()  # nothing written when the key is given


def test_development_creates_a_private_key_file_once(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data" / "nested")
    first = master_secret(settings)
    path = tmp_path / "data" / "nested" / "secret.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= MIN_SECRET
    assert master_secret(settings) == first
    assert master_secret(Settings(data_dir=tmp_path / "data" / "nested")) == first


def test_each_data_folder_has_its_own_secret(tmp_path: Path) -> None:
    one = master_secret(Settings(data_dir=tmp_path / "one"))
    other = master_secret(Settings(data_dir=tmp_path / "other"))
    assert one != other


def test_an_empty_key_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "secret.key").write_text("")
    with pytest.raises(SecretMissing):
        master_secret(Settings(data_dir=tmp_path / "data"))


def test_reminder_sweeps_are_frequent_enough_to_remind_before_a_payment_expires() -> None:
    assert Settings(reminders_minutes=180, _env_file=None).reminders_minutes == 180  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        Settings(reminders_minutes=300, _env_file=None)  # type: ignore[call-arg]
