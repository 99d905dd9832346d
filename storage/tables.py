"""SQLModel tables. Alembic migrations in storage/migrations create and change them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Column, Index, Integer, Table, UniqueConstraint, text
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
    """An update already applied to a chat, with the replies it produced and (web chat) what
    the citizen's message showed: together they are the chat's history."""

    __tablename__ = "processed_update"
    __table_args__ = (Index("ix_processed_update_chat_created", "chat_key", "created_at"),)

    chat_key: str = Field(primary_key=True, max_length=120)
    update_id: str = Field(primary_key=True, max_length=80)
    replies: list[Any] = Field(default_factory=list, sa_column=Column(JsonColumn, nullable=False))
    said: Any = Field(default=None, sa_column=Column(JsonColumn, nullable=True))
    created_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False, index=True))


class WebSessionRow(SQLModel, table=True):
    """A browser's session of the web chat: a digest of its cookie, the chat it opens."""

    __tablename__ = "web_session"

    token_hash: str = Field(primary_key=True, max_length=64)
    chat_id: str = Field(max_length=64)
    admin: bool = Field(default=False)
    created_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))
    seen_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False, index=True))


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
    attachments: Any = Field(default=None, sa_column=Column(JsonColumn, nullable=True))
    status: str = Field(max_length=20)
    created_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))
    updated_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))
    # Raised on every change: writes are compare-and-set on it (two chats, one draft).
    version: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    dossier_id: str | None = Field(default=None, max_length=40)  # set once, when submitted
    changed_by: str = Field(default="", max_length=120, sa_column_kwargs={"server_default": ""})


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
    ward_code: str = Field(default="", max_length=10, index=True)  # for broadcasts to a ward
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
    # Logged out for being idle, the chat still gets the citizen's updates (no personal data)
    subscribed: bool = Field(default=False)


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
    """One code requested for an account by a chat from a source (for the rate limits)."""

    __tablename__ = "otp_send"
    __table_args__ = (
        Index("ix_otp_send_account", "account", "sent_at"),
        Index("ix_otp_send_chat", "chat_key", "sent_at"),
        Index("ix_otp_send_source", "source", "sent_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account: str = Field(max_length=64)  # keyed hash of ID number + phone
    chat_key: str = Field(max_length=120)
    source: str = Field(default="", max_length=64)  # keyed hash of the request's origin
    sent_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))


class LoginLockoutRow(SQLModel, table=True):
    """Consecutive failed codes of an account (ID + phone) in one chat, and its back-off."""

    __tablename__ = "login_lockout"

    account: str = Field(primary_key=True, max_length=64)
    failures: int = Field(default=0)
    locked_until: datetime | None = Field(default=None, sa_column=Column(UtcDateTime))


class DossierRow(SQLModel, table=True):
    """A submitted dossier; what officers filter on is in columns, the rest sealed in `body`."""

    __tablename__ = "dossier"
    __table_args__ = (
        Index("ix_dossier_agency_status", "agency_id", "status"),
        Index("ix_dossier_owner", "owner", "created_at"),
    )

    id: str = Field(primary_key=True, max_length=40)
    code: str = Field(max_length=40, unique=True)
    procedure_id: str = Field(max_length=60)
    agency_id: str = Field(max_length=60)
    owner: str = Field(max_length=120)
    citizen_id: str | None = Field(default=None, max_length=40, index=True)
    phase: str = Field(max_length=20)
    status: int | None = Field(default=None)
    fee: int | None = Field(default=None)
    created_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))
    submitted_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime))
    due_date: date | None = Field(default=None)
    overdue: bool = Field(default=False)
    body: dict[str, Any] = Field(sa_column=Column(JsonColumn, nullable=False))


class StatusChangeRow(SQLModel, table=True):
    """The log of status changes; the status sync pushes those not pushed yet, in order."""

    __tablename__ = "status_change"
    __table_args__ = (Index("ix_status_change_unpushed", "pushed", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    dossier_id: str = Field(max_length=40, index=True)
    status: int
    actor: str = Field(max_length=80)
    pushed: bool = Field(default=False)  # its messages are in the outbox
    body: dict[str, Any] = Field(sa_column=Column(JsonColumn, nullable=False))  # sealed note
    at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))


class DossierFollowerRow(SQLModel, table=True):
    """A chat following a dossier's status (besides its owner's chats)."""

    __tablename__ = "dossier_follower"

    dossier_id: str = Field(primary_key=True, max_length=40)
    chat_key: str = Field(primary_key=True, max_length=120, index=True)
    created_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))
    # The last follow or lookup by this chat: a follower idle too long expires.
    seen_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))


