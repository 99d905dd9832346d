"""Ratings of the service on SQL: one row per dossier, the comment sealed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.dialects import postgresql, sqlite

from services.ratings import AgencyRatings, Rating, RatingLevel
from storage.crypto import JsonCipher
from storage.tables import DossierRatingRow, table_of

RATING = table_of(DossierRatingRow)
_BODY = "dossier_rating.body"


class SqlRatingRepository:
    """services.ratings.RatingRepository bound to one connection."""

    def __init__(self, connection: Any, cipher: JsonCipher) -> None:
        self._connection, self._cipher = connection, cipher

    async def add(self, rating: Rating) -> bool:
        dialect = postgresql if self._connection.dialect.name == "postgresql" else sqlite
        statement = (
            dialect.insert(RATING)
            .values(
                dossier_id=rating.dossier_id,
                agency_id=rating.agency_id,
                level=int(rating.level),
                commented=bool(rating.comment),
                body=self._cipher.seal({"comment": rating.comment}, _BODY),
                at=rating.at,
            )
            .on_conflict_do_nothing(index_elements=["dossier_id"])
        )
        result = await self._connection.execute(statement)
        return bool(result.rowcount)

    async def get(self, dossier_id: str) -> Rating | None:
        query = select(RATING).where(RATING.c.dossier_id == dossier_id)
        row = (await self._connection.execute(query)).first()
        if row is None:
            return None
        comment = str(self._cipher.open(row.body, _BODY).get("comment", ""))
        return Rating(row.dossier_id, row.agency_id, RatingLevel(row.level), row.at, comment)

    async def add_comment(self, dossier_id: str, comment: str) -> bool:
        statement = (
            RATING.update()
            .where(RATING.c.dossier_id == dossier_id, RATING.c.commented.is_(False))
            .values(commented=True, body=self._cipher.seal({"comment": comment}, _BODY))
        )
        return bool((await self._connection.execute(statement)).rowcount)

    async def summary(self, agency_ids: Sequence[str] | None = None) -> Sequence[AgencyRatings]:
        query = select(
            RATING.c.agency_id,
            RATING.c.level,
            func.count().label("n"),
            func.sum(case((RATING.c.commented.is_(True), 1), else_=0)).label("comments"),
        ).group_by(RATING.c.agency_id, RATING.c.level)
        if agency_ids is not None:
            query = query.where(RATING.c.agency_id.in_(list(agency_ids)))
        counts: dict[str, dict[int, int]] = {}
        comments: dict[str, int] = {}
        for row in (await self._connection.execute(query)).all():
            counts.setdefault(row.agency_id, {})[int(row.level)] = int(row.n)
            comments[row.agency_id] = comments.get(row.agency_id, 0) + int(row.comments or 0)
        return [AgencyRatings(a, counts[a], comments[a]) for a in sorted(counts)]
