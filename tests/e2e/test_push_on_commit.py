"""A status change reaches the follower when it commits, not at the next sweep.

The sweep (STATUS_SYNC_SECONDS) is set to an hour, so it runs only once, at start-up; the
officer then moves the dossier — through the REST API or the admin chat — and the follower's
Telegram push arrives anyway: the commit woke the scheduler's push step, whose outbox rows
woke the Telegram sender. In one process on SQLite (`dvc-bot run`), and across real
processes on PostgreSQL (`dvc-bot web --workers 2` + `dvc-bot scheduler`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.bootstrap import Application, build, prepare_database
from bot.channels.telegram_runtime import TelegramRuntime, build_telegram
from bot.dossier_system_http import build_dossier_system
from bot.scheduler import Scheduler
from bot.senders import build_transports
from bot.settings import Settings
from bot.web.app import create_http_app
from services.catalog_index import Catalog
from services.dossier_codes import DossierStatus
from services.dossiers import Dossier
from services.ports import UnitOfWorkFactory
from tests.e2e.fakes.telegram_api import FakeTelegram
from tests.e2e.fakes.telegram_state import SentMessage
from tests.e2e.fault_journey import Citizen
from tests.e2e.fault_world import OFFICER_KEY, fault_world
from tests.e2e.test_zalo_channel import Served
from tests.fakes import FakeClock
from tests.unit.test_status_flow import make_dossier

pytestmark = pytest.mark.timeout(120)

KEY = "officer-key-for-push-on-commit-0001"
FOLLOWER, ADMIN = 5101, 5102
HOUR = 3600


@dataclass
class World:
    """The served app, the fake Bot API, and how often the sweep ran."""

    app: Application
    tg: FakeTelegram
    http: httpx.AsyncClient
    sweeps: list[int]


@asynccontextmanager
async def served_world(tmp_path: Path, **settings: Any) -> AsyncIterator[World]:
    """`dvc-bot run` in this process (web app, Telegram polling, scheduler with its remote
    system if the settings name one), the sweep hourly and counted."""
    async with FakeTelegram() as tg:
        for chat in (FOLLOWER, ADMIN):
            tg.register_chat(chat)
        values: dict[str, Any] = {
            "database_url": f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3",
            "data_dir": tmp_path,
            "telegram_bot_token": tg.token,
            "telegram_api_base_url": tg.url,
            "officer_api_keys": {KEY: "*"},
            "admin_chats": [f"telegram:{ADMIN}"],
            "status_sync_seconds": HOUR,
            "payment_simulator": False,
            **settings,
        }
        configured = Settings(**values, _env_file=None)
        engine = await prepare_database(configured)
        await engine.dispose()
        app = await build(configured, prepare=False)
        telegram: TelegramRuntime | None = build_telegram(app, poll_timeout=1)
        assert telegram is not None
        served = Served(create_http_app(app))
        await served.start()
        await telegram.start()
        remote = build_dossier_system(configured)
        scheduler = Scheduler(app, await build_transports(app), remote)
        sweeps: list[int] = []
        sweep = scheduler.jobs.status_sync

        async def counted() -> None:
            sweeps.append(1)
            await sweep()

        scheduler.jobs.status_sync = counted  # type: ignore[method-assign]
        await scheduler.start()
        try:
            async with httpx.AsyncClient(base_url=served.url, timeout=30) as http:
                yield World(app, tg, http, sweeps)
        finally:
            await scheduler.stop()
            await telegram.stop()
            await served.stop()
            await app.close()


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with served_world(tmp_path) as served:
        yield served


async def filed(uow_factory: UnitOfWorkFactory, catalog: Catalog, sequence: int = 7) -> Dossier:
    """A submitted dossier of a web-chat citizen (status 1)."""
    dossier = make_dossier(catalog, FakeClock(), id=f"push{sequence}")
    dossier = make_dossier(
        catalog, FakeClock(), id=dossier.id, code=dossier.code.replace("-0007", f"-{sequence:04d}")
    )
    async with uow_factory() as uow:
        await uow.dossiers.add(dossier)
        await uow.commit()
    return dossier


def pushes(tg: FakeTelegram, chat: int, code: str) -> list[SentMessage]:
    return [
        m for m in tg.sent(chat) if code in (m.text or "") and "Trạng thái mới" in (m.text or "")
    ]


def saying(tg: FakeTelegram, code: str, label: str) -> Callable[[SentMessage], bool]:
    """Whether a message is the follower's push of `code` moving to the status `label`."""
    return lambda m: m in pushes(tg, FOLLOWER, code) and label in (m.text or "")


