"""Typed settings, read once from the environment and an optional .env file."""

from __future__ import annotations

import re
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from conversations.texts import LANGUAGES
from services.office_hours import parse_sessions
from services.processed_retention import DEFAULT_WINDOW, FLOOR
from services.vietqr import bank_by_bin
from storage.catalog_files import CATALOGUE_SUFFIX

# Shipped values that only make sense for a demo: production refuses them.
DEMO_PAYMENT_ACCOUNT = "1234567890"  # .env.example: "The defaults are a demo account"
PLACEHOLDER_AGENCY_SUFFIX = CATALOGUE_SUFFIX  # .env.example: "a placeholder of the right shape"
# Secrets as written in .env.example and docs/deploy.md (CHANGE-ME-…, change-me-…), and the
# database password of .env.example's PostgreSQL example.
_EXAMPLE_SECRET = re.compile(r"change[-_ ]?me", re.IGNORECASE)
_EXAMPLE_DATABASE_PASSWORDS = frozenset({"secret"})


def _is_example_secret(value: str) -> bool:
    return bool(_EXAMPLE_SECRET.search(value))


class Environment(StrEnum):
    """Where the bot runs; production refuses development-only parts."""

    DEVELOPMENT = "development"
    PRODUCTION = "production"


class SmsBackend(StrEnum):
    """Where one-time codes go."""

    DEV = "dev"  # development only: printed to the terminal and shown in the web chat's phone
    HTTP = "http"  # an HTTP SMS gateway


class RegistryBackend(StrEnum):
    """Where citizens' identities come from."""

    DEMO = "demo"  # fictional demo citizens shipped with the project
    HTTP = "http"  # an HTTP adapter to the population registry


class DossierSystemBackend(StrEnum):
    """Where dossier statuses change."""

    EMBEDDED = "embedded"  # our own database: officers use /api/v1 and admin chat commands
    HTTP = "http"  # a remote provincial one-stop system, read by cursor


class BotFramework(StrEnum):
    """Which Telegram library carries the updates (both are thin transports)."""

    PTB = "ptb"
    AIOGRAM = "aiogram"


class LogFormat(StrEnum):
    """How log lines look."""

    TEXT = "text"
    JSON = "json"


