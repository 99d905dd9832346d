"""The draft repository on SQL. Updates are written once, when the unit of work commits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.codec import from_json, to_json
from services.documents import Attachment
from services.drafts import Draft, DraftStatus
from storage.crypto import JsonCipher
from storage.tables import DraftRow

DRAFT = DraftRow.__table__  # type: ignore[attr-defined]
_FILES = "draft.attachments"
_OPEN = (DraftStatus.FILLING.value, DraftStatus.REVIEW.value, DraftStatus.COMPLETE.value)
_GET = select(DRAFT).where(DRAFT.c.id == bindparam("draft_id"))
_UPDATE = DRAFT.update().where(DRAFT.c.id == bindparam("draft_id"))
_DELETE = delete(DRAFT).where(DRAFT.c.id == bindparam("draft_id"))


def _to_draft(row: Any, cipher: JsonCipher) -> Draft:
    return Draft(
        id=row.id,
        owner=row.owner,
        procedure_id=row.procedure_id,
        agency_id=row.agency_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        answers=dict(cipher.open(row.answers, "draft.answers")),
        cursor=row.cursor,
        status=DraftStatus(row.status),
        citizen_id=row.citizen_id,
        attachments=tuple(
            from_json(Attachment, item) for item in cipher.open(row.attachments or [], _FILES)
        ),
    )


def _values(draft: Draft, cipher: JsonCipher) -> dict[str, Any]:
    return {
        "owner": draft.owner,
        "citizen_id": draft.citizen_id,
        "procedure_id": draft.procedure_id,
        "agency_id": draft.agency_id,
        "answers": cipher.seal(dict(draft.answers), "draft.answers"),
        "cursor": draft.cursor,
        "status": draft.status.value,
        "attachments": cipher.seal([to_json(a) for a in draft.attachments], _FILES),
        "created_at": draft.created_at,
        "updated_at": draft.updated_at,
    }


class SqlDraftRepository:
    """DraftRepository bound to one connection; a step's several updates become one write."""

    def __init__(self, connection: AsyncConnection, cipher: JsonCipher) -> None:
        self._connection = connection
        self._cipher = cipher
        self._pending: dict[str, Draft] = {}

    async def get(self, draft_id: str) -> Draft | None:
        if draft_id in self._pending:
            return self._pending[draft_id]
        row = (await self._connection.execute(_GET, {"draft_id": draft_id})).first()
        return _to_draft(row, self._cipher) if row else None

    async def add(self, draft: Draft) -> None:
        values = {"id": draft.id, **_values(draft, self._cipher)}
        await self._connection.execute(DRAFT.insert(), values)

    async def update(self, draft: Draft) -> None:
        self._pending[draft.id] = draft

    async def flush(self) -> None:
        """Write the pending updates (called by the unit of work before commit)."""
        for draft in self._pending.values():
            values = {"draft_id": draft.id, **_values(draft, self._cipher)}
            await self._connection.execute(_UPDATE, values)
        self._pending.clear()

    async def list_for(self, owner: str, citizen_id: str | None) -> Sequence[Draft]:
        await self.flush()
        who = DRAFT.c.owner == owner
        if citizen_id is not None:
            who = or_(who, DRAFT.c.citizen_id == citizen_id)
        query = (
            select(DRAFT)
            .where(who, DRAFT.c.status.in_(_OPEN))
            .order_by(DRAFT.c.updated_at.desc(), DRAFT.c.id)
        )
        rows = (await self._connection.execute(query)).all()
        return [_to_draft(row, self._cipher) for row in rows]

    async def delete(self, draft_id: str) -> None:
        self._pending.pop(draft_id, None)
        await self._connection.execute(_DELETE, {"draft_id": draft_id})

    async def erase(self, owners: Sequence[str], citizen_id: str) -> int:
        self._pending.clear()
        who = or_(DRAFT.c.citizen_id == citizen_id, DRAFT.c.owner.in_(list(owners)))
        result = await self._connection.execute(delete(DRAFT).where(who))
        return int(result.rowcount or 0)
