"""Hand-overs to officers and their exchange on SQL; message texts are sealed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import RowMapping, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.handovers import Author, Handover, HandoverMessage, HandoverState
from storage.crypto import JsonCipher
from storage.tables import HandoverMessageRow, HandoverRow, table_of

HANDOVER = table_of(HandoverRow)
MESSAGE = table_of(HandoverMessageRow)
_BODY = "handover_message.body"


def _handover(row: RowMapping) -> Handover:
    return Handover(
        id=row["id"],
        chat_key=row["chat_key"],
        agency_id=row["agency_id"],
        opened_at=row["opened_at"],
        dossier_id=row["dossier_id"],
        dossier_code=row["dossier_code"],
        state=HandoverState(row["state"]),
        closed_at=row["closed_at"],
        closed_by=row["closed_by"],
    )


class SqlHandovers:
    """HandoverRepository bound to one connection."""

    def __init__(self, connection: AsyncConnection, cipher: JsonCipher) -> None:
        self._connection, self._cipher = connection, cipher

    async def add(self, handover: Handover) -> None:
        await self._connection.execute(
            HANDOVER.insert().values(
                id=handover.id,
                chat_key=handover.chat_key,
                agency_id=handover.agency_id,
                dossier_id=handover.dossier_id,
                dossier_code=handover.dossier_code,
                state=handover.state.value,
                opened_at=handover.opened_at,
                closed_at=handover.closed_at,
                closed_by=handover.closed_by,
            )
        )

    async def get(self, handover_id: str) -> Handover | None:
        result = await self._connection.execute(
            select(HANDOVER).where(HANDOVER.c.id == handover_id)
        )
        row = result.mappings().first()
        return _handover(row) if row else None

    async def open_for_chat(self, chat_key: str) -> Handover | None:
        result = await self._connection.execute(
            select(HANDOVER)
            .where(HANDOVER.c.chat_key == chat_key, HANDOVER.c.state == HandoverState.OPEN.value)
            .order_by(HANDOVER.c.opened_at.desc())
            .limit(1)
        )
        row = result.mappings().first()
        return _handover(row) if row else None

    async def add_message(
        self, handover_id: str, author: Author, text: str, at: datetime, name: str = ""
    ) -> HandoverMessage:
        # The hand-over's row is locked first (PostgreSQL), so two writers of one exchange
        # (the citizen and an officer) take their turn and never pick the same number.
        await self._connection.execute(
            select(HANDOVER.c.id).where(HANDOVER.c.id == handover_id).with_for_update()
        )
        result = await self._connection.execute(
            select(func.max(MESSAGE.c.seq)).where(MESSAGE.c.handover_id == handover_id)
        )
        seq = int(result.scalar() or 0) + 1
        await self._connection.execute(
            MESSAGE.insert().values(
                handover_id=handover_id,
                seq=seq,
                author=author.value,
                name=name,
                body=self._cipher.seal({"text": text}, _BODY),
                at=at,
            )
        )
        return HandoverMessage(handover_id, seq, author, text, at, name)

    async def messages(self, handover_id: str) -> Sequence[HandoverMessage]:
        result = await self._connection.execute(
            select(MESSAGE).where(MESSAGE.c.handover_id == handover_id).order_by(MESSAGE.c.seq)
        )
        return [
            HandoverMessage(
                handover_id=row["handover_id"],
                seq=row["seq"],
                author=Author(row["author"]),
                text=str(self._cipher.open(row["body"], _BODY)["text"]),
                at=row["at"],
                name=row["name"],
            )
            for row in result.mappings()
        ]

    async def close(self, handover_id: str, by: str, at: datetime) -> Handover | None:
        result = await self._connection.execute(
            HANDOVER.update()
            .where(HANDOVER.c.id == handover_id, HANDOVER.c.state == HandoverState.OPEN.value)
            .values(state=HandoverState.CLOSED.value, closed_at=at, closed_by=by)
        )
        return await self.get(handover_id) if result.rowcount else None

    async def listing(
        self,
        agencies: Sequence[str] | None,
        state: HandoverState | None = None,
        dossier_id: str | None = None,
        limit: int = 50,
    ) -> Sequence[Handover]:
        query = select(HANDOVER)
        if agencies is not None:
            query = query.where(HANDOVER.c.agency_id.in_(list(agencies)))
        if state is not None:
            query = query.where(HANDOVER.c.state == state.value)
        if dossier_id is not None:
            query = query.where(HANDOVER.c.dossier_id == dossier_id)
        query = query.order_by(HANDOVER.c.opened_at.desc(), HANDOVER.c.id.desc()).limit(limit)
        result = await self._connection.execute(query)
        return [_handover(row) for row in result.mappings()]
