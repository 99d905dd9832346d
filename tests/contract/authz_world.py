"""The world the hostile-input and authorization tests run in: the real application over a
seeded SQLite file with every door open — the web chat, the Zalo and Telegram webhooks (their
APIs answered by fakes, nothing leaves the process), the bank webhook, the officer API with
keys for two agencies and the province, and one admin chat — plus dossiers built through the
real repositories, owned by a logged-in demo citizen and full of her personal data.
"""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
from collections.abc import AsyncIterator, Coroutine, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from fastapi import FastAPI

from bot.bootstrap import Application, build
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_webhook import telegram_webhook_router
from bot.channels.zalo import build_zalo_channel
from bot.settings import Settings
from bot.web.app import create_http_app
from conversations.messages import Platform
from services.documents import Attachment, DocumentSource, StoredDocument
from services.dossier_codes import DossierStatus, format_code
from services.dossiers import Dossier, Phase, payment_request, submitted
from tests.chat import ChatDriver
from tests.contract.conftest import run_blocking
from tests.contract.officer_dossiers import (
    COMMITTEE,
    KEY_COMMITTEE,
    KEY_POLICE,
    KEY_PROVINCE,
    KEYS,
    NOW,
    POLICE,
    prepare,
)
from tests.fakes import FakeClock, RecordingSms
from tests.unit.test_login_flow import login

__all__ = [
    "COMMITTEE",
    "KEY_COMMITTEE",
    "KEY_POLICE",
    "KEY_PROVINCE",
    "NOW",
    "POLICE",
]

T = TypeVar("T")
ADMIN_CHAT = "900000001"  # a Telegram chat named in ADMIN_CHATS (web chats cannot be named)
TELEGRAM_SECRET = "telegram-webhook-secret-for-tests"
ZALO_APP_ID, ZALO_OA_SECRET, ZALO_APP_SECRET = "zalo-app-4242", "zalo-oa-secret", "zalo-app-sec"
SEPAY_SECRET, CASSO_SECRET = "sepay-hmac-secret-for-tests", "casso-secret-for-tests"
OWNER_ID, OWNER_PHONE, OWNER_NAME = "004195118046", "0912345678", "Nông Thị Hoa"
OTHER_ID, OTHER_PHONE = "004088688456", "0987112233"  # Hoàng Văn Nam
PERSONAL = (OWNER_NAME, OWNER_ID, OWNER_PHONE, "Nong Thi Hoa", "0912 345 678", "+84912345678")
PDF = b"%PDF-1.4\n% giay to cua cong dan\n" + b"0" * 300
OWNER_FILE, RESULT_FILE = "cccd-nong-thi-hoa.pdf", "ket-qua-nong-thi-hoa.pdf"


def world_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated and seeded SQLite file for this test session, made once (seeding takes
    seconds) and copied by every world."""
    folder = tmp_path_factory.getbasetemp() / "authz-world-template"
    path = folder / "template.sqlite3"
    if not path.exists():
        folder.mkdir(exist_ok=True)
        building = folder / "building.sqlite3"
        run_blocking(prepare(f"sqlite+aiosqlite:///{building}", folder))
        building.replace(path)
    return path


@contextmanager
def running_world(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Running]:
    """A world on its own event loop, for synchronous tests (Hypothesis drives them) that
    run one coroutine at a time on it. httpx's line per request is kept out of the log: the
    URLs of generated requests hold random digits the privacy scan would read as codes."""
    folder = tmp_path_factory.mktemp(name)
    requests_log = logging.getLogger("httpx")
    level = requests_log.level
    requests_log.setLevel(logging.WARNING)
    with asyncio.Runner() as runner:
        world = runner.run(open_world(world_template(tmp_path_factory), folder))
        try:
            yield Running(runner, world)
        finally:
            runner.run(world.close())
            requests_log.setLevel(level)


class FakeTelegramApi:
    """The Bot API methods the channel calls, answered at once and recorded."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []
        self.answered: list[str] = []

    async def send_text(self, chat_id: int, html: str, reply_markup: Any) -> int:
        self.sent.append((chat_id, html))
        return len(self.sent)

    async def edit_text(self, chat_id: int, message_id: int, html: str, reply_markup: Any) -> None:
        self.sent.append((chat_id, html))

    async def send_photo(
        self, chat_id: int, content: bytes, name: str, caption_html: str, reply_markup: Any
    ) -> None:
        self.sent.append((chat_id, caption_html))

    async def send_document(
        self, chat_id: int, content: bytes, name: str, caption_html: str, reply_markup: Any
    ) -> None:
        self.sent.append((chat_id, caption_html))

    async def answer_callback(self, callback_id: str) -> None:
        self.answered.append(callback_id)

    async def answer_inline_query(self, query_id: str) -> None:
        self.answered.append(query_id)

    async def username(self) -> str:
        return "dvc_test_bot"

    async def file_bytes(self, file_id: str) -> bytes:
        return b"%PDF-1.4 " + file_id.encode("utf-8", "replace")[:200]

    async def set_commands(self, commands_by_lang: Any) -> None:
        return None

    async def set_webhook(self, url: str, secret: str) -> None:
        return None

    async def delete_webhook(self) -> None:
        return None


