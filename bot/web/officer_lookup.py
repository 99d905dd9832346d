"""Finding dossiers for an officer: by a code as typed, and pages of an agency's dossiers."""

from __future__ import annotations

from collections.abc import Sequence

from bot.web.officer_auth import Officer
from bot.web.officer_errors import refusal
from conversations.status_messages import resolve_code
from services.catalog_index import Catalog
from services.dossier_codes import DossierStatus
from services.dossiers import Dossier, DossierRepository

SCAN_BATCH = 500  # dossiers read per query while filtering by procedure


async def locate(
    dossiers: DossierRepository, catalog: Catalog, typed: str, officer: Officer
) -> Dossier:
    """The dossier a code names, typed as citizens type it (locked until the unit of work
    ends), or a 404; a dossier of another agency than the officer's is a 403."""
    code = resolve_code(catalog, typed)
    dossier = await dossiers.by_code(code) if code is not None else None
    if dossier is None:
        raise refusal(404, "not_found", {"code": code or typed.strip()[:64]})
    if not officer.may_act_on(dossier.agency_id):
        raise refusal(403, "forbidden")
    return dossier


async def search_page(
    dossiers: DossierRepository,
    agencies: Sequence[str] | None,
    status: DossierStatus | None,
    overdue: bool | None,
    procedure: str | None,
    limit: int,
    offset: int,
) -> Sequence[Dossier]:
    """Up to `limit` submitted dossiers after `offset`, oldest due first.

    The repository's search has no procedure filter, so with one the agency's dossiers are
    read in batches (in the same order) and filtered here.
    """
    if procedure is None:
        return await dossiers.search(agencies, status, overdue, limit, offset)
    found: list[Dossier] = []
    skipped = position = 0
    while len(found) < limit:
        batch = await dossiers.search(agencies, status, overdue, SCAN_BATCH, position)
        for dossier in batch:
            if dossier.procedure_id != procedure:
                continue
            if skipped < offset:
                skipped += 1
            elif len(found) < limit:
                found.append(dossier)
        if len(batch) < SCAN_BATCH:
            break
        position += SCAN_BATCH
    return found
