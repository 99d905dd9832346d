"""Test support for the officer API: keys, an app on SQLite or PostgreSQL, and dossiers built
through the real repositories."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import text

from bot.bootstrap import Application, build, prepare_database
from bot.settings import Settings
from bot.web.app import create_http_app
from services.documents import Attachment, StoredDocument
from services.dossier_codes import DossierStatus, format_code
from services.dossiers import Dossier, Phase, payment_request, submitted
from tests.fakes import FakeClock

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # a Wednesday, 10:00 in Vietnam
POLICE, COMMITTEE = "ca-01273", "ubnd-01273"  # two agencies of one ward
KEY_POLICE = "police-officer-key-0123456789abcdef"
KEY_COMMITTEE = "committee-officer-key-0123456789abcdef"
KEY_PROVINCE = "province-admin-key-0123456789abcdef"
KEYS = {KEY_POLICE: POLICE, KEY_COMMITTEE: COMMITTEE, KEY_PROVINCE: "*"}
OWNER, CITIZEN = "web:hoa-tab-0001", "citizen-hoa"
PDF = b"%PDF-1.4\n% ket qua giai quyet\n" + b"0" * 200
TABLES = (
    "dossier",
    "status_change",
    "dossier_follower",
    "stored_document",
    "outbox",
    "payment_event",
    "dossier_sequence",
)


async def prepare(url: str, data_dir: Path) -> None:
    """Migrate and seed a database once, for every test of the session."""
    settings = Settings(database_url=url, data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    engine = await prepare_database(settings)
    await engine.dispose()


async def officer_app(url: str, data_dir: Path, postgres: bool) -> Application:
    """The real application over a prepared database, its dossier tables empty."""
    settings = Settings(
        database_url=url,
        data_dir=data_dir,
        officer_api_keys=KEYS,
        payment_simulator=False,
        _env_file=None,  # type: ignore[call-arg]
    )
    app = await build(settings, prepare=False, clock=FakeClock(NOW))
    if postgres:  # the session's database is shared by the tests: start empty
        async with app.engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {', '.join(TABLES)}"))
    return app


@asynccontextmanager
async def api_client(app: Application) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client calling the app in process."""
    transport = httpx.ASGITransport(app=create_http_app(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
        yield client


def headers(key: str) -> dict[str, str]:
    """The officer's key header."""
    return {"X-API-Key": key}


def dossier_code(app: Application, agency_id: str, sequence: int, day: date | None = None) -> str:
    """A dossier code of the agency, in the full form the bot stores."""
    agency = app.catalog.agencies.get(agency_id)
    assert agency is not None
    return format_code(agency.code, day or NOW.date(), sequence)


async def attachment(app: Application, component: str, content: bytes, name: str) -> Attachment:
    """A citizen's upload, kept in the file store and the document store."""
    ref = app.files.put(content)
    document_id = f"doc-{component}-{len(content)}"[:40]
    document = StoredDocument(
        document_id, OWNER, CITIZEN, component, name, "pdf", len(content), ref, NOW
    )
    async with app.uow_factory() as uow:
        await uow.documents.add(document)
        await uow.commit()
    return Attachment(component, document_id, name, "pdf", len(content), ref)


async def add_dossier(
    app: Application,
    agency_id: str = POLICE,
    sequence: int = 1,
    procedure_id: str = "dang_ky_tam_tru",
    status: DossierStatus | None = DossierStatus.SUBMITTED,
    due_in_days: int | None = None,
    overdue: bool = False,
    attachments: tuple[Attachment, ...] = (),
) -> Dossier:
    """A dossier as the filing flow leaves it (status 1, or awaiting its fee when `status` is
    None), optionally moved to another status or due date, stored through the repository."""
    code = dossier_code(app, agency_id, sequence)
    dossier = Dossier(
        id=f"d-{agency_id}-{sequence:04d}",
        code=code,
        procedure_id=procedure_id,
        agency_id=agency_id,
        owner=OWNER,
        citizen_id=CITIZEN,
        answers={"ho_ten": "Nông Thị Hoa", "so_nha": "12"},
        attachments=attachments,
        fee=15000,
        created_at=NOW,
        phase=Phase.AWAITING_PAYMENT,
        payment=payment_request(code, 15000, NOW),
    )
    if status is not None:
        procedure = app.catalog.procedure(procedure_id)
        assert procedure is not None
        dossier = submitted(dossier, NOW, NOW.date(), procedure.processing_days, "citizen")
        if status is not DossierStatus.SUBMITTED:
            dossier = dossier.with_status(status, NOW, "officer:seed")
    if due_in_days is not None:
        dossier = replace(dossier, due_date=NOW.date() + timedelta(days=due_in_days))
    dossier = replace(dossier, overdue=overdue)
    async with app.uow_factory() as uow:
        await uow.dossiers.add(dossier)
        await uow.commit()
    return dossier


async def stored(app: Application, dossier_id: str) -> Dossier:
    """The dossier as stored now."""
    async with app.uow_factory() as uow:
        found = await uow.dossiers.get(dossier_id)
    assert found is not None
    return found


async def logged_statuses(app: Application, dossier_id: str) -> list[tuple[int, str]]:
    """The status-change log of a dossier: (status, actor), oldest first."""
    async with app.uow_factory() as uow:
        changes = await uow.dossiers.history_changes(dossier_id)
    return [(change.status, change.actor) for change in changes]
