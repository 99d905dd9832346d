"""The officers' REST API under /api/v1: list, read and move dossiers of their agency.

Every request carries an `X-API-Key` (see officer_auth). Codes in paths are read the way
citizens type them (any case, spaces for dashes, the short agency form). Each change runs in
one unit of work: the dossier row is locked (PostgreSQL), the domain function applies the
change, its history entry and its status-change log row (which the scheduler turns into the
citizen's push), and one commit keeps it all or nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from bot.bootstrap import Application
from bot.web.officer_auth import Officer, OfficerKeys, officer_dependency
from bot.web.officer_errors import ErrorResponse, UnreadableBody, ValidationResponse, refusal
from bot.web.officer_files import (
    MIME,
    RESULT_FORM,
    ResultUpload,
    download_response,
    read_result,
    store_result,
)
from bot.web.officer_lookup import locate, search_page
from bot.web.officer_models import (
    API_PREFIX,
    DossierDetail,
    DossierPage,
    OverdueIn,
    StatusChangeIn,
    SupplementIn,
    detail,
    summary,
    supplement_components,
)
from bot.web.officer_ratings import add_ratings
from services.dossier_codes import DossierStatus, TransitionError, allowed_next
from services.dossiers import Dossier, HistoryEntry, Phase
from services.ports import UnitOfWork
from services.status_changes import (
    NotSubmitted,
    change_status,
    mark_overdue,
    record_result,
    request_supplement,
)

log = logging.getLogger(__name__)
DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET = 50, 200, 100_000
RESULT_STATUSES = frozenset({DossierStatus.PROCESSING, DossierStatus.RESOLVED})

Action = Callable[[Any, Dossier], Awaitable[Dossier]]  # Any: the SQL units of work
CodePath = Annotated[
    str,
    Path(
        max_length=64,
        description="Dossier code as typed: any case, spaces for dashes, full or short agency",
        examples=["000.01.51.H04-261125-0001"],
    ),
]


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for refusals with an `ErrorResponse` body; a 422 may also be FastAPI's
    list for a malformed request, a 400 its answer to a body it cannot read."""
    models: dict[int, Any] = {400: UnreadableBody, 422: ErrorResponse | ValidationResponse}
    return {code: {"model": models.get(code, ErrorResponse)} for code in codes}


def officer_router(app: Application) -> APIRouter:
    """The /api/v1 routes (documented in /openapi.json, browsable at /docs)."""
    authenticated = officer_dependency(OfficerKeys(app.settings.officer_api_keys, app.signer))
    router = APIRouter(prefix=API_PREFIX, tags=["officer"], responses=_errors(401, 403, 404))
    caller = Depends(authenticated)
    _add_reads(router, app, caller)
    _add_changes(router, app, caller)
    _add_result(router, app, caller)
    add_ratings(router, app, caller)
    return router


def _add_reads(router: APIRouter, app: Application, caller: Any) -> None:
    """GET: the list, one dossier, one of its files."""

    @router.get("/dossiers", responses=_errors(422))
    async def list_dossiers(
        officer: Officer = caller,
        status: Annotated[DossierStatus | None, Query(description="Only this status")] = None,
        overdue: Annotated[bool | None, Query(description="Only (not) overdue")] = None,
        procedure: Annotated[str | None, Query(max_length=100, description="Procedure id")] = None,
        agency: Annotated[str | None, Query(max_length=100, description="For '*' keys")] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    ) -> DossierPage:
        """Submitted dossiers of the key's agency (all for "*"), oldest due first."""
        agencies = officer.agencies
        if agency is not None:
            if not officer.may_act_on(agency):
                raise refusal(403, "forbidden")
            agencies = [agency]
        if procedure is not None and app.catalog.procedure(procedure) is None:
            raise refusal(422, "unknown_procedure", {"procedure": procedure})
        async with app.uow_factory() as uow:
            found = await search_page(
                uow.dossiers, agencies, status, overdue, procedure, limit + 1, offset
            )
        return DossierPage(
            items=[summary(d, app.catalog) for d in found[:limit]],
            limit=limit,
            offset=offset,
            next_offset=offset + limit if len(found) > limit else None,
        )

    @router.get("/dossiers/{code}")
    async def get_dossier(code: CodePath, officer: Officer = caller) -> DossierDetail:
        """One dossier: answers, files, results, history, due date, supplement request."""
        async with app.uow_factory() as uow:
            dossier = await locate(uow.dossiers, app.catalog, code, officer)
        return detail(dossier, app.catalog)

    @router.get(
        "/dossiers/{code}/files/{document_id}",
        response_class=Response,
        responses={200: {"content": {mime: {} for mime in MIME.values()}}},
    )
    async def download_file(
        code: CodePath,
        document_id: Annotated[str, Path(max_length=64)],
        officer: Officer = caller,
    ) -> Response:
        """Download an attachment or a result file of this dossier."""
        async with app.uow_factory() as uow:
            dossier = await locate(uow.dossiers, app.catalog, code, officer)
        return await download_response(app.files, dossier, document_id)


