"""GET /api/v1/ratings: citizens' ratings of the service per agency (the officer's own, or
every agency for a "*" key): how many at each satisfaction level, the average, the comments."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from bot.bootstrap import Application
from bot.web.officer_auth import Officer
from bot.web.officer_errors import Label, refusal
from services.ratings import AgencyRatings, RatingLevel


class LevelCount(BaseModel):
    """How many ratings gave one satisfaction level."""

    level: int = Field(description="4 very satisfied, 3 satisfied, 2 acceptable, 1 not satisfied")
    label: Label
    count: int


class AgencyRatingsOut(BaseModel):
    """One agency's ratings."""

    agency_id: str
    agency_name: Label | None
    total: int
    levels: list[LevelCount] = Field(description="Every level, most satisfied first")
    average: float | None = Field(description="Mean level (4 best … 1 worst); null without any")
    comments: int = Field(description="Ratings that came with a comment")


class RatingsReport(BaseModel):
    """Ratings per agency, agencies without ratings left out."""

    agencies: list[AgencyRatingsOut]


def _agency_out(app: Application, rated: AgencyRatings) -> AgencyRatingsOut:
    known = app.catalog.agencies.get(rated.agency_id)
    average = rated.average
    return AgencyRatingsOut(
        agency_id=rated.agency_id,
        agency_name=Label(vi=known.name.vi, en=known.name.en) if known else None,
        total=rated.total,
        levels=[
            LevelCount(
                level=int(level),
                label=Label(vi=level.label("vi"), en=level.label("en")),
                count=rated.counts.get(int(level), 0),
            )
            for level in RatingLevel
        ],
        average=round(average, 2) if average is not None else None,
        comments=rated.comments,
    )


def add_ratings(router: APIRouter, app: Application, caller: Any) -> None:
    """GET /ratings."""

    @router.get("/ratings")
    async def ratings(
        officer: Officer = caller,
        agency: Annotated[str | None, Query(max_length=100, description="For '*' keys")] = None,
    ) -> RatingsReport:
        """Citizens' ratings of the service per agency (the key's agency, all for "*")."""
        agencies = officer.agencies
        if agency is not None:
            if not officer.may_act_on(agency):
                raise refusal(403, "forbidden")
            agencies = [agency]
        async with app.uow_factory() as uow:
            found = await uow.ratings.summary(agencies)
        return RatingsReport(agencies=[_agency_out(app, r) for r in found])
