"""The drafts repository as one chat's steps see it: every change is marked with that chat.

A chat's own changes never make its view of a draft stale (draft_sync compares what it showed
with the stored draft only when another chat changed it last), for instance a login that links
the draft to the citizen, or identity data filled in while the form waits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from services.drafts import Draft
from services.ports import DraftRepository


class ChatDrafts:
    """DraftRepository that marks `changed_by` on every draft it stores."""

    def __init__(self, drafts: DraftRepository, chat_key: str) -> None:
        self._drafts = drafts
        self._chat_key = chat_key

    async def get(self, draft_id: str) -> Draft | None:
        """One draft by id."""
        return await self._drafts.get(draft_id)

    async def add(self, draft: Draft) -> None:
        """Store a new draft, started by this chat."""
        await self._drafts.add(replace(draft, changed_by=self._chat_key))

    async def update(self, draft: Draft) -> None:
        """Store a change made by this chat."""
        if draft.changed_by != self._chat_key:
            draft = replace(draft, changed_by=self._chat_key)
        await self._drafts.update(draft)

    async def claim(self, draft_id: str, version: int, dossier_id: str, at: datetime) -> bool:
        """Claim the draft for submission (once)."""
        return await self._drafts.claim(draft_id, version, dossier_id, at)

    async def list_for(self, owner: str, citizen_id: str | None) -> Sequence[Draft]:
        """Open drafts of a chat (and of its citizen)."""
        return await self._drafts.list_for(owner, citizen_id)

    async def delete(self, draft_id: str) -> None:
        """Remove a draft."""
        await self._drafts.delete(draft_id)

    async def erase(self, owners: Sequence[str], citizen_id: str) -> int:
        """Delete every draft of these chats or of the citizen."""
        return await self._drafts.erase(owners, citizen_id)