def _add_changes(router: APIRouter, app: Application, caller: Any) -> None:
    """POST: status, supplement request, overdue flag."""

    @router.post("/dossiers/{code}/status", responses=_errors(400, 409, 422))
    async def set_status(
        code: CodePath, body: StatusChangeIn, officer: Officer = caller
    ) -> DossierDetail:
        """Move the dossier to another status; a transition the national flow does not allow
        is a 409 with the reason, the current status and the statuses allowed next."""
        if body.status is DossierStatus.SUPPLEMENT_REQUESTED:
            raise refusal(422, "use_supplement")

        async def action(uow: UnitOfWork, dossier: Dossier) -> Dossier:
            procedure = app.catalog.procedure(dossier.procedure_id)
            days = procedure.processing_days if procedure is not None else 0
            now = app.clock.now()
            return await change_status(
                uow.dossiers, dossier, body.status, officer.actor, body.note, now, days
            )

        return await _act(app, code, officer, action)

    @router.post("/dossiers/{code}/supplement", responses=_errors(400, 409, 422))
    async def ask_supplement(
        code: CodePath, body: SupplementIn, officer: Officer = caller
    ) -> DossierDetail:
        """Ask the citizen for documents (4 → 5); the legal clock pauses."""

        async def action(uow: UnitOfWork, dossier: Dossier) -> Dossier:
            procedure = app.catalog.procedure(dossier.procedure_id)
            components = supplement_components(procedure, body.components)
            now = app.clock.now()
            return await request_supplement(
                uow.dossiers, dossier, components, body.note, officer.actor, now
            )

        return await _act(app, code, officer, action)

    @router.post("/dossiers/{code}/overdue", responses=_errors(400, 409))
    async def set_overdue(
        code: CodePath, body: OverdueIn, officer: Officer = caller
    ) -> DossierDetail:
        """Set or clear the overdue flag (kept in the history; the status is unchanged)."""

        async def action(uow: UnitOfWork, dossier: Dossier) -> Dossier:
            now = app.clock.now()
            return await mark_overdue(
                uow.dossiers, dossier, body.overdue, officer.actor, body.note, now
            )

        return await _act(app, code, officer, action)


def _add_result(router: APIRouter, app: Application, caller: Any) -> None:
    """POST: the result file."""

    @router.post(
        "/dossiers/{code}/result",
        openapi_extra=RESULT_FORM,
        responses=_errors(400, 409, 413, 415, 422),
    )
    async def upload_result(
        code: CodePath, request: Request, officer: Officer = caller
    ) -> DossierDetail:
        """Send the result file (pdf, jpeg or png, 10 MB at most): it joins the dossier and
        the citizen's document store, and a dossier being processed moves to 9."""
        async with app.uow_factory() as uow:  # refuse before reading the upload; see below
            _check_result_allowed(await locate(uow.dossiers, app.catalog, code, officer))
        upload = await read_result(request)

        async def action(uow: UnitOfWork, dossier: Dossier) -> Dossier:
            _check_result_allowed(dossier)
            return await _add_result_file(app, uow, dossier, upload, officer)

        return await _act(app, code, officer, action)


async def _act(app: Application, code: str, officer: Officer, action: Action) -> DossierDetail:
    """Apply one change to one dossier in one unit of work, or refuse it with no effect."""
    async with app.uow_factory() as uow:
        dossier = await locate(uow.dossiers, app.catalog, code, officer)
        try:
            updated = await action(uow, dossier)
        except NotSubmitted:
            raise refusal(409, "awaiting_payment") from None
        except TransitionError as refused:
            raise _transition_refusal(refused, dossier) from None
        await uow.commit()
    log.info("officer %s changed dossier %s (status %s)", officer.actor, updated.id, updated.status)
    return detail(updated, app.catalog)


async def _add_result_file(
    app: Application, uow: UnitOfWork, dossier: Dossier, upload: ResultUpload, officer: Officer
) -> Dossier:
    """Store the file, put it in the citizen's document store and on the dossier (4 → 9)."""
    now = app.clock.now()
    result = await store_result(uow.documents, app.files, dossier, upload, now)
    updated = await record_result(uow.dossiers, dossier, result, officer.actor, upload.note, now)
    if dossier.status is DossierStatus.RESOLVED:  # another file, no transition: still recorded
        entry = HistoryEntry(int(dossier.status), now, officer.actor, upload.note or "result")
        updated = replace(updated, history=(*updated.history, entry))
        await uow.dossiers.update(updated)
    return updated


def _allowed(dossier: Dossier) -> Sequence[int]:
    return sorted(int(s) for s in allowed_next(dossier.status)) if dossier.status else []


def _transition_refusal(refused: TransitionError, dossier: Dossier) -> Exception:
    current = int(dossier.status) if dossier.status is not None else None
    requested = refused.params.get("new")
    return refusal(
        409,
        "transition_refused",
        {"old": current, "new": requested},
        reason=refused.reason,
        current_status=current,
        requested_status=requested,
        allowed=list(_allowed(dossier)),
    )


def _check_result_allowed(dossier: Dossier) -> None:
    """A result is for a submitted dossier being processed (4 → 9) or resolved (another file);
    checked again under the row lock, as the status may have changed while the file came."""
    if dossier.phase is not Phase.SUBMITTED or dossier.status is None:
        raise refusal(409, "awaiting_payment")
    if dossier.status not in RESULT_STATUSES:
        current = int(dossier.status)
        raise refusal(409, "result_not_allowed", current_status=current, allowed=[4, 9])