def _zalo_answer(request: httpx.Request) -> httpx.Response:
    """Zalo's OA API and its file CDN, as far as the channel needs them."""
    if request.url.path.endswith("/access_token"):
        return httpx.Response(200, json={"access_token": "a", "refresh_token": "r"})
    if request.url.path.startswith(("/v3.0/", "/v2.0/")):
        data = {"message_id": "m", "attachment_id": "i", "token": "t"}
        return httpx.Response(200, json={"error": 0, "data": data})
    return httpx.Response(200, content=PDF, headers={"content-type": "application/pdf"})


@dataclass(frozen=True)
class Running:
    """A world and the event loop it lives on."""

    runner: asyncio.Runner
    world: World

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run one coroutine to completion on the world's loop."""
        return self.runner.run(coroutine)


@dataclass
class World:
    """The application, its HTTP face, and the fakes behind its channels."""

    app: Application
    http: FastAPI
    telegram: FakeTelegramApi
    zalo_http: httpx.AsyncClient
    chats: dict[str, ChatDriver] = field(default_factory=dict)
    sequence: int = 0

    @asynccontextmanager
    async def client(self) -> AsyncIterator[httpx.AsyncClient]:
        """An HTTP client calling the app in process."""
        transport = httpx.ASGITransport(app=self.http)
        async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
            yield client

    def chat(self, chat_id: str) -> ChatDriver:
        """The web chat `chat_id` (the admin's is a Telegram chat), driven through the
        router as its channel drives it."""
        if chat_id not in self.chats:
            platform = Platform.TELEGRAM if chat_id == ADMIN_CHAT else Platform.WEB
            self.chats[chat_id] = ChatDriver(self.app.router, chat_id=chat_id, platform=platform)
        return self.chats[chat_id]

    async def login(self, chat_id: str, id_number: str, phone: str) -> str:
        """Log a web chat in as a demo citizen; the citizen's id."""
        sms = self.app.sms
        assert isinstance(sms, RecordingSms)
        chat = self.chat(chat_id)
        await login(chat, sms, id_number, phone)
        async with self.app.uow_factory() as uow:
            citizen_id = await uow.citizens.citizen_of(chat.address.key)
        assert citizen_id is not None
        return citizen_id

    async def close(self) -> None:
        """Release the database, the channels and the fake Zalo client."""
        await self.app.close()
        await self.zalo_http.aclose()


async def open_world(template: Path, folder: Path) -> World:
    """The real application over a copy of the template, every channel configured."""
    shutil.copyfile(template, folder / "db.sqlite3")
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{folder}/db.sqlite3",
        data_dir=folder,
        officer_api_keys=KEYS,
        admin_chats=[f"telegram:{ADMIN_CHAT}"],
        payment_simulator=False,
        sepay_webhook_secret=SEPAY_SECRET,
        casso_webhook_secret=CASSO_SECRET,
        zalo_app_id=ZALO_APP_ID,
        zalo_oa_secret_key=ZALO_OA_SECRET,
        zalo_app_secret=ZALO_APP_SECRET,
        zalo_refresh_token="zalo-refresh-seed",
        _env_file=None,  # type: ignore[call-arg]
    )
    app = await build(settings, prepare=False, clock=FakeClock(NOW), sms=RecordingSms())
    zalo_http = httpx.AsyncClient(transport=httpx.MockTransport(_zalo_answer))
    if app.zalo is not None:  # the one build() made, replaced by one on the fake API
        await app.zalo.close()
    app.zalo = build_zalo_channel(app, zalo_http)
    telegram = FakeTelegramApi()
    http = create_http_app(app)
    http.include_router(telegram_webhook_router(TelegramChannel(app, telegram), TELEGRAM_SECRET))
    return World(app, http, telegram, zalo_http)


