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