class DossierRatingRow(SQLModel, table=True):
    """A citizen's rating of the service for one dossier (one at most); the comment sealed."""

    __tablename__ = "dossier_rating"

    dossier_id: str = Field(primary_key=True, max_length=40)
    agency_id: str = Field(max_length=60, index=True)
    level: int
    commented: bool = Field(default=False)
    body: dict[str, Any] = Field(sa_column=Column(JsonColumn, nullable=False))  # sealed comment
    at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))


class JobCursorRow(SQLModel, table=True):
    """How far a scheduled job has read a log (status sync: the last change pushed)."""

    __tablename__ = "job_cursor"

    name: str = Field(primary_key=True, max_length=60)
    position: int = Field(default=0, sa_type=BigInteger)
    updated_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))


class BroadcastRow(SQLModel, table=True):
    """An admin's broadcast: the message (sealed), the audience, and where it stands."""

    __tablename__ = "broadcast"

    id: str = Field(primary_key=True, max_length=40)
    created_by: str = Field(max_length=120)
    audience: dict[str, Any] = Field(sa_column=Column(JsonColumn, nullable=False))
    message: dict[str, Any] = Field(sa_column=Column(JsonColumn, nullable=False))
    state: str = Field(max_length=20)
    total: int = Field(default=0)
    progress: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JsonColumn, nullable=False)
    )
    created_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))
    updated_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))


class DossierSequenceRow(SQLModel, table=True):
    """The last number of an agency's daily dossier sequence."""

    __tablename__ = "dossier_sequence"

    agency_code: str = Field(primary_key=True, max_length=40)
    day: date = Field(primary_key=True)
    last: int = Field(default=0)


class StoredDocumentRow(SQLModel, table=True):
    """A document of the citizen's store ("Kho dữ liệu"); the bytes are in the file store."""

    __tablename__ = "stored_document"
    __table_args__ = (Index("ix_stored_document_owner", "owner", "created_at"),)

    id: str = Field(primary_key=True, max_length=40)
    owner: str = Field(max_length=120)
    citizen_id: str | None = Field(default=None, max_length=40, index=True)
    component: str = Field(max_length=60)
    meta: dict[str, Any] = Field(sa_column=Column(JsonColumn, nullable=False))
    kind: str = Field(max_length=10)
    size: int
    ref: str = Field(max_length=80)
    source: str = Field(max_length=20)
    created_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))


class PaymentEventRow(SQLModel, table=True):
    """A bank-transfer notification received (its id makes retries harmless)."""

    __tablename__ = "payment_event"

    provider: str = Field(primary_key=True, max_length=20)
    transaction_id: str = Field(primary_key=True, max_length=80)
    outcome: str = Field(max_length=20, index=True)
    body: dict[str, Any] = Field(sa_column=Column(JsonColumn, nullable=False))
    received_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))


class OutboxRow(SQLModel, table=True):
    """A message to send outside a direct reply; (recipient, event) is unique."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("recipient", "event", name="uq_outbox_recipient_event"),
        Index("ix_outbox_pending", "status", "recipient", "id"),
        Index("ix_outbox_due", "platform", "status", "priority", "id"),
        # Only a broadcast's rows (replies and pushes have no batch): migration 0016.
        Index(
            "ix_outbox_batch",
            "batch",
            "status",
            sqlite_where=text("batch IS NOT NULL"),
            postgresql_where=text("batch IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    recipient: str = Field(max_length=120)
    platform: str = Field(default="", max_length=20)
    event: str = Field(max_length=120)
    batch: str | None = Field(default=None, max_length=40)
    message: dict[str, Any] = Field(sa_column=Column(JsonColumn, nullable=False))
    status: str = Field(max_length=20)
    attempts: int = Field(default=0)
    priority: int = Field(default=1)  # services.outbox.Priority: replies 0, pushes 1, broadcasts 2
    progress: int = Field(default=0)  # parts delivered (a message sent in several calls)
    not_before: datetime | None = Field(default=None, sa_column=Column(UtcDateTime))
    error: str = Field(default="", max_length=80)
    created_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime))


class ChatStatusRow(SQLModel, table=True):
    """Whether a chat can still be reached (a user who blocked the bot is marked inactive)."""

    __tablename__ = "chat_status"

    chat_key: str = Field(primary_key=True, max_length=120)
    active: bool = Field(default=True)
    reason: str = Field(default="", max_length=60)
    updated_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))


class ZaloTokenRow(SQLModel, table=True):
    """The OA's access and refresh tokens (sealed); the refresh token is single-use."""

    __tablename__ = "zalo_token"

    app_id: str = Field(primary_key=True, max_length=40)
    tokens: dict[str, Any] = Field(sa_column=Column(JsonColumn, nullable=False))
    expires_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))
    updated_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))


