"""Read the seeded catalogue back from the database into domain objects."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from services.catalog import Agency, AgencyKind, LocalText, Procedure, Sector
from services.catalog_schema import CatalogData
from services.codec import from_json
from storage.tables import AgencyRow, ProcedureRow, SectorRow


async def load_catalog(
    sessions: async_sessionmaker[AsyncSession],
) -> tuple[CatalogData, list[Agency]]:
    """The catalogue and every agency, as seeded."""
    async with sessions() as session:
        sectors = (await session.execute(select(SectorRow).order_by(col(SectorRow.id)))).scalars()
        procedures = (
            await session.execute(select(ProcedureRow).order_by(col(ProcedureRow.position)))
        ).scalars()
        agencies = (await session.execute(select(AgencyRow).order_by(col(AgencyRow.id)))).scalars()
        data = CatalogData(
            sectors=tuple(Sector(s.id, LocalText(s.name_vi, s.name_en)) for s in sectors),
            agencies=(),
            procedures=tuple(from_json(Procedure, p.body) for p in procedures),
            option_lists={},
        )
        all_agencies = [
            Agency(
                id=a.id,
                code=a.code,
                short_code=a.short_code,
                name=LocalText(a.name_vi, a.name_en),
                kind=AgencyKind(a.kind),
                ward_code=a.ward_code,
            )
            for a in agencies
        ]
    return data, all_agencies
