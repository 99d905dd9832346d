"""The `zalo_held` rows: updates Zalo would not carry when they happened, kept (sealed: they
may name people) until the user writes again. The rule of what is sent then is
services.missed_updates.plan; this module only stores and settles."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from bot.channels.zalo_db import ZaloDb
from services.missed_updates import HeldState, HeldUpdate, dossier_of
from storage.crypto import DecryptionError, JsonCipher
from storage.tables import ZaloHeldRow, table_of

HELD = table_of(ZaloHeldRow)
MESSAGE_COLUMN = "zalo_held.message"


class HeldStore:
    """Hold, list and settle a user's missed updates."""

    def __init__(self, db: ZaloDb, cipher: JsonCipher) -> None:
        self._db = db
        self._cipher = cipher

    async def hold(
        self, user_id: str, event: str, message: Mapping[str, Any], at: datetime
    ) -> None:
        """Keep an update for the user (once per event)."""
        values = {
            "user_id": user_id,
            "event": event,
            "dossier": dossier_of(message)[:60],
            "message": self._cipher.seal(dict(message), MESSAGE_COLUMN),
            "state": HeldState.HELD.value,
            "held_at": at,
        }
        statement = self._db.dialect.insert(HELD).values(**values)
        statement = statement.on_conflict_do_nothing(index_elements=["user_id", "event"])
        await self._db.run(lambda c: c.execute(statement))

    async def held(self, user_id: str) -> list[tuple[HeldUpdate, dict[str, Any] | None]]:
        """The user's held updates with their messages (None when one cannot be read)."""
        query = select(
            HELD.c.id, HELD.c.event, HELD.c.dossier, HELD.c.held_at, HELD.c.message
        ).where(HELD.c.user_id == user_id, HELD.c.state == HeldState.HELD.value)
        rows = await self._db.run(lambda c: c.execute(query).all())
        out: list[tuple[HeldUpdate, dict[str, Any] | None]] = []
        for id_, event, dossier, held_at, sealed in rows:
            try:
                message: dict[str, Any] | None = self._cipher.open(sealed, MESSAGE_COLUMN)
            except (DecryptionError, TypeError, ValueError):
                message = None
            out.append((HeldUpdate(int(id_), str(event), str(dossier), held_at), message))
        return out

    async def settle(self, ids: Sequence[int], state: HeldState, at: datetime) -> None:
        """Held updates become DELIVERED or SUPERSEDED."""
        if not ids:
            return
        statement = (
            update(HELD)
            .where(HELD.c.id.in_(list(ids)), HELD.c.state == HeldState.HELD.value)
            .values(state=state.value, settled_at=at)
        )
        await self._db.run(lambda c: c.execute(statement))
