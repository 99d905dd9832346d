"""Ports: what the domain and the dialogue need from the outside world, as Protocols."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol, Self

from services.drafts import Draft

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
        recorded for `update_id` if it was applied before (one round trip)."""
        ...

    async def save(self, key: str, state: Mapping[str, Json]) -> None:
        """Replace the chat's state."""
        ...

    async def record(self, key: str, update_id: str, replies: Sequence[Json]) -> None:
        """Record that an update was applied, with the replies it produced."""
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
        """Store the new version of an existing draft."""
        ...

    async def list_for(self, owner: str, citizen_id: str | None) -> Sequence[Draft]:
        """Open drafts of a chat (and of its citizen, when logged in), newest first."""
        ...

    async def delete(self, draft_id: str) -> None:
        """Remove a draft."""
        ...


class UnitOfWork(Protocol):
    """One transaction: everything done through its repositories commits or rolls back."""

    conversations: ConversationStore
    drafts: DraftRepository

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None:
        """Make the work durable."""
        ...


class UnitOfWorkFactory(Protocol):
    """Opens a new unit of work."""

    def __call__(self) -> UnitOfWork: ...


class IdGenerator(Protocol):
    """New unique ids (random in production, predictable in tests)."""

    def new_id(self) -> str:
        """A new id of letters and digits, at most 32 characters."""
        ...
