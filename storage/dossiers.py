"""Dossiers, their daily code sequences, and bank notifications on SQL."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Date, and_, bindparam, case, cast, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from services.clock import VIETNAM
from services.codec import from_json, to_json
from services.dossier_codes import DossierStatus
from services.dossiers import (
    FINISHED_STATUSES,
    OPEN_STATUSES,
    DayCounts,
    Dossier,
    Phase,
    StatusChange,
)
from services.status_pushes import STATUS_TOPIC
from storage.crypto import JsonCipher
from storage.followers import SqlFollowers
from storage.tables import (
    DossierFollowerRow,
    DossierRow,
    DossierSequenceRow,
    PaymentEventRow,
    StatusChangeRow,
    table_of,
)

DOSSIER = table_of(DossierRow)
SEQUENCE = table_of(DossierSequenceRow)
EVENT = table_of(PaymentEventRow)
CHANGE = table_of(StatusChangeRow)
FOLLOWER = table_of(DossierFollowerRow)
_BODY = "dossier.body"


def _dialect(connection: AsyncConnection) -> Any:
    return postgresql if connection.dialect.name == "postgresql" else sqlite


class SqlDossierRepository(SqlFollowers):
    """DossierRepository bound to one connection; the dossier itself is sealed in `body`."""

    def __init__(
        self,
        connection: AsyncConnection,
        cipher: JsonCipher,
        wake: Callable[[str], None] | None = None,
    ) -> None:
        self._connection, self._cipher = connection, cipher
        self._is_pg = connection.dialect.name == "postgresql"
        self._wake = wake  # the unit of work's: the status pushes run once a change commits

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
            "overdue": dossier.overdue,
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

    async def search(
        self,
        agency_ids: Sequence[str] | None,
        status: DossierStatus | None = None,
        overdue: bool | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Sequence[Dossier]:
        query = select(DOSSIER).where(DOSSIER.c.phase == Phase.SUBMITTED.value)
        if agency_ids is not None:
            query = query.where(DOSSIER.c.agency_id.in_(list(agency_ids)))
        if status is not None:
            query = query.where(DOSSIER.c.status == int(status))
        if overdue is not None:
            query = query.where(DOSSIER.c.overdue.is_(overdue))
        query = (
            query.order_by(DOSSIER.c.due_date.is_(None), DOSSIER.c.due_date, DOSSIER.c.code)
            .limit(limit)
            .offset(offset)
        )
        return [self._dossier(row) for row in (await self._connection.execute(query)).all()]

    async def record_change(self, change: StatusChange) -> int:
        statement = CHANGE.insert().values(
            dossier_id=change.dossier_id,
            status=change.status,
            actor=change.actor[:80],
            pushed=False,
            body=self._cipher.seal({"note": change.note}, "status_change.body"),
            at=change.at,
        )
        result = await self._connection.execute(statement)
        if self._wake is not None:
            self._wake(STATUS_TOPIC)
        return int(result.inserted_primary_key[0])

    def _change(self, row: Any) -> StatusChange:
        return StatusChange(
            id=row.id,
            dossier_id=row.dossier_id,
            status=row.status,
            at=row.at,
            actor=row.actor,
            note=str(self._cipher.open(row.body, "status_change.body").get("note", "")),
        )

    async def unpushed_changes(self, limit: int) -> Sequence[StatusChange]:
        query = select(CHANGE).where(CHANGE.c.pushed.is_(False)).order_by(CHANGE.c.id).limit(limit)
        return [self._change(row) for row in (await self._connection.execute(query)).all()]

    async def mark_pushed(self, change_ids: Sequence[int]) -> None:
        if change_ids:
            await self._connection.execute(
                CHANGE.update().where(CHANGE.c.id.in_(list(change_ids))).values(pushed=True)
            )

    async def history_changes(self, dossier_id: str) -> Sequence[StatusChange]:
        query = select(CHANGE).where(CHANGE.c.dossier_id == dossier_id).order_by(CHANGE.c.id)
        return [self._change(row) for row in (await self._connection.execute(query)).all()]

    async def awaiting_payment(self, created_before: datetime) -> Sequence[Dossier]:
        query = (
            select(DOSSIER)
            .where(
                DOSSIER.c.phase == Phase.AWAITING_PAYMENT.value,
                DOSSIER.c.created_at < created_before,
            )
            .order_by(DOSSIER.c.created_at)
        )
        return [self._dossier(row) for row in (await self._connection.execute(query)).all()]

    async def open_due(self, until: date, overdue: bool | None = None) -> Sequence[Dossier]:
        query = select(DOSSIER).where(
            DOSSIER.c.phase == Phase.SUBMITTED.value,
            DOSSIER.c.status.in_(list(OPEN_STATUSES)),
            DOSSIER.c.due_date <= until,
        )
        if overdue is not None:
            query = query.where(DOSSIER.c.overdue.is_(overdue))
        query = query.order_by(DOSSIER.c.due_date, DOSSIER.c.code)
        return [self._dossier(row) for row in (await self._connection.execute(query)).all()]

    def _local_day(self, column: Any) -> Any:
        """The calendar day in Vietnam (no daylight saving) of a UTC timestamp column."""
        if self._is_pg:
            return cast(func.timezone(VIETNAM.tzname(None), column), Date)
        return func.date(column, "+7 hours")  # SQLite keeps UTC as text: a 'YYYY-MM-DD' text

    async def daily_counts(
        self, since: date, agency_ids: Sequence[str] | None = None
    ) -> Sequence[DayCounts]:
        finished_codes = sorted(FINISHED_STATUSES)
        ended = (
            select(CHANGE.c.dossier_id, func.min(CHANGE.c.at).label("at"))
            .where(CHANGE.c.status.in_(finished_codes))
            .group_by(CHANGE.c.dossier_id)
            .subquery()
        )
        finished = DOSSIER.c.status.in_(finished_codes)
        in_time = or_(
            and_(ended.c.at.is_(None), DOSSIER.c.overdue.is_(False)),
            and_(
                ended.c.at.is_not(None),
                or_(
                    DOSSIER.c.due_date.is_(None), self._local_day(ended.c.at) <= DOSSIER.c.due_date
                ),
            ),
        )
        per_dossier = (
            select(
                self._local_day(DOSSIER.c.submitted_at).label("day"),
                DOSSIER.c.status.label("status"),
                case((finished, 1), else_=0).label("finished"),
                case((and_(finished, in_time), 1), else_=0).label("on_time"),
            )
            .select_from(DOSSIER.outerjoin(ended, ended.c.dossier_id == DOSSIER.c.id))
            .where(
                DOSSIER.c.phase == Phase.SUBMITTED.value,
                DOSSIER.c.status.is_not(None),
                DOSSIER.c.submitted_at >= datetime.combine(since, time(), VIETNAM),
            )
        )
        if agency_ids is not None:
            per_dossier = per_dossier.where(DOSSIER.c.agency_id.in_(list(agency_ids)))
        rows = per_dossier.subquery()
        query = (
            select(
                rows.c.day,
                rows.c.status,
                func.count().label("count"),
                func.sum(rows.c.finished).label("finished"),
                func.sum(rows.c.on_time).label("on_time"),
            )
            .group_by(rows.c.day, rows.c.status)
            .order_by(rows.c.day, rows.c.status)
        )
        days: dict[date, tuple[dict[int, int], list[int]]] = {}
        for row in (await self._connection.execute(query)).all():
            day = row.day if isinstance(row.day, date) else date.fromisoformat(row.day)
            by_status, timing = days.setdefault(day, ({}, [0, 0]))
            by_status[int(row.status)] = int(row.count)
            timing[0] += int(row.on_time or 0)
            timing[1] += int(row.finished or 0) - int(row.on_time or 0)
        return [DayCounts(day, s, t[0], t[1]) for day, (s, t) in sorted(days.items())]


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