class Settings(BaseSettings):
    """Every setting of dvc-bot; each one is listed, with a comment, in .env.example."""

    # hide_input_in_errors: a refused setting's error never carries the values it was given.
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", hide_input_in_errors=True
    )

    environment: Environment = Environment.DEVELOPMENT
    # DATABASE_URL, DATA_DIR, HOST and LOG_LEVEL take any text outside production, so
    # `dvc-bot search` need not validate them (bot/settings_names.py): keep it so, or drop
    # them from settings_names.ANY_VALUE. A new setting goes in settings_names.NAMES too.
    database_url: str = "sqlite+aiosqlite:///./data/dvc-bot.sqlite3"
    data_dir: Path = Path("./data")
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    # The address citizens reach this service at: the QR code on the e-form PDF opens
    # <public_base_url>/status/<dossier code>.
    public_base_url: str = "http://127.0.0.1:8080"
    province_code: str = "04"
    agency_code_suffix: str = "H04"
    default_language: str = "vi"
    web_chat_enabled: bool = True
    log_level: str = "INFO"
    log_format: LogFormat = LogFormat.TEXT
    page_size: int = Field(default=6, ge=3, le=10)
    secret_key: SecretStr | None = None
    session_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    # Processed updates (their recorded replies) are kept this long, then pruned by the
    # scheduler (services.processed_retention). At least 25 h: Telegram may deliver an update
    # again for 24 h. Records a redelivery still needs (inbox) or a live web chat shows are kept.
    processed_update_retention_hours: int = Field(
        default=DEFAULT_WINDOW // timedelta(hours=1), ge=FLOOR // timedelta(hours=1), le=24 * 3650
    )
    # Flood control (conversations.flood): a chat may send FLOOD_BURST updates at once, refilled
    # at FLOOD_PER_MINUTE; over it, one warning and FLOOD_COOLDOWN_SECONDS of silence. 0: off.
    flood_burst: int = Field(default=20, ge=0, le=1000)
    flood_per_minute: int = Field(default=60, ge=1, le=6000)
    flood_cooldown_seconds: int = Field(default=30, ge=1, le=3600)
    otp_ttl_seconds: int = Field(default=300, ge=30, le=600)
    otp_max_attempts: int = Field(default=5, ge=1, le=10)
    otp_resend_seconds: int = Field(default=60, ge=30, le=600)
    otp_per_phone_10min: int = Field(default=3, ge=1, le=10)
    otp_per_phone_day: int = Field(default=10, ge=1, le=50)
    otp_per_chat_day: int = Field(default=15, ge=1, le=100)
    sms_backend: SmsBackend = SmsBackend.DEV
    sms_gateway_url: str = ""
    sms_gateway_token: SecretStr | None = None
    sms_template: str = (
        "DVC Cao Bang: ma xac thuc cua ban la {code}, hieu luc {minutes} phut. "
        "Khong chia se ma nay voi bat ky ai."
    )
    payment_bank_bin: str = "970415"
    payment_account_number: str = "1234567890"
    payment_account_holder: str = "THU PHI DICH VU CONG CAO BANG"
    sepay_webhook_secret: SecretStr | None = None
    sepay_api_key: SecretStr | None = None
    casso_webhook_secret: SecretStr | None = None
    payment_simulator: bool | None = None  # None: on in development, off in production
    telegram_bot_token: SecretStr | None = None
    bot_framework: BotFramework = BotFramework.PTB
    telegram_webhook_url: str = ""
    telegram_webhook_secret: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org"
    zalo_app_id: str = ""
    zalo_oa_secret_key: SecretStr | None = None
    zalo_app_secret: SecretStr | None = None
    zalo_refresh_token: SecretStr | None = None
    zalo_api_base_url: str = "https://openapi.zalo.me"
    zalo_oauth_base_url: str = "https://oauth.zaloapp.com"
    citizen_registry: RegistryBackend = RegistryBackend.DEMO
    citizen_registry_url: str = ""
    citizen_registry_token: SecretStr | None = None
    officer_api_keys: dict[str, str] = Field(default_factory=dict)  # key → agency id or "*"
    admin_chats: list[str] = Field(default_factory=list)  # chat keys, e.g. telegram:12345
    # Talk to a person: officer chats answering hand-overs (chat key → "agency id" or
    # "agency id|display name"; "*" for the whole province), the desk of general questions,
    # and office hours in Vietnam time (Monday to Friday, public holidays off).
    officer_chats: dict[str, str] = Field(default_factory=dict)
    human_desk_agency: str = "ubnd_tinh"
    office_hours: str = "07:30-11:30,13:30-17:00"
    # The web chat's admin sign-in (/chat/admin): whoever gives this key gets the admin
    # commands in that browser's chat. Unset: no admin in the web chat.
    web_admin_key: SecretStr | None = None
    # The web chat's session cookie is Secure when the request came over TLS (directly or
    # X-Forwarded-Proto: https); true: always, e.g. behind a proxy that does not say so.
    session_cookie_secure: bool = False
    scheduler: bool = True  # run the scheduler in this process (dvc-bot run)
    status_sync_seconds: int = Field(default=15, ge=1, le=3600)  # the safety-net sweep
    # Bounded following (services.following): dossiers one chat may follow, follower chats
    # one dossier may have (a status change fans out to at most that many), days a follower
    # stays without a lookup, days after a dossier ended.
    follow_max_per_chat: int = Field(default=20, ge=1, le=1000)
    follow_max_per_dossier: int = Field(default=50, ge=1, le=10_000)
    follow_idle_days: int = Field(default=180, ge=1, le=3650)
    follow_finished_days: int = Field(default=30, ge=0, le=3650)
    # At most 3 h: the unpaid reminder is due in the last 4 h of a payment request's validity
    # (services.dossiers.PAYMENT_REMINDER_BEFORE), and a sweep must fall inside that window.
    reminders_minutes: int = Field(default=60, ge=1, le=180)
    telegram_rate_per_second: float = Field(default=29.5, gt=0, le=1000)
    telegram_chat_interval_seconds: float = Field(default=1.0, ge=0, le=60)
    # The platform's ceiling: a sender behind its rate (a 429 pause, a slow database) catches
    # up at up to this many messages per second, never more in any one second (0: the rate).
    telegram_burst_per_second: float = Field(default=30.0, ge=0, le=1000)
    zalo_rate_per_second: float = Field(default=10.0, gt=0, le=1000)
    zalo_burst_per_second: float = Field(default=0.0, ge=0, le=1000)
    sender_concurrency: int = Field(default=8, ge=1, le=64)
    sender_claim_timeout_seconds: float = Field(default=120.0, ge=1, le=3600)
    dossier_system: DossierSystemBackend = DossierSystemBackend.EMBEDDED
    dossier_system_url: str = ""
    dossier_system_token: SecretStr | None = None
    # Hand-over to the one-stop system (DOSSIER_SYSTEM=http; docs/one-stop-contract.md): sent
    # to DOSSIER_SYSTEM_URL with DOSSIER_SYSTEM_TOKEN; retried after HANDOVER_BACKOFF_SECONDS,
    # doubling up to HANDOVER_BACKOFF_MAX_SECONDS (with jitter), dead after
    # HANDOVER_MAX_ATTEMPTS; documents offered by signed links valid HANDOVER_LINK_HOURS.
    handover_backoff_seconds: float = Field(default=2.0, gt=0, le=3600)
    handover_backoff_max_seconds: float = Field(default=600.0, gt=0, le=86400)
    handover_max_attempts: int = Field(default=30, ge=1, le=1000)
    handover_timeout_seconds: float = Field(default=15.0, gt=0, le=300)
    handover_concurrency: int = Field(default=16, ge=1, le=256)
    handover_link_hours: int = Field(default=72, ge=1, le=24 * 30)
    # Uploads (bot.web.chat_upload): bytes one web chat and one client address may have waiting
    # in staging (received, not yet attached to a dossier); files nothing claims are removed
    # after STAGING_MAX_AGE_MINUTES (by the scheduler, and at start-up). Below
    # DATA_MIN_FREE_MB free in DATA_DIR, uploads are refused and /readyz says "disk": "low"
    # (0: no check).
    upload_quota_chat_mb: int = Field(default=60, ge=1, le=100_000)
    upload_quota_address_mb: int = Field(default=200, ge=1, le=1_000_000)
    staging_max_age_minutes: int = Field(default=60, ge=5, le=24 * 60)
    data_min_free_mb: int = Field(default=512, ge=0, le=10**12)
    # HTTP edges: a request body that stops moving for this long is answered 408 and dropped;
    # signed web chat media links (QR codes, receipts) work for MEDIA_LINK_HOURS.
    http_body_idle_seconds: float = Field(default=30.0, ge=1, le=600)
    media_link_hours: int = Field(default=12, ge=1, le=24 * 30)
    metrics_token: SecretStr | None = None  # bearer token for /metrics; open when unset
    metrics_port: int = Field(default=0, ge=0, le=65535)  # the scheduler role's /metrics

    @model_validator(mode="after")
    def _production_is_safe(self) -> Settings:
        if self.environment is Environment.PRODUCTION:
            if self.sms_backend is SmsBackend.DEV:
                raise ValueError(
                    "SMS_BACKEND=dev prints codes to the terminal: refused in production "
                    "(use SMS_BACKEND=http with SMS_GATEWAY_URL)"
                )
            if self.citizen_registry is RegistryBackend.DEMO:
                raise ValueError(
                    "CITIZEN_REGISTRY=demo holds fictional people: refused in production"
                )
            if self.payment_simulator:
                raise ValueError("PAYMENT_SIMULATOR fakes bank transfers: refused in production")
            self._no_demo_values()
        if self.payment_simulator is None:
            self.payment_simulator = self.environment is Environment.DEVELOPMENT
        if self.sms_backend is SmsBackend.HTTP and not self.sms_gateway_url:
            raise ValueError("SMS_BACKEND=http needs SMS_GATEWAY_URL")
        if self.citizen_registry is RegistryBackend.HTTP and not self.citizen_registry_url:
            raise ValueError("CITIZEN_REGISTRY=http needs CITIZEN_REGISTRY_URL")
        if self.dossier_system is DossierSystemBackend.HTTP and not self.dossier_system_url:
            raise ValueError("DOSSIER_SYSTEM=http needs DOSSIER_SYSTEM_URL")
        weak = [key for key in self.officer_api_keys if len(key) < 24]
        if weak:
            raise ValueError("each OFFICER_API_KEYS key must be at least 24 characters")
        admin_key = self.web_admin_key.get_secret_value() if self.web_admin_key else None
        if admin_key is not None and len(admin_key) < 24:
            raise ValueError("WEB_ADMIN_KEY must be at least 24 characters")
        parse_sessions(self.office_hours)  # raises on a malformed value
        for chat in [*self.admin_chats, *self.officer_chats]:
            platform, _, chat_id = chat.partition(":")
            if platform == "web":
                raise ValueError(
                    f"ADMIN_CHATS: {chat!r} refused: a web chat id proves nothing; "
                    "sign in at /chat/admin with WEB_ADMIN_KEY instead"
                )
            if platform not in ("telegram", "zalo") or not chat_id:
                raise ValueError(f"ADMIN_CHATS: {chat!r} is not a chat key like telegram:12345")
        try:
            sample = self.sms_template.format(code="000000", minutes=5)
        except (KeyError, IndexError, ValueError):
            raise ValueError("SMS_TEMPLATE may only use {code} and {minutes}") from None
        if "000000" not in sample:
            raise ValueError("SMS_TEMPLATE must contain {code}")
        return self

    def _no_demo_values(self) -> None:
        """Production refuses the demo account, the placeholder suffix and example secrets;
        each message names the setting, never its value."""
        if self.payment_account_number == DEMO_PAYMENT_ACCOUNT:
            raise ValueError(
                "PAYMENT_ACCOUNT_NUMBER is the demo account: refused in production "
                "(set the account fees are paid into)"
            )
        if self.agency_code_suffix == PLACEHOLDER_AGENCY_SUFFIX or _is_example_secret(
            self.agency_code_suffix
        ):
            raise ValueError(
                "AGENCY_CODE_SUFFIX is a placeholder: refused in "
                "production (set the province's published QCVN 102 suffix)"
            )
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr) and _is_example_secret(value.get_secret_value()):
                raise ValueError(
                    f"{name.upper()} is an example value: refused in production "
                    "(generate one, e.g. openssl rand -hex 32)"
                )
        if any(_is_example_secret(key) for key in self.officer_api_keys):
            raise ValueError("OFFICER_API_KEYS holds an example key: refused in production")
        try:
            password = urlsplit(self.database_url).password or ""
        except ValueError:
            password = ""
        if _is_example_secret(password) or password in _EXAMPLE_DATABASE_PASSWORDS:
            raise ValueError("DATABASE_URL has an example password: refused in production")

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"DEFAULT_LANGUAGE must be one of: {', '.join(LANGUAGES)}")
        return value

    @field_validator("public_base_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        scheme, _, rest = value.partition("://")
        if scheme not in ("http", "https") or not rest or not value.isascii() or " " in value:
            raise ValueError("PUBLIC_BASE_URL is an http(s) address, e.g. https://dvc.example.vn")
        return value.rstrip("/")

    @field_validator("payment_bank_bin")
    @classmethod
    def _known_bank(cls, value: str) -> str:
        if bank_by_bin(value) is None:
            raise ValueError("PAYMENT_BANK_BIN is not the NAPAS BIN of a known bank")
        return value

    @field_validator("payment_account_number")
    @classmethod
    def _account(cls, value: str) -> str:
        if not (value.isascii() and value.isalnum() and 1 <= len(value) <= 19):
            raise ValueError("PAYMENT_ACCOUNT_NUMBER must be 1 to 19 letters or digits")
        return value

    @field_validator("province_code")
    @classmethod
    def _two_digits(cls, value: str) -> str:
        if not (len(value) == 2 and value.isdigit()):
            raise ValueError("PROVINCE_CODE is the 2-digit province code, e.g. 04 for Cao Bằng")
        return value
