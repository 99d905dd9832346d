"""Seed data: write the catalogue read from its files (storage.catalog_files) into the database.

Seeding is idempotent: the content hash is kept, and unchanged data is not rewritten.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from services.catalog import Agency, Procedure
from services.catalog_schema import CatalogData
from services.codec import to_json
from storage.catalog_files import (
    CATALOG_DIR,
    CATALOGUE_SUFFIX,
    all_agencies,
    content_hash,
    load_catalog_data,
    load_search_words,
    load_where_to_go,
    read_catalog_files,
    with_suffix,
)
from storage.tables import AgencyRow, CatalogMetaRow, ProcedureRow, SectorRow

# Reading the files moved to storage.catalog_files; these names stay importable from here.
__all__ = [
    "CATALOGUE_SUFFIX",
    "CATALOG_DIR",
    "all_agencies",
    "catalog_is_seeded",
    "content_hash",
    "load_catalog_data",
    "load_search_words",
    "load_where_to_go",
    "read_catalog_files",
    "seed_catalog",
    "with_suffix",
]


async def seed_catalog(
    sessions: async_sessionmaker[AsyncSession], data: CatalogData, agencies: list[Agency]
) -> bool:
    """Write the catalogue; returns False when the database already holds this exact data."""
    digest = content_hash(data, agencies)
    async with sessions() as session, session.begin():
        current = await session.get(CatalogMetaRow, "content_hash")
        if current is not None and current.value == digest:
            return False
        await session.execute(delete(ProcedureRow))
        await session.execute(delete(SectorRow))
        await session.execute(delete(AgencyRow))
        session.add_all(
            SectorRow(id=s.id, name_vi=s.name.vi, name_en=s.name.en) for s in data.sectors
        )
        session.add_all(_procedure_row(p, i) for i, p in enumerate(data.procedures))
        session.add_all(_agency_row(a) for a in agencies)
        if current is None:
            session.add(CatalogMetaRow(key="content_hash", value=digest))
        else:
            current.value = digest
    return True


def _procedure_row(proc: Procedure, position: int) -> ProcedureRow:
    return ProcedureRow(
        id=proc.id,
        code=proc.code,
        sector_id=proc.sector_id,
        level=proc.level.value,
        name_vi=proc.name.vi,
        body=to_json(proc),
        position=position,
    )


def _agency_row(agency: Agency) -> AgencyRow:
    return AgencyRow(
        id=agency.id,
        code=agency.code,
        short_code=agency.short_code,
        name_vi=agency.name.vi,
        name_en=agency.name.en,
        kind=agency.kind.value,
        ward_code=agency.ward_code,
    )


async def catalog_is_seeded(sessions: async_sessionmaker[AsyncSession]) -> bool:
    """True when some catalogue has been written."""
    async with sessions() as session:
        return (await session.execute(select(col(ProcedureRow.id)).limit(1))).first() is not None
