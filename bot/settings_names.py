"""Our settings' names, known without pydantic, and when nothing set could be refused.

`dvc-bot search` reads no setting, yet refuses bad ones like every command (one line per
wrong setting). Validating them means importing pydantic and pydantic-settings (about 0.2 s);
when the environment sets none of our settings but ones that accept any value outside
production, and there is no .env file, validation could refuse nothing, so it is skipped.
tests/unit/test_settings_names.py keeps these lists in step with bot/settings.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

# Every field of bot.settings.Settings, as an environment variable.
NAMES = frozenset(
    {
        "ADMIN_CHATS",
        "AGENCY_CODE_SUFFIX",
        "BOT_FRAMEWORK",
        "CASSO_WEBHOOK_SECRET",
        "CITIZEN_REGISTRY",
        "CITIZEN_REGISTRY_TOKEN",
        "CITIZEN_REGISTRY_URL",
        "DATABASE_URL",
        "DATA_DIR",
        "DATA_MIN_FREE_MB",
        "DEFAULT_LANGUAGE",
        "DOSSIER_SYSTEM",
        "DOSSIER_SYSTEM_TOKEN",
        "DOSSIER_SYSTEM_URL",
        "ENVIRONMENT",
        "FLOOD_BURST",
        "FLOOD_COOLDOWN_SECONDS",
        "FLOOD_PER_MINUTE",
        "FOLLOW_FINISHED_DAYS",
        "FOLLOW_IDLE_DAYS",
        "FOLLOW_MAX_PER_CHAT",
        "FOLLOW_MAX_PER_DOSSIER",
        "HANDOVER_BACKOFF_MAX_SECONDS",
        "HANDOVER_BACKOFF_SECONDS",
        "HANDOVER_CONCURRENCY",
        "HANDOVER_LINK_HOURS",
        "HANDOVER_MAX_ATTEMPTS",
        "HANDOVER_TIMEOUT_SECONDS",
        "HOST",
        "HTTP_BODY_IDLE_SECONDS",
        "HUMAN_DESK_AGENCY",
        "LOG_FORMAT",
        "LOG_LEVEL",
        "MEDIA_LINK_HOURS",
        "METRICS_PORT",
        "METRICS_TOKEN",
        "OFFICER_API_KEYS",
        "OFFICER_CHATS",
        "OFFICE_HOURS",
        "OTP_MAX_ATTEMPTS",
        "OTP_PER_CHAT_DAY",
        "OTP_PER_PHONE_10MIN",
        "OTP_PER_PHONE_DAY",
        "OTP_RESEND_SECONDS",
        "OTP_TTL_SECONDS",
        "PAGE_SIZE",
        "PAYMENT_ACCOUNT_HOLDER",
        "PAYMENT_ACCOUNT_NUMBER",
        "PAYMENT_BANK_BIN",
        "PAYMENT_SIMULATOR",
        "PORT",
        "PROCESSED_UPDATE_RETENTION_HOURS",
        "PROVINCE_CODE",
        "PUBLIC_BASE_URL",
        "REMINDERS_MINUTES",
        "SCHEDULER",
        "SECRET_KEY",
        "SENDER_CLAIM_TIMEOUT_SECONDS",
        "SENDER_CONCURRENCY",
        "SEPAY_API_KEY",
        "SEPAY_WEBHOOK_SECRET",
        "SESSION_COOKIE_SECURE",
        "SESSION_IDLE_MINUTES",
        "SMS_BACKEND",
        "SMS_GATEWAY_TOKEN",
        "SMS_GATEWAY_URL",
        "SMS_TEMPLATE",
        "STAGING_MAX_AGE_MINUTES",
        "STATUS_SYNC_SECONDS",
        "TELEGRAM_API_BASE_URL",
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_BURST_PER_SECOND",
        "TELEGRAM_CHAT_INTERVAL_SECONDS",
        "TELEGRAM_RATE_PER_SECOND",
        "TELEGRAM_WEBHOOK_SECRET",
        "TELEGRAM_WEBHOOK_URL",
        "UPLOAD_QUOTA_ADDRESS_MB",
        "UPLOAD_QUOTA_CHAT_MB",
        "WEB_ADMIN_KEY",
        "WEB_CHAT_ENABLED",
        "ZALO_API_BASE_URL",
        "ZALO_APP_ID",
        "ZALO_APP_SECRET",
        "ZALO_BURST_PER_SECOND",
        "ZALO_OAUTH_BASE_URL",
        "ZALO_OA_SECRET_KEY",
        "ZALO_RATE_PER_SECOND",
        "ZALO_REFRESH_TOKEN",
    }
)
# Plain text or path settings that no validator reads unless ENVIRONMENT=production.
ANY_VALUE = frozenset({"DATABASE_URL", "DATA_DIR", "HOST", "LOG_LEVEL"})
ENV_FILE = Path(".env")  # as Settings.model_config reads it: from the working directory


def nothing_to_refuse(environ: Mapping[str, str], env_file: Path = ENV_FILE) -> bool:
    """True when `Settings()` could refuse nothing: no .env file, and each of our settings the
    environment holds (names read case-insensitively, as pydantic-settings does) is
    ENVIRONMENT=development or a setting that accepts any value in development."""
    if env_file.exists():
        return False
    for key, value in environ.items():
        name = key.upper()
        if name not in NAMES:
            continue
        if not _text(value):
            return False
        if name in ANY_VALUE or (name == "ENVIRONMENT" and value == "development"):
            continue
        return False
    return True


def _text(value: str) -> bool:
    """A value that is valid text (undecodable bytes reach os.environ as lone surrogates)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
