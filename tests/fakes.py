"""In-memory fakes of the ports; the contract tests run them against the real adapters."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Self

from services.drafts import Draft, DraftStatus
from services.ports import StoredConversation


class FakeClock:
    """A clock that only moves when told."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 11, 25, 3, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)


class SequentialIds:
    """Predictable ids: id0001, id0002, …"""

    def __init__(self) -> None:
        self._next = 0

    def new_id(self) -> str:
        self._next += 1
        return f"id{self._next:04d}"


@dataclass
class MemoryDatabase:
    """What the fake stores hold; copied on begin, swapped in on commit."""

    conversations: dict[str, dict[str, Any]] = field(default_factory=dict)
    processed: dict[tuple[str, str], list[Any]] = field(default_factory=dict)
    drafts: dict[str, Draft] = field(default_factory=dict)
    commits: int = 0


class MemoryConversationStore:
    def __init__(self, db: MemoryDatabase) -> None:
        self._db = db

    async def load(self, key: str, update_id: str) -> StoredConversation:
        state = self._db.conversations.get(key)
        replies = self._db.processed.get((key, update_id))
        return StoredConversation(
            key,
            copy.deepcopy(state) if state else None,
            None if replies is None else copy.deepcopy(replies),
        )

    async def save(self, key: str, state: Mapping[str, Any]) -> None:
        self._db.conversations[key] = copy.deepcopy(dict(state))

    async def record(self, key: str, update_id: str, replies: Sequence[Any]) -> None:
        if (key, update_id) in self._db.processed:
            raise KeyError("update already recorded")  # the real table's primary key
        self._db.processed[(key, update_id)] = copy.deepcopy(list(replies))


_OPEN = (DraftStatus.FILLING, DraftStatus.REVIEW, DraftStatus.COMPLETE)


class MemoryDraftRepository:
    def __init__(self, db: MemoryDatabase) -> None:
        self._db = db

    async def get(self, draft_id: str) -> Draft | None:
        return self._db.drafts.get(draft_id)

    async def add(self, draft: Draft) -> None:
        if draft.id in self._db.drafts:
            raise KeyError(draft.id)
        self._db.drafts[draft.id] = draft

    async def update(self, draft: Draft) -> None:
        if draft.id in self._db.drafts:
            self._db.drafts[draft.id] = draft

    async def list_for(self, owner: str, citizen_id: str | None) -> Sequence[Draft]:
        found = [
            d
            for d in self._db.drafts.values()
            if d.status in _OPEN
            and (d.owner == owner or (citizen_id is not None and d.citizen_id == citizen_id))
        ]
        return sorted(found, key=lambda d: (-d.updated_at.timestamp(), d.id))

    async def delete(self, draft_id: str) -> None:
        self._db.drafts.pop(draft_id, None)


class MemoryUnitOfWork:
    """Works on a copy of the database; commit swaps the copy in."""

    def __init__(self, db: MemoryDatabase) -> None:
        self._db = db

    async def __aenter__(self) -> Self:
        # Values are never mutated in place (stores copy on the way in and out), so shallow
        # copies are enough to keep uncommitted work apart.
        self._work = MemoryDatabase(
            dict(self._db.conversations), dict(self._db.processed), dict(self._db.drafts)
        )
        self.conversations = MemoryConversationStore(self._work)
        self.drafts = MemoryDraftRepository(self._work)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    async def commit(self) -> None:
        self._db.conversations = self._work.conversations
        self._db.processed = self._work.processed
        self._db.drafts = self._work.drafts
        self._db.commits += 1


class MemoryUnitOfWorkFactory:
    def __init__(self, db: MemoryDatabase | None = None) -> None:
        self.db = db or MemoryDatabase()

    def __call__(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self.db)
