"""Hand-overs to officers and their exchange on SQL; message texts are sealed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import RowMapping, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.talks import Author, Talk, TalkMessage, TalkState
from storage.crypto import JsonCipher
from storage.tables import TalkMessageRow, TalkRow, table_of

TALK = table_of(TalkRow)
MESSAGE = table_of(TalkMessageRow)
_BODY = "talk_message.body"


def _talk(row: RowMapping) -> Talk:
    return Talk(
        id=row["id"],
        chat_key=row["chat_key"],
        agency_id=row["agency_id"],
        opened_at=row["opened_at"],
        dossier_id=row["dossier_id"],
        dossier_code=row["dossier_code"],
        state=TalkState(row["state"]),
        closed_at=row["closed_at"],
        closed_by=row["closed_by"],
    )


class SqlTalks:
    """TalkRepository bound to one connection."""

    def __init__(self, connection: AsyncConnection, cipher: JsonCipher) -> None:
        self._connection, self._cipher = connection, cipher

    async def add(self, talk: Talk) -> None:
        await self._connection.execute(
            TALK.insert().values(
                id=talk.id,
                chat_key=talk.chat_key,
                agency_id=talk.agency_id,
                dossier_id=talk.dossier_id,
                dossier_code=talk.dossier_code,
                state=talk.state.value,
                opened_at=talk.opened_at,
                closed_at=talk.closed_at,
                closed_by=talk.closed_by,
            )
        )

    async def get(self, talk_id: str) -> Talk | None:
        result = await self._connection.execute(select(TALK).where(TALK.c.id == talk_id))
        row = result.mappings().first()
        return _talk(row) if row else None

    async def open_for_chat(self, chat_key: str) -> Talk | None:
        result = await self._connection.execute(
            select(TALK)
            .where(TALK.c.chat_key == chat_key, TALK.c.state == TalkState.OPEN.value)
            .order_by(TALK.c.opened_at.desc())
            .limit(1)
        )
        row = result.mappings().first()
        return _talk(row) if row else None

    async def add_message(
        self, talk_id: str, author: Author, text: str, at: datetime, name: str = ""
    ) -> TalkMessage:
        # The hand-over's row is locked first (PostgreSQL), so two writers of one exchange
        # (the citizen and an officer) take their turn and never pick the same number.
        await self._connection.execute(
            select(TALK.c.id).where(TALK.c.id == talk_id).with_for_update()
        )
        result = await self._connection.execute(
            select(func.max(MESSAGE.c.seq)).where(MESSAGE.c.talk_id == talk_id)
        )
        seq = int(result.scalar() or 0) + 1
        await self._connection.execute(
            MESSAGE.insert().values(
                talk_id=talk_id,
                seq=seq,
                author=author.value,
                name=name,
                body=self._cipher.seal({"text": text}, _BODY),
                at=at,
            )
        )
        return TalkMessage(talk_id, seq, author, text, at, name)

    async def messages(self, talk_id: str) -> Sequence[TalkMessage]:
        result = await self._connection.execute(
            select(MESSAGE).where(MESSAGE.c.talk_id == talk_id).order_by(MESSAGE.c.seq)
        )
        return [
            TalkMessage(
                talk_id=row["talk_id"],
                seq=row["seq"],
                author=Author(row["author"]),
                text=str(self._cipher.open(row["body"], _BODY)["text"]),
                at=row["at"],
                name=row["name"],
            )
            for row in result.mappings()
        ]

    async def close(self, talk_id: str, by: str, at: datetime) -> Talk | None:
        result = await self._connection.execute(
            TALK.update()
            .where(TALK.c.id == talk_id, TALK.c.state == TalkState.OPEN.value)
            .values(state=TalkState.CLOSED.value, closed_at=at, closed_by=by)
        )
        return await self.get(talk_id) if result.rowcount else None

    async def listing(
        self,
        agencies: Sequence[str] | None,
        state: TalkState | None = None,
        dossier_id: str | None = None,
        limit: int = 50,
    ) -> Sequence[Talk]:
        query = select(TALK)
        if agencies is not None:
            query = query.where(TALK.c.agency_id.in_(list(agencies)))
        if state is not None:
            query = query.where(TALK.c.state == state.value)
        if dossier_id is not None:
            query = query.where(TALK.c.dossier_id == dossier_id)
        query = query.order_by(TALK.c.opened_at.desc(), TALK.c.id.desc()).limit(limit)
        result = await self._connection.execute(query)
        return [_talk(row) for row in result.mappings()]
