"""Ports: what the domain and the dialogue need from the outside world, as Protocols."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self

from services.broadcasts import BroadcastRepository, ChatDirectory
from services.citizens import Citizen
from services.consent import Consent
from services.documents import DocumentRepository
from services.dossiers import DossierRepository, PaymentEventRepository
from services.drafts import Draft
from services.handover import HandoverOutbox
from services.ids import IdGenerator
from services.inbox import Inbox
from services.otp import OtpStore
from services.outbox import Outbox
from services.ratings import RatingRepository
from services.talks import TalkRepository

Json = Any  # a value json.dumps accepts


@dataclass(frozen=True, slots=True)
class StoredConversation:
    """A chat's saved state (JSON, None for a new chat) and, for an update already applied,
    the replies recorded then (None for a new update)."""

    key: str
    state: Mapping[str, Json] | None
    replies: Sequence[Json] | None = None


class ConversationStore(Protocol):
    """Per-chat dialogue state and the record of updates already applied."""

    async def load(self, key: str, update_id: str) -> StoredConversation:
        """The chat's state, locked against concurrent writers until commit, and the replies
        recorded for `update_id` if it was applied before — read once the lock is held, so a
        delivery of the same update that committed while this one waited counts as applied."""
        ...

    async def save(self, key: str, state: Mapping[str, Json]) -> None:
        """Replace the chat's state."""
        ...

    async def record(
        self,
        key: str,
        update_id: str,
        replies: Sequence[Json],
        said: Json | None = None,
        at: datetime | None = None,
    ) -> None:
        """Record that an update was applied (at `at`), with the replies it produced and,
        for a chat that keeps its history, what the citizen's message showed (`said`)."""
        ...

    async def erase(self, keys: Sequence[str]) -> None:
        """Forget these chats' state, recorded replies and what they said (the update ids
        are kept, so a late redelivery is still not applied twice, until the scheduler prunes
        them with the others: services.processed_retention)."""
        ...


class DraftRepository(Protocol):
    """Drafts of e-forms."""

    async def get(self, draft_id: str) -> Draft | None:
        """One draft by id."""
        ...

    async def add(self, draft: Draft) -> None:
        """Store a new draft."""
        ...

    async def update(self, draft: Draft) -> None:
        """Store a change to a draft read in this unit of work (its version is raised).

        Compare-and-set on `draft.version`: if another unit of work stored a newer version
        since it was read, raise DraftConflict (here or at commit) and write nothing.
        """
        ...

    async def claim(self, draft_id: str, version: int, dossier_id: str, at: datetime) -> bool:
        """Mark an open draft still at `version` SUBMITTED as `dossier_id`, atomically.

        False (and nothing written) when it was submitted, changed or deleted by another
        chat first: two chats pressing submit make one dossier.
        """
        ...

    async def list_for(self, owner: str, citizen_id: str | None) -> Sequence[Draft]:
        """Open drafts of a chat (and of its citizen, when logged in), newest first."""
        ...

    async def delete(self, draft_id: str) -> None:
        """Remove a draft."""
        ...

    async def erase(self, owners: Sequence[str], citizen_id: str) -> int:
        """Delete every draft of these chats or of the citizen; returns how many."""
        ...


class CitizenRepository(Protocol):
    """Citizens who logged in, and the chats they are logged in on."""

    async def find(self, id_number: str) -> Citizen | None:
        """The citizen with this ID number."""
        ...

    async def get(self, citizen_id: str) -> Citizen | None:
        """The citizen with this internal id."""
        ...

    async def save(self, citizen: Citizen, at: datetime) -> None:
        """Insert or update the citizen's registry data."""
        ...

    async def link(self, citizen_id: str, chat_key: str, at: datetime) -> None:
        """Note that the citizen is logged in on a chat."""
        ...

    async def unlink(self, chat_key: str, keep_updates: bool = False) -> None:
        """Note that the chat logged out; with `keep_updates` (an idle logout) it stays
        subscribed to its citizen's status updates, otherwise (the user's own /logout) it
        stops getting them."""
        ...

    async def subscribed_chats(self, citizen_id: str) -> Sequence[str]:
        """Chats logged out for being idle that still get the citizen's status updates."""
        ...

    async def chats(self, citizen_id: str) -> Sequence[str]:
        """Chats where the citizen is logged in."""
        ...

    async def citizen_of(self, chat_key: str) -> str | None:
        """The citizen logged in on a chat, if any."""
        ...

    async def erase(self, citizen_id: str) -> Sequence[str]:
        """Delete the citizen and their chat links; returns every chat key they used."""
        ...


class ConsentRepository(Protocol):
    """Answers to the personal-data notice."""

    async def get(self, chat_key: str) -> Consent | None:
        """The chat's latest answer."""
        ...

    async def record(self, consent: Consent) -> None:
        """Store (replace) the chat's answer."""
        ...

    async def erase(self, chat_keys: Sequence[str]) -> None:
        """Delete the answers of these chats."""
        ...


class JobCursors(Protocol):
    """How far each scheduled job has read its log."""

    async def get(self, name: str) -> int:
        """The position (0 when the job never ran)."""
        ...

    async def set(self, name: str, position: int, at: datetime) -> None:
        """Store the new position."""
        ...


class UnitOfWork(Protocol):
    """One transaction: everything done through its repositories commits or rolls back.

    The repositories are read-only properties so that an implementation may hold a more
    specific type (SqlOutbox for Outbox); a plain attribute would have to match exactly.
    """

    @property
    def conversations(self) -> ConversationStore: ...
    @property
    def drafts(self) -> DraftRepository: ...
    @property
    def citizens(self) -> CitizenRepository: ...
    @property
    def consents(self) -> ConsentRepository: ...
    @property
    def otp(self) -> OtpStore: ...
    @property
    def dossiers(self) -> DossierRepository: ...
    @property
    def documents(self) -> DocumentRepository: ...
    @property
    def payments(self) -> PaymentEventRepository: ...
    @property
    def outbox(self) -> Outbox: ...
    @property
    def ratings(self) -> RatingRepository: ...
    @property
    def inbox(self) -> Inbox: ...
    @property
    def broadcasts(self) -> BroadcastRepository: ...
    @property
    def chats(self) -> ChatDirectory: ...
    @property
    def cursors(self) -> JobCursors: ...
    @property
    def talks(self) -> TalkRepository: ...
    @property
    def handovers(self) -> HandoverOutbox: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None:
        """Make the work durable, then wake the topics asked for (in this process, and on
        PostgreSQL in every process listening)."""
        ...

    def wake(self, topic: str) -> None:
        """Wake whoever waits on `topic` (e.g. "outbox:telegram") once this commits."""
        ...


class UnitOfWorkFactory(Protocol):
    """Opens a new unit of work."""

    def __call__(self) -> UnitOfWork: ...


__all__ = [
    "CitizenRepository",
    "ConsentRepository",
    "ConversationStore",
    "DocumentRepository",
    "DossierRepository",
    "DraftRepository",
    "IdGenerator",
    "JobCursors",
    "Json",
    "OtpStore",
    "Outbox",
    "PaymentEventRepository",
    "StoredConversation",
    "UnitOfWork",
    "UnitOfWorkFactory",
]