class ZaloUserRow(SQLModel, table=True):
    """A Zalo user's messaging window: replies are free for 48 h after their last message,
    at most 8 of them; outside it a push needs another channel."""

    __tablename__ = "zalo_user"

    user_id: str = Field(primary_key=True, max_length=40)
    last_inbound_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime))
    replies_since: int = Field(default=0)
    following: bool = Field(default=True)
    menu: Any = Field(default=None, sa_column=Column(JsonColumn, nullable=True))


class InboxRow(SQLModel, table=True):
    """An update received from a platform, recorded before it was acknowledged (services.inbox);
    (platform, update_id) is unique."""

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("platform", "update_id", name="uq_inbox_platform_update"),
        # Only pending rows (the applier's reads; applied rows leave it): migration 0016.
        # Its queries name the status as a literal (storage.inbox.PENDING_ONLY): a bound
        # value would not show the planner that they ask for pending rows only.
        Index(
            "ix_inbox_pending",
            "platform",
            "status",
            "id",
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        # Only settled rows (the purge's): migration 0016.
        Index(
            "ix_inbox_settled",
            "status",
            "settled_at",
            sqlite_where=text("settled_at IS NOT NULL"),
            postgresql_where=text("settled_at IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=20)
    update_id: str = Field(max_length=200)
    chat_key: str = Field(default="", max_length=120)
    body: dict[str, Any] = Field(sa_column=Column(JsonColumn, nullable=False))
    status: str = Field(max_length=20)
    attempts: int = Field(default=0)
    error: str = Field(default="", max_length=80)
    received_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))
    settled_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime))


class ZaloHeldRow(SQLModel, table=True):
    """An update Zalo would not carry to a user when it happened (quota used up, unfollowed,
    refused), kept to be delivered when they next write (services.missed_updates)."""

    __tablename__ = "zalo_held"
    __table_args__ = (
        UniqueConstraint("user_id", "event", name="uq_zalo_held_user_event"),
        Index("ix_zalo_held_user_state", "user_id", "state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(max_length=40)
    event: str = Field(max_length=120)
    dossier: str = Field(default="", max_length=60)
    message: Any = Field(sa_column=Column(JsonColumn, nullable=False))  # sealed
    state: str = Field(default="held", max_length=12)
    held_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))
    settled_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime))


class TalkRow(SQLModel, table=True):
    """A conversation handed over to an agency's officers (services.talks)."""

    __tablename__ = "talk"
    __table_args__ = (Index("ix_talk_agency_state", "agency_id", "state"),)

    id: str = Field(primary_key=True, max_length=40)
    chat_key: str = Field(max_length=120, index=True)
    agency_id: str = Field(max_length=80)
    dossier_id: str = Field(default="", max_length=40, index=True)
    dossier_code: str = Field(default="", max_length=60)
    state: str = Field(max_length=12)
    opened_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))
    closed_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime))
    closed_by: str = Field(default="", max_length=120)


class TalkMessageRow(SQLModel, table=True):
    """One message of a hand-over's exchange; the text is sealed."""

    __tablename__ = "talk_message"

    talk_id: str = Field(primary_key=True, max_length=40)
    seq: int = Field(primary_key=True, sa_type=Integer, sa_column_kwargs={"autoincrement": False})
    author: str = Field(max_length=12)
    name: str = Field(default="", max_length=80)
    body: dict[str, Any] = Field(sa_column=Column(JsonColumn, nullable=False))
    at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))


class HandoverRow(SQLModel, table=True):
    """An event for the one-stop system (services.handover): queued in the transaction that
    caused it, delivered by the scheduler, kept once accepted or dead (the dead letters)."""

    __tablename__ = "handover"
    __table_args__ = (
        Index("ix_handover_due", "status", "not_before"),
        Index("ix_handover_dossier", "dossier_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)  # the order of events
    key: str = Field(max_length=120, unique=True)  # the Idempotency-Key
    dossier_id: str = Field(max_length=40)
    kind: str = Field(max_length=20)
    detail: Any = Field(sa_column=Column(JsonColumn, nullable=False))  # sealed
    status: str = Field(max_length=12)
    attempts: int = Field(default=0)
    not_before: datetime | None = Field(default=None, sa_column=Column(UtcDateTime))
    error: str = Field(default="", max_length=200)
    remote_code: str = Field(default="", max_length=80)
    received_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime))
    created_at: datetime = Field(sa_column=Column(UtcDateTime, nullable=False))
    settled_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime))


def table_of(row: type[SQLModel]) -> Table:
    """The Core table of a row class, for the repositories' SQLAlchemy Core statements.

    SQLModel sets `__table__` when the class is built but does not declare it in its types;
    reading it here, checked, gives every caller a typed `Table` instead of an ignore.
    """
    table = vars(row).get("__table__")
    if not isinstance(table, Table):
        raise TypeError(f"{row.__name__} is not a table model")
    return table
