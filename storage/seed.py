"""Seed data: read the editable catalogue files and write the catalogue into the database.

The catalogue lives in storage/seed/catalog as YAML files people can edit. Reading them
validates everything (services.catalog_schema) and fails with every problem listed by file,
procedure and field. Seeding is idempotent: the content hash is kept, and unchanged data is
not rewritten.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from services.agencies import commune_agencies
from services.catalog import Agency, Procedure
from services.catalog_schema import CatalogData, CatalogError, Problem, build_catalog
from services.codec import to_json
from services.places import Places
from services.search_words import SearchWords, parse_search_words
from services.where_to_go import WhereToGo, parse_where_to_go
from storage.tables import AgencyRow, CatalogMetaRow, ProcedureRow, SectorRow

CATALOG_DIR = Path(__file__).parent / "seed" / "catalog"
# The suffix the shipped catalogue's agency codes are written with: a placeholder of the right
# shape (Cao Bằng's QCVN 102 H-number is unconfirmed). AGENCY_CODE_SUFFIX replaces it;
# production refuses to run with the placeholder itself (bot.settings).
CATALOGUE_SUFFIX = "H04"
# libyaml's parser when PyYAML was built with it (about ten times faster), else PyYAML's own
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Validated catalogues of this process by folder and the files' (name, size, mtime): a
# second application in one process (workers, tests) does not parse the same files again.
_VALIDATED: dict[tuple[object, ...], CatalogData] = {}


def read_catalog_files(folder: Path = CATALOG_DIR) -> dict[str, Any]:
    """Parse every YAML file of a catalogue folder, keyed by path relative to it."""
    files: dict[str, Any] = {}
    problems: list[Problem] = []
    for path in sorted(folder.rglob("*.yaml")):
        relative = path.relative_to(folder).as_posix()
        try:
            files[relative] = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark is not None else ""
            problems.append(Problem(relative, "", where, f"not valid YAML: {error}"))
    if problems:
        raise CatalogError(problems)
    return files


def load_catalog_data(folder: Path = CATALOG_DIR) -> CatalogData:
    """Read and validate the catalogue folder (once per process while its files stay as
    they are: CatalogData is immutable)."""
    key = (folder.resolve(), *_signature(folder))
    data = _VALIDATED.get(key)
    if data is None:
        data = build_catalog(read_catalog_files(folder))
        if len(_VALIDATED) >= 8:
            _VALIDATED.clear()
        _VALIDATED[key] = data
    return data


def _signature(folder: Path) -> list[tuple[str, int, int]]:
    """What identifies the folder's YAML files' content cheaply: name, size, mtime."""
    stats = ((path, path.stat()) for path in sorted(folder.rglob("*.yaml")))
    return [(path.as_posix(), stat.st_size, stat.st_mtime_ns) for path, stat in stats]


def _read_one(folder: Path, name: str) -> Any:
    path = folder / name
    if not path.exists():
        raise CatalogError([Problem(name, "", "", "file is missing")])
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
    except yaml.YAMLError as error:
        raise CatalogError([Problem(name, "", "", f"not valid YAML: {error}")]) from error


def load_search_words(folder: Path = CATALOG_DIR) -> SearchWords:
    """Read and validate the synonyms file (read at start-up, not seeded)."""
    return parse_search_words(_read_one(folder, "synonyms.yaml"))


def load_where_to_go(folder: Path = CATALOG_DIR) -> WhereToGo:
    """Read and validate the file of matters handled outside the province's system."""
    return parse_where_to_go(_read_one(folder, "where_to_go.yaml"))


def all_agencies(
    data: CatalogData, places: Places, province_code: str, suffix: str
) -> list[Agency]:
    """Provincial agencies from the catalogue plus commune agencies of the province's wards.

    The catalogue's codes carry the placeholder suffix (`CATALOGUE_SUFFIX`): they are given
    the province's own (AGENCY_CODE_SUFFIX), which production requires to be set."""
    provincial = [with_suffix(a, suffix) for a in data.agencies]
    problems = [
        Problem("agencies.yaml", "", a.id, f"code {a.code} does not end with .{suffix}")
        for a in provincial
        if not a.code.endswith("." + suffix)
    ]
    if places.province(province_code) is None:
        problems.append(
            Problem("settings", "", "PROVINCE_CODE", f"unknown province {province_code}")
        )
    if problems:
        raise CatalogError(problems)
    return [*provincial, *commune_agencies(places.wards(province_code), suffix)]


def with_suffix(agency: Agency, suffix: str) -> Agency:
    """The agency with the catalogue's placeholder suffix replaced by the province's."""
    code, short = agency.code, agency.short_code
    if code.endswith("." + CATALOGUE_SUFFIX):
        code = code.removesuffix(CATALOGUE_SUFFIX) + suffix
    if short.startswith(CATALOGUE_SUFFIX + "."):
        short = suffix + short.removeprefix(CATALOGUE_SUFFIX)
    return dataclasses.replace(agency, code=code, short_code=short)


def content_hash(data: CatalogData, agencies: list[Agency]) -> str:
    """A stable hash of what seeding would write."""
    body = json.dumps(
        [to_json(data.sectors), to_json(data.procedures), to_json(agencies)],
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(body.encode()).hexdigest()


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
