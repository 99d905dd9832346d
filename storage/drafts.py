"""The draft repository on SQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.drafts import Draft, DraftStatus
from storage.tables import DraftRow

_OPEN = (DraftStatus.FILLING.value, DraftStatus.REVIEW.value, DraftStatus.COMPLETE.value)


def _to_draft(row: Any) -> Draft:
    return Draft(
        id=row.id,
        owner=row.owner,
        procedure_id=row.procedure_id,
        agency_id=row.agency_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        answers=dict(row.answers),
        cursor=row.cursor,
        status=DraftStatus(row.status),
        citizen_id=row.citizen_id,
    )


def _values(draft: Draft) -> dict[str, Any]:
    return {
        "id": draft.id,
        "owner": draft.owner,
        "citizen_id": draft.citizen_id,
        "procedure_id": draft.procedure_id,
        "agency_id": draft.agency_id,
        "answers": dict(draft.answers),
        "cursor": draft.cursor,
        "status": draft.status.value,
        "created_at": draft.created_at,
        "updated_at": draft.updated_at,
    }


class SqlDraftRepository:
    """DraftRepository bound to one session."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._table = DraftRow.__table__  # type: ignore[attr-defined]

    async def get(self, draft_id: str) -> Draft | None:
        row = (
            await self._session.execute(select(self._table).where(self._table.c.id == draft_id))
        ).first()
        return _to_draft(row) if row else None

    async def add(self, draft: Draft) -> None:
        await self._session.execute(self._table.insert().values(**_values(draft)))

    async def update(self, draft: Draft) -> None:
        values = _values(draft)
        values.pop("id")
        await self._session.execute(
            self._table.update().where(self._table.c.id == draft.id).values(**values)
        )

    async def list_for(self, owner: str, citizen_id: str | None) -> Sequence[Draft]:
        who = self._table.c.owner == owner
        if citizen_id is not None:
            who = or_(who, self._table.c.citizen_id == citizen_id)
        query = (
            select(self._table)
            .where(who, self._table.c.status.in_(_OPEN))
            .order_by(self._table.c.updated_at.desc(), self._table.c.id)
        )
        return [_to_draft(row) for row in (await self._session.execute(query)).all()]

    async def delete(self, draft_id: str) -> None:
        await self._session.execute(delete(self._table).where(self._table.c.id == draft_id))
