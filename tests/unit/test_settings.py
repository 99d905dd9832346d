"""Settings refuse unsafe or broken configurations; the master secret is required or kept safe."""

from __future__ import annotations

import json
import os
import re
import secrets
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from bot.keys import MIN_SECRET, SecretMissing, master_secret
from bot.settings import Environment, RegistryBackend, Settings, SmsBackend
from storage.admin_units import load_places
from storage.seed import all_agencies, load_catalog_data

REPO = Path(__file__).resolve().parents[2]
ENV_EXAMPLE = REPO / ".env.example"


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
        "payment_account_number": "0071000123456",
        "agency_code_suffix": "H12",
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


# --- production refuses demo values, through the command line --------------------------------

REAL = {
    "ENVIRONMENT": "production",
    "SMS_BACKEND": "http",
    "SMS_GATEWAY_URL": "https://sms.example.vn/send",
    "CITIZEN_REGISTRY": "http",
    "CITIZEN_REGISTRY_URL": "https://registry.example.vn/api",
    "PAYMENT_ACCOUNT_NUMBER": "0071000123456",
    "AGENCY_CODE_SUFFIX": "H12",
}
SECRET_TAIL = secrets.token_hex(8)  # were it echoed, this would show in the output
REFUSED = [
    ({"PAYMENT_ACCOUNT_NUMBER": "1234567890"}, "PAYMENT_ACCOUNT_NUMBER is the demo account", ""),
    ({"AGENCY_CODE_SUFFIX": "H04"}, "AGENCY_CODE_SUFFIX is a placeholder", ""),
    (
        {"AGENCY_CODE_SUFFIX": "CHANGE-ME-province-suffix"},
        "AGENCY_CODE_SUFFIX is a placeholder",
        "",
    ),
    (
        {"SECRET_KEY": f"CHANGE-ME-64-hex-characters-{SECRET_TAIL}"},
        "SECRET_KEY is an example value",
        SECRET_TAIL,
    ),
    (
        {"TELEGRAM_BOT_TOKEN": f"123456789:CHANGE-ME-token-from-BotFather-{SECRET_TAIL}"},
        "TELEGRAM_BOT_TOKEN is an example value",
        SECRET_TAIL,
    ),
    (
        {"SEPAY_WEBHOOK_SECRET": f"change-me-{SECRET_TAIL}"},
        "SEPAY_WEBHOOK_SECRET is an example value",
        SECRET_TAIL,
    ),
    (
        {"OFFICER_API_KEYS": json.dumps({f"change-me-a-long-random-key-{SECRET_TAIL}": "*"})},
        "OFFICER_API_KEYS holds an example key",
        SECRET_TAIL,
    ),
    (
        {"DATABASE_URL": f"postgresql+asyncpg://dvcbot:CHANGE-ME-{SECRET_TAIL}@127.0.0.1/dvcbot"},
        "DATABASE_URL has an example password",
        SECRET_TAIL,
    ),
    (
        {"DATABASE_URL": "postgresql://dvcbot:secret@127.0.0.1:5432/dvcbot"},
        "DATABASE_URL has an example password",
        ":secret@",
    ),
]


def run_cli(tmp_path: Path, settings: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`dvc-bot search …` in a clean environment holding only these settings."""
    ours = {name.upper() for name in Settings.model_fields}
    env = {k: v for k, v in os.environ.items() if k.upper() not in ours}
    env.update(settings, DATA_DIR=str(tmp_path / "data"), PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "search", "khai sinh"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(("change", "message", "secret"), REFUSED, ids=[m for _, m, _ in REFUSED])
def test_production_refuses_a_demo_value_in_one_line_that_never_echoes_it(
    tmp_path: Path, change: dict[str, str], message: str, secret: str
) -> None:
    done = run_cli(tmp_path, {**REAL, **change})
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"dvc-bot: settings: {message}"), lines
    assert "refused in production" in lines[0]
    if secret:
        assert secret not in done.stdout + done.stderr


def test_the_same_values_are_fine_in_development(tmp_path: Path) -> None:
    development = {"ENVIRONMENT": "development", "PAYMENT_ACCOUNT_NUMBER": "1234567890"}
    development |= {"AGENCY_CODE_SUFFIX": "H04", "SECRET_KEY": "CHANGE-ME-" + "0" * 40}
    done = run_cli(tmp_path, development)
    assert done.returncode == 0, done.stderr
    assert "khai sinh" in done.stdout.lower()  # the command ran: it found the procedure


def test_a_refused_production_setting_keeps_its_value_out_of_the_error(tmp_path: Path) -> None:
    key = f"CHANGE-ME-{SECRET_TAIL}-" + "0" * 24
    with pytest.raises(ValidationError) as refused:
        production(tmp_path, secret_key=key)
    assert SECRET_TAIL not in str(refused.value)
    assert "SECRET_KEY is an example value" in str(refused.value)


def test_the_provinces_suffix_replaces_the_catalogues_placeholder_in_every_agency_code() -> None:
    data, places = load_catalog_data(), load_places()
    agencies = all_agencies(data, places, "04", "H12")
    assert all(a.code.endswith(".H12") and a.short_code.startswith("H12.") for a in agencies)
    assert {a.id for a in agencies} == {a.id for a in all_agencies(data, places, "04", "H04")}
