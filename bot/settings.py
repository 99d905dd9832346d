"""Typed settings, read once from the environment and an optional .env file."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Environment(StrEnum):
    """Where the bot runs; production refuses development-only parts."""

    DEVELOPMENT = "development"
    PRODUCTION = "production"


class LogFormat(StrEnum):
    """How log lines look."""

    TEXT = "text"
    JSON = "json"


class Settings(BaseSettings):
    """Every setting of dvc-bot; each one is listed, with a comment, in .env.example."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    environment: Environment = Environment.DEVELOPMENT
    database_url: str = "sqlite+aiosqlite:///./data/dvc-bot.sqlite3"
    data_dir: Path = Path("./data")
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    province_code: str = "04"
    agency_code_suffix: str = "H04"
    default_language: str = "vi"
    web_chat_enabled: bool = True
    log_level: str = "INFO"
    log_format: LogFormat = LogFormat.TEXT
    page_size: int = Field(default=6, ge=3, le=10)

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in ("vi", "en"):
            raise ValueError("DEFAULT_LANGUAGE must be vi or en")
        return value

    @field_validator("province_code")
    @classmethod
    def _two_digits(cls, value: str) -> str:
        if not (len(value) == 2 and value.isdigit()):
            raise ValueError("PROVINCE_CODE is the 2-digit province code, e.g. 04 for Cao Bằng")
        return value
