"""`dvc-bot scheduler` killed (SIGKILL) in the middle of handing a dossier over: the one-stop
system has recorded it, its answer has not left yet. Started again, the scheduler sends the
same event again under the same Idempotency-Key, the system answers it as the first time, and
the dossier is there once, its code kept here.

The dossier is filed through the real web chat (in this process, on the same SQLite database
and files), the scheduler runs as its own process (`python -m bot.cli scheduler`)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import sqlite3
from pathlib import Path

import httpx
from pydantic import SecretStr

from bot.bootstrap import build
from bot.settings import Settings
from bot.web.app import create_http_app
from tests.contract.fake_one_stop import TOKEN, FakeOneStop, Received
from tests.contract.test_web_chat_filing import PDF, Tab, fill_housing_form, log_in
from tests.e2e.fault_processes import Role, until
from tests.fakes import RecordingSms

SECRET_KEY = "handover-kill-secret-key-0123456789-abcdefghijklmnop"


def settings(root: Path, one_stop: FakeOneStop) -> Settings:
    return Settings(
        database_url=f"sqlite+aiosqlite:///{root / 'db.sqlite3'}",
        data_dir=root,
        secret_key=SecretStr(SECRET_KEY),
        dossier_system="http",
        dossier_system_url=one_stop.base_url,
        dossier_system_token=TOKEN,
        payment_simulator=False,
        flood_burst=0,
        _env_file=None,  # type: ignore[call-arg]
    )


def env(root: Path, one_stop: FakeOneStop) -> dict[str, str]:
    ours = {name.upper() for name in Settings.model_fields}
    out = {k: v for k, v in os.environ.items() if k.upper() not in ours}
    out.update(
        DATABASE_URL=f"sqlite+aiosqlite:///{root / 'db.sqlite3'}",
        DATA_DIR=str(root),
        SECRET_KEY=SECRET_KEY,
        DOSSIER_SYSTEM="http",
        DOSSIER_SYSTEM_URL=one_stop.base_url,
        DOSSIER_SYSTEM_TOKEN=TOKEN,
        PAYMENT_SIMULATOR="false",
        PYTHONUNBUFFERED="1",
    )
    return out


async def file_one(root: Path, one_stop: FakeOneStop) -> str:
    """A citizen files on the web chat; the hand-over is queued with the dossier. Its code."""
    sms = RecordingSms()
    app = await build(settings(root, one_stop), prepare=True, sms=sms)
    try:
        transport = httpx.ASGITransport(app=create_http_app(app))
        async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as http:
            tab = Tab(http)
            await log_in(tab, sms)
            await tab.send("/menu")
            await fill_housing_form(tab)
            await tab.press("Xác nhận tờ khai")
            await tab.upload("mau-02.pdf", PDF)
            await tab.press("Xong phần giấy tờ")
            await tab.press("Nộp hồ sơ")
            await tab.press("Tôi xin cam đoan")
            assert tab.keys[0] == "submission.submitted", tab.keys
        async with app.uow_factory() as uow:
            assert await uow.handovers.depth() == 1
        (code,) = await _dossiers(root)
        return code
    finally:
        await app.close()


async def _dossiers(root: Path) -> list[str]:
    with sqlite3.connect(root / "db.sqlite3") as db:
        return [row[0] for row in db.execute("SELECT code FROM dossier")]


def handover_row(root: Path) -> tuple[str, int, str]:
    with sqlite3.connect(root / "db.sqlite3") as db:
        row = db.execute("SELECT status, attempts, remote_code FROM handover").fetchone()
    return str(row[0]), int(row[1]), str(row[2])


async def test_the_scheduler_killed_mid_hand_over_hands_the_dossier_over_once(
    tmp_path: Path,
) -> None:
    one_stop = FakeOneStop(TOKEN)
    await one_stop.start()
    scheduler = Role("scheduler", ["scheduler"], tmp_path, env(tmp_path, one_stop))
    try:
        code = await file_one(tmp_path, one_stop)

        async def kill_before_answering(_received: Received) -> None:
            one_stop.on_recorded = None
            await asyncio.to_thread(scheduler.kill)

        one_stop.on_recorded = kill_before_answering
        scheduler.start()

        async def killed() -> bool:
            return scheduler.process is None

        await until(killed, "the scheduler to be killed mid hand-over", 120)
        assert [r.body["code"] for r in one_stop.handover.dossiers()] == [code]
        assert handover_row(tmp_path)[0] == "pending"  # the answer never reached us
        scheduler.start()

        async def accepted() -> bool:
            return handover_row(tmp_path)[0] == "accepted"

        await until(accepted, "the restarted scheduler to hand the dossier over", 120)
    finally:
        scheduler.kill()
        await one_stop.stop()
    log = one_stop.handover
    assert [r.body["code"] for r in log.dossiers()] == [code]
    assert (log.duplicates, log.replays) == (0, 1)
    sent = log.dossiers()[0].body["documents"]
    assert [d["sha256"] for d in sent] == [hashlib.sha256(PDF).hexdigest()]
    status, attempts, remote = handover_row(tmp_path)
    assert (status, attempts, remote) == ("accepted", 0, log.dossiers()[0].remote_code)