async def keep_document(
    world: World, owner: str, citizen_id: str | None, name: str, source: DocumentSource
) -> Attachment:
    """A file in the file store and in the citizen's document store ("Kho dữ liệu")."""
    app = world.app
    world.sequence += 1
    content = PDF + name.encode()
    ref = app.files.put(content)
    document = StoredDocument(
        f"doc-{world.sequence:04d}",
        owner,
        citizen_id,
        "ket_qua" if source is DocumentSource.RESULT else "giay_to_tuy_than",
        name,
        "pdf",
        len(content),
        ref,
        NOW,
        source=source,
    )
    async with app.uow_factory() as uow:
        await uow.documents.add(document)
        await uow.commit()
    return Attachment(document.component, document.id, name, "pdf", len(content), ref)


async def add_dossier(
    world: World,
    owner: str,
    citizen_id: str | None,
    status: DossierStatus = DossierStatus.SUBMITTED,
    agency_id: str = POLICE,
    **changes: Any,
) -> Dossier:
    """A dossier of the temporary-residence procedure at the commune police, owned by a
    logged-in citizen, carrying her name, ID and phone, one attachment and one result."""
    app = world.app
    world.sequence += 1
    agency = app.catalog.agencies.get(agency_id)
    procedure = app.catalog.procedure("dang_ky_tam_tru")
    assert agency is not None and procedure is not None
    code = format_code(agency.code, NOW.date(), world.sequence)
    attached = await keep_document(world, owner, citizen_id, OWNER_FILE, DocumentSource.UPLOAD)
    answers = {"ho_ten": OWNER_NAME, "so_dinh_danh": OWNER_ID, "so_dien_thoai": OWNER_PHONE}
    dossier = Dossier(
        id=f"authz-{world.sequence:04d}",
        code=code,
        procedure_id=procedure.id,
        agency_id=agency.id,
        owner=owner,
        citizen_id=citizen_id,
        answers=answers,
        attachments=(attached,),
        fee=7000,
        created_at=NOW,
        phase=Phase.AWAITING_PAYMENT,
        payment=payment_request(code, 7000, NOW),
    )
    dossier = submitted(dossier, NOW, NOW.date(), procedure.processing_days, "citizen")
    path = {
        DossierStatus.SUBMITTED: (),
        DossierStatus.RECEIVED: (2,),
        DossierStatus.PROCESSING: (2, 4),
        DossierStatus.SUPPLEMENT_REQUESTED: (2, 4, 5),
        DossierStatus.RESOLVED: (2, 4, 9),
        DossierStatus.RETURNED: (2, 4, 9, 10),
        DossierStatus.REFUSED: (3,),
    }[status]
    for step in path:
        dossier = dossier.with_status(DossierStatus(step), NOW, "officer:seed")
    if status is DossierStatus.SUPPLEMENT_REQUESTED:
        dossier = replace(dossier, supplement=("to_khai_ct01",), supplement_at=NOW)
    if status in (DossierStatus.RESOLVED, DossierStatus.RETURNED):
        result = await keep_document(world, owner, citizen_id, RESULT_FILE, DocumentSource.RESULT)
        dossier = replace(dossier, results=(result,))
    dossier = replace(dossier, due_date=NOW.date() + timedelta(days=3), **changes)
    async with app.uow_factory() as uow:
        await uow.dossiers.add(dossier)
        await uow.commit()
    return dossier


@dataclass(frozen=True)
class Snapshot:
    """Everything an operation on a dossier could change: the dossier (status, history,
    files, flags), its status-change log, its followers and its owner's document store."""

    dossier: Dossier
    log: tuple[tuple[int, str], ...]
    followers: tuple[str, ...]
    documents: tuple[str, ...]


async def snapshot(world: World, dossier: Dossier) -> Snapshot:
    """The dossier's world as stored now."""
    async with world.app.uow_factory() as uow:
        stored = await uow.dossiers.get(dossier.id)
        changes = await uow.dossiers.history_changes(dossier.id)
        followers = await uow.dossiers.followers(dossier.id)
        documents = await uow.documents.list_for(dossier.owner, dossier.citizen_id)
    assert stored is not None
    return Snapshot(
        stored,
        tuple((c.status, c.actor) for c in changes),
        tuple(sorted(followers)),
        tuple(sorted(d.id for d in documents)),
    )


def leaks(text: str) -> list[str]:
    """The owner's personal data found in `text` (also inside JSON escapes)."""
    readable = text
    if text.lstrip().startswith(("{", "[")):
        with suppress(ValueError):
            readable = json.dumps(json.loads(text), ensure_ascii=False)
    return [item for item in PERSONAL if item in readable]


def web(chat_id: str) -> str:
    """The chat key of a web chat."""
    return f"{Platform.WEB.value}:{chat_id}"
