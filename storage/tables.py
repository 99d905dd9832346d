"""SQLModel tables. Alembic migrations in storage/migrations create and change them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from storage.types import JsonColumn, UtcDateTime


class ConversationRow(SQLModel, table=True):
    """The dialogue state of one chat (JSON written by the conversations layer)."""

    __tablename__ = "conversation"

    key: str = Field(primary_key=True, max_length=120)
    state: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JsonColumn, nullable=False)
    )
    updated_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))


class ProcessedUpdateRow(SQLModel, table=True):
    """An update already applied to a chat, with the replies it produced."""

    __tablename__ = "processed_update"

    chat_key: str = Field(primary_key=True, max_length=120)
    update_id: str = Field(primary_key=True, max_length=80)
    replies: list[Any] = Field(default_factory=list, sa_column=Column(JsonColumn, nullable=False))
    created_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False, index=True))


class DraftRow(SQLModel, table=True):
    """A draft e-form."""

    __tablename__ = "draft"
    __table_args__ = (Index("ix_draft_owner_updated", "owner", "updated_at"),)

    id: str = Field(primary_key=True, max_length=40)
    owner: str = Field(max_length=120)
    citizen_id: str | None = Field(default=None, max_length=40, index=True)
    procedure_id: str = Field(max_length=60)
    agency_id: str = Field(max_length=60)
    answers: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JsonColumn, nullable=False)
    )
    cursor: str = Field(default="", max_length=60)
    status: str = Field(max_length=20)
    created_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))
    updated_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))


class SectorRow(SQLModel, table=True):
    """A sector of the catalogue."""

    __tablename__ = "sector"

    id: str = Field(primary_key=True, max_length=60)
    name_vi: str = Field(max_length=200)
    name_en: str = Field(max_length=200)


class ProcedureRow(SQLModel, table=True):
    """A procedure of the catalogue; `body` holds the full definition (fields, documents, fees)."""

    __tablename__ = "procedure"

    id: str = Field(primary_key=True, max_length=60)
    code: str | None = Field(default=None, max_length=20, unique=True)
    sector_id: str = Field(max_length=60, index=True)
    level: str = Field(max_length=20)
    name_vi: str = Field(max_length=300)
    body: dict[str, Any] = Field(sa_column=Column(JsonColumn, nullable=False))
    position: int = Field(default=0)


class AgencyRow(SQLModel, table=True):
    """A handling agency of the configured province."""

    __tablename__ = "agency"

    id: str = Field(primary_key=True, max_length=60)
    code: str = Field(max_length=40, unique=True)
    short_code: str = Field(max_length=20, unique=True)
    name_vi: str = Field(max_length=300)
    name_en: str = Field(max_length=300)
    kind: str = Field(max_length=30)
    ward_code: str | None = Field(default=None, max_length=10, index=True)


class CatalogMetaRow(SQLModel, table=True):
    """Facts about the seeded catalogue (its content hash, when it was seeded)."""

    __tablename__ = "catalog_meta"

    key: str = Field(primary_key=True, max_length=60)
    value: str = Field(max_length=200)


class CitizenRow(SQLModel, table=True):
    """A citizen who logged in: registry data encrypted, found by a keyed hash of the ID."""

    __tablename__ = "citizen"

    id: str = Field(primary_key=True, max_length=40)
    id_hash: str = Field(max_length=64, unique=True)
    profile: dict[str, Any] = Field(sa_column=Column(JsonColumn, nullable=False))
    created_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))
    updated_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))


class CitizenChatRow(SQLModel, table=True):
    """A chat (on any platform) where a citizen is or was logged in."""

    __tablename__ = "citizen_chat"

    citizen_id: str = Field(primary_key=True, max_length=40)
    chat_key: str = Field(primary_key=True, max_length=120, index=True)
    linked_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))
    active: bool = Field(default=True)


class ConsentRow(SQLModel, table=True):
    """A chat's answer to the personal-data notice (Law 91/2025), and when it was given."""

    __tablename__ = "consent"

    chat_key: str = Field(primary_key=True, max_length=120)
    version: str = Field(max_length=20)
    accepted: bool
    at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))
    citizen_id: str | None = Field(default=None, max_length=40, index=True)


class OtpChallengeRow(SQLModel, table=True):
    """An issued one-time code, kept only as a keyed hash."""

    __tablename__ = "otp_challenge"

    id: str = Field(primary_key=True, max_length=40)
    chat_key: str = Field(max_length=120, index=True)
    account: str = Field(max_length=64)
    phone_hash: str = Field(max_length=64)
    code_hash: str = Field(max_length=64)
    created_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))
    expires_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))
    attempts: int = Field(default=0)
    matched: bool = Field(default=False)
    closed: bool = Field(default=False)


class OtpSendRow(SQLModel, table=True):
    """One code sent to a phone for a chat (for the rate limits)."""

    __tablename__ = "otp_send"
    __table_args__ = (
        Index("ix_otp_send_phone", "phone_hash", "sent_at"),
        Index("ix_otp_send_chat", "chat_key", "sent_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    phone_hash: str = Field(max_length=64)
    chat_key: str = Field(max_length=120)
    sent_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))


class LoginLockoutRow(SQLModel, table=True):
    """Consecutive failed codes of an account (ID + phone) and its back-off."""

    __tablename__ = "login_lockout"

    account: str = Field(primary_key=True, max_length=64)
    failures: int = Field(default=0)
    locked_until: datetime | None = Field(default=None, sa_column=Column(UtcDateTime))