async def say(tg: FakeTelegram, chat: int, text: str, expect: str) -> None:
    """The user types `text`; wait for the bot's message containing `expect`."""
    before = len(tg.sent(chat))
    await tg.user_text(chat, text)
    await tg.wait_for(chat, where=lambda m: expect in (m.text or ""), timeout=15)
    assert len(tg.sent(chat)) > before


async def follow(world: World, code: str) -> None:
    await say(world.tg, FOLLOWER, "/start", "Bạn cần làm gì?")
    await say(world.tg, FOLLOWER, f"/follow {code}", "Đã theo dõi")


async def arrived(world: World, code: str, label: str) -> None:
    """The follower's push saying `label` arrives, without another sweep."""
    await world.tg.wait_for(FOLLOWER, where=saying(world.tg, code, label), timeout=15)
    assert world.sweeps == [1]  # the start-up catch-up only: the hourly sweep never ran


async def test_an_officer_api_change_reaches_the_follower_without_a_sweep(world: World) -> None:
    dossier = await filed(world.app.uow_factory, world.app.catalog)
    await follow(world, dossier.code)
    assert world.sweeps == [1] and pushes(world.tg, FOLLOWER, dossier.code) == []
    for status in (DossierStatus.RECEIVED, DossierStatus.PROCESSING):
        response = await world.http.post(
            f"/api/v1/dossiers/{dossier.code}/status",
            headers={"X-API-Key": KEY},
            json={"status": int(status), "note": ""},
        )
        assert response.status_code == 200, response.text
        await arrived(world, dossier.code, status.label("vi"))
    assert len(pushes(world.tg, FOLLOWER, dossier.code)) == 2


async def test_an_admin_chat_change_reaches_the_follower_without_a_sweep(world: World) -> None:
    dossier = await filed(world.app.uow_factory, world.app.catalog, 8)
    await follow(world, dossier.code)
    await say(world.tg, ADMIN, "/start", "Bạn cần làm gì?")
    await say(world.tg, ADMIN, f"/trangthai {dossier.code} 2", "Được tiếp nhận")
    await arrived(world, dossier.code, DossierStatus.RECEIVED.label("vi"))


@pytest.mark.postgres
async def test_a_change_in_a_web_worker_wakes_the_scheduler_process(tmp_path: Path) -> None:
    """`dvc-bot web --workers 2` commits the change; `dvc-bot scheduler`, another process on
    another connection, hears of it through LISTEN/NOTIFY and pushes at once."""
    async with fault_world(tmp_path) as world:
        for role in (world.web, world.scheduler):
            role.env["STATUS_SYNC_SECONDS"] = str(HOUR)
        await world.start()
        async with world.app() as app:  # the test's own engine: seeds the dossier
            dossier = await filed(app.uow_factory, app.catalog, 9)
        follower = Citizen(world.tg, world.sms, FOLLOWER, settled=world.replies_sent)
        world.tg.register_chat(FOLLOWER)
        await follower.say("/start")
        answer = await follower.say(f"/follow {dossier.code}")
        assert any("Đã theo dõi" in (m.text or "") for m in answer), follower.last
        async with httpx.AsyncClient(base_url=world.url, timeout=30) as http:
            response = await http.post(
                f"/api/v1/dossiers/{dossier.code}/status",
                headers={"X-API-Key": OFFICER_KEY},
                json={"status": 2, "note": "Đã nhận đủ hồ sơ"},
            )
        assert response.status_code == 200, response.text
        label = DossierStatus.RECEIVED.label("vi")
        await world.tg.wait_for(FOLLOWER, where=saying(world.tg, dossier.code, label), timeout=20)
        assert world.scheduler.said("status push: 1 change(s)") == 1
        assert world.scheduler.said("status push:") == 1  # no sweep pushed anything
