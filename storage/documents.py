"""The citizen's document store ("Kho dữ liệu") on SQL; file names and labels are sealed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.documents import DocumentSource, StoredDocument
from storage.crypto import JsonCipher
from storage.tables import StoredDocumentRow, table_of

DOCUMENT = table_of(StoredDocumentRow)
_META = "stored_document.meta"


class SqlDocumentRepository:
    """DocumentRepository bound to one connection."""

    def __init__(self, connection: AsyncConnection, cipher: JsonCipher) -> None:
        self._connection, self._cipher = connection, cipher

    def _document(self, row: Any) -> StoredDocument:
        meta = self._cipher.open(row.meta, _META)
        return StoredDocument(
            id=row.id,
            owner=row.owner,
            citizen_id=row.citizen_id,
            component=row.component,
            name=meta["name"],
            kind=row.kind,
            size=row.size,
            ref=row.ref,
            created_at=row.created_at,
            source=DocumentSource(row.source),
            label=meta.get("label", ""),
        )

    async def add(self, document: StoredDocument) -> None:
        await self._connection.execute(
            DOCUMENT.insert().values(
                id=document.id,
                owner=document.owner,
                citizen_id=document.citizen_id,
                component=document.component,
                meta=self._cipher.seal({"name": document.name, "label": document.label}, _META),
                kind=document.kind,
                size=document.size,
                ref=document.ref,
                source=document.source.value,
                created_at=document.created_at,
            )
        )

    async def get(self, document_id: str) -> StoredDocument | None:
        row = (
            await self._connection.execute(select(DOCUMENT).where(DOCUMENT.c.id == document_id))
        ).first()
        return self._document(row) if row else None

    async def list_for(self, owner: str, citizen_id: str | None) -> Sequence[StoredDocument]:
        who = DOCUMENT.c.owner == owner
        if citizen_id is not None:
            who = or_(who, DOCUMENT.c.citizen_id == citizen_id)
        query = select(DOCUMENT).where(who).order_by(DOCUMENT.c.created_at.desc(), DOCUMENT.c.id)
        return [self._document(row) for row in (await self._connection.execute(query)).all()]

    async def erase(self, owners: Sequence[str], citizen_id: str) -> Sequence[str]:
        who = or_(DOCUMENT.c.owner.in_(list(owners)), DOCUMENT.c.citizen_id == citizen_id)
        refs = list((await self._connection.execute(select(DOCUMENT.c.ref).where(who))).scalars())
        await self._connection.execute(delete(DOCUMENT).where(who))
        return refs
