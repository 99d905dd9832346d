"""The draft repository on SQL. Updates are written once, when the unit of work commits.

Every write is a compare-and-set on the draft's version (`UPDATE … WHERE version = :read`):
a transaction that read the draft before another one stored a change writes nothing and
raises DraftConflict (the router runs the update again, on the newer draft). On PostgreSQL
`get` also locks the row (FOR UPDATE), so chats of one citizen on different workers queue
on the draft instead of conflicting; SQLite runs one writer at a time anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.codec import from_json, to_json
from services.documents import Attachment
from services.drafts import Draft, DraftConflict, DraftStatus
from storage.crypto import JsonCipher
from storage.prepared import prepared
from storage.tables import DraftRow, table_of

DRAFT = table_of(DraftRow)
_FILES = "draft.attachments"
_OPEN = (DraftStatus.FILLING.value, DraftStatus.REVIEW.value, DraftStatus.COMPLETE.value)
_GET = prepared(select(DRAFT).where(DRAFT.c.id == bindparam("draft_id")))
_GET_LOCKED = _GET.with_for_update()
_UPDATE = prepared(
    DRAFT.update().where(
        DRAFT.c.id == bindparam("draft_id"), DRAFT.c.version == bindparam("read_version")
    )
)
_CLAIM = DRAFT.update().where(  # once per dossier (and its IN list is expanded per call)
    DRAFT.c.id == bindparam("draft_id"),
    DRAFT.c.version == bindparam("read_version"),
    DRAFT.c.status.in_(_OPEN),
)
_EXISTS = prepared(select(DRAFT.c.id).where(DRAFT.c.id == bindparam("draft_id")))
_DELETE = prepared(delete(DRAFT).where(DRAFT.c.id == bindparam("draft_id")))


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
        version=row.version,
        dossier_id=row.dossier_id,
        changed_by=row.changed_by,
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
        "version": draft.version,
        "dossier_id": draft.dossier_id,
        "changed_by": draft.changed_by,
    }


class SqlDraftRepository:
    """DraftRepository bound to one connection; a step's several updates become one write."""

    def __init__(self, connection: AsyncConnection, cipher: JsonCipher) -> None:
        self._connection = connection
        self._cipher = cipher
        self._get = _GET_LOCKED if connection.dialect.name == "postgresql" else _GET
        self._pending: dict[str, Draft] = {}
        self._read: dict[str, Draft] = {}  # as read in this transaction (no second SELECT)
        self._base: dict[str, int] = {}  # the version each pending change was based on

    async def get(self, draft_id: str) -> Draft | None:
        if draft_id in self._pending:
            return self._pending[draft_id]
        if draft_id in self._read:
            return self._read[draft_id]
        row = (await self._connection.execute(self._get, {"draft_id": draft_id})).first()
        if row is None:
            return None
        draft = self._read[draft_id] = _to_draft(row, self._cipher)
        return draft

    async def add(self, draft: Draft) -> None:
        values = {"id": draft.id, **_values(draft, self._cipher)}
        await self._connection.execute(DRAFT.insert(), values)

    async def update(self, draft: Draft) -> None:
        if draft.id not in self._pending and draft == self._read.get(draft.id):
            return  # nothing changed: no write, and the version other chats saw stays
        base = self._base.setdefault(draft.id, draft.version)
        if draft.version != base + 1:
            draft = replace(draft, version=base + 1)
        self._pending[draft.id] = draft

    async def flush(self) -> None:
        """Write the pending updates (called by the unit of work before commit)."""
        for draft in self._pending.values():
            base = self._base[draft.id]
            values = {"draft_id": draft.id, "read_version": base, **_values(draft, self._cipher)}
            result = await self._connection.execute(_UPDATE, values)
            if not result.rowcount and await self._exists(draft.id):
                raise DraftConflict(draft.id)
            self._read[draft.id] = draft
        self._pending.clear()
        self._base.clear()

    async def _exists(self, draft_id: str) -> bool:
        return (await self._connection.execute(_EXISTS, {"draft_id": draft_id})).first() is not None

    async def claim(self, draft_id: str, version: int, dossier_id: str, at: datetime) -> bool:
        await self.flush()
        self._read.pop(draft_id, None)  # read it again after a refusal: it has changed
        values = {
            "draft_id": draft_id,
            "read_version": version,
            "status": DraftStatus.SUBMITTED.value,
            "dossier_id": dossier_id,
            "version": version + 1,
            "updated_at": at,
        }
        result = await self._connection.execute(_CLAIM, values)
        return bool(result.rowcount)

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
        self._base.pop(draft_id, None)
        self._read.pop(draft_id, None)
        await self._connection.execute(_DELETE, {"draft_id": draft_id})

    async def erase(self, owners: Sequence[str], citizen_id: str) -> int:
        self._pending.clear()
        self._base.clear()
        self._read.clear()
        who = or_(DRAFT.c.citizen_id == citizen_id, DRAFT.c.owner.in_(list(owners)))
        result = await self._connection.execute(delete(DRAFT).where(who))
        return int(result.rowcount or 0)
