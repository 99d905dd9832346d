"""Dossiers, their daily code sequences, and bank notifications on SQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from services.codec import from_json, to_json
from services.dossiers import Dossier
from storage.crypto import JsonCipher
from storage.tables import DossierRow, DossierSequenceRow, PaymentEventRow

DOSSIER = DossierRow.__table__  # type: ignore[attr-defined]
SEQUENCE = DossierSequenceRow.__table__  # type: ignore[attr-defined]
EVENT = PaymentEventRow.__table__  # type: ignore[attr-defined]
_BODY = "dossier.body"


def _dialect(connection: AsyncConnection) -> Any:
    return postgresql if connection.dialect.name == "postgresql" else sqlite


class SqlDossierRepository:
    """DossierRepository bound to one connection; the dossier itself is sealed in `body`."""

    def __init__(self, connection: AsyncConnection, cipher: JsonCipher) -> None:
        self._connection, self._cipher = connection, cipher
        self._is_pg = connection.dialect.name == "postgresql"

    def _columns(self, dossier: Dossier) -> dict[str, Any]:
        return {
            "code": dossier.code,
            "procedure_id": dossier.procedure_id,
            "agency_id": dossier.agency_id,
            "owner": dossier.owner,
            "citizen_id": dossier.citizen_id,
            "phase": dossier.phase.value,
            "status": int(dossier.status) if dossier.status is not None else None,
            "fee": dossier.fee,
            "created_at": dossier.created_at,
            "submitted_at": dossier.submitted_at,
            "due_date": dossier.due_date,
            "body": self._cipher.seal(to_json(dossier), _BODY),
        }

    def _dossier(self, row: Any) -> Dossier:
        return from_json(Dossier, self._cipher.open(row.body, _BODY))

    async def add(self, dossier: Dossier) -> None:
        values = {"id": dossier.id, **self._columns(dossier)}
        await self._connection.execute(DOSSIER.insert(), values)

    async def update(self, dossier: Dossier) -> None:
        statement = DOSSIER.update().where(DOSSIER.c.id == bindparam("dossier_id"))
        await self._connection.execute(
            statement, {"dossier_id": dossier.id, **self._columns(dossier)}
        )

    async def get(self, dossier_id: str) -> Dossier | None:
        row = (
            await self._connection.execute(select(DOSSIER).where(DOSSIER.c.id == dossier_id))
        ).first()
        return self._dossier(row) if row else None

    async def by_code(self, code: str) -> Dossier | None:
        query = select(DOSSIER).where(DOSSIER.c.code == code)
        if self._is_pg:  # concurrent notifications for one dossier queue here
            query = query.with_for_update()
        row = (await self._connection.execute(query)).first()
        return self._dossier(row) if row else None

    async def list_for(self, owner: str, citizen_id: str | None) -> Sequence[Dossier]:
        who = DOSSIER.c.owner == owner
        if citizen_id is not None:
            who = or_(who, DOSSIER.c.citizen_id == citizen_id)
        query = select(DOSSIER).where(who).order_by(DOSSIER.c.created_at.desc(), DOSSIER.c.id)
        return [self._dossier(row) for row in (await self._connection.execute(query)).all()]

    async def next_sequence(self, agency_code: str, day: date) -> int:
        insert = _dialect(self._connection).insert(SEQUENCE)
        statement = (
            insert.values(agency_code=agency_code, day=day, last=1)
            .on_conflict_do_update(
                index_elements=["agency_code", "day"], set_={"last": SEQUENCE.c.last + 1}
            )
            .returning(SEQUENCE.c.last)
        )
        return int((await self._connection.execute(statement)).scalar_one())


class SqlPaymentEventRepository:
    """PaymentEventRepository bound to one connection."""

    def __init__(self, connection: AsyncConnection, cipher: JsonCipher) -> None:
        self._connection, self._cipher = connection, cipher

    async def record(
        self,
        provider: str,
        transaction_id: str,
        body: Mapping[str, Any],
        outcome: str,
        at: datetime,
    ) -> bool:
        insert = _dialect(self._connection).insert(EVENT)
        statement = insert.values(
            provider=provider,
            transaction_id=transaction_id,
            outcome=str(outcome),
            body=self._cipher.seal(dict(body), "payment_event.body"),
            received_at=at,
        ).on_conflict_do_nothing(index_elements=["provider", "transaction_id"])
        result = await self._connection.execute(statement)
        return bool(result.rowcount)
