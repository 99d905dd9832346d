"""kill -9 in the middle of a large upload, in Telegram polling mode: `dvc-bot run` (a real
process, python-telegram-bot or aiogram) against the fake Bot API, whose file server holds
the download half-way, as Telegram's would be slow with a large document. The process is
killed while it downloads; after a restart the document is attached exactly once and the
citizen gets the answer.

The chat is brought to the documents step first, in this process, through the router (on the
same database): the journey there is not what this test is about.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.bootstrap import build
from bot.settings import Settings
from conversations.messages import Platform
from services.files import MAX_FILE_BYTES
from tests.chat import ChatDriver
from tests.e2e.fakes import FakeTelegram, free_port
from tests.e2e.fault_processes import Role, until
from tests.privacy import note_codes
from tests.unit.test_filing_flow import fill_stay_form
from tests.unit.test_login_flow import login

pytestmark = pytest.mark.timeout(240)
CHAT = 7301
SECRET_KEY = "polling-upload-tests-secret-key-0123456789-abcd"
LARGE_PDF = b"%PDF-1.7\n" + b"x" * (MAX_FILE_BYTES - 4096)  # as large as a document may be
RECEIVED = "Đã nhận tệp"


def settings(root: Path) -> Settings:
    return Settings(
        database_url=f"sqlite+aiosqlite:///{root}/db.sqlite3",
        data_dir=root,
        secret_key=SecretStr(SECRET_KEY),
        payment_simulator=False,
        _env_file=None,  # type: ignore[call-arg]
    )


class DevSmsCodes:
    """login()'s view of the development SMS inbox: the last code sent for the chat."""

    def __init__(self, inbox: object, chat_key: str) -> None:
        self._inbox, self._chat_key = inbox, chat_key

    def last_code(self, phone: str) -> str:
        text = self._inbox.for_chat(self._chat_key)[-1].text  # type: ignore[attr-defined]
        note_codes(text)
        return str(re.findall(r"\b\d{6}\b", text)[0])


async def at_documents_step(root: Path) -> None:
    """Log the chat in, fill the temporary-residence form and confirm it: the bot now waits
    for the documents."""
    app = await build(settings(root), prepare=False)
    try:
        chat = ChatDriver(app.router, chat_id=str(CHAT), platform=Platform.TELEGRAM, seq=0)
        chat.seq = 10  # ids of their own, below Telegram's
        await login(chat, DevSmsCodes(app.sms.inbox, chat.address.key))  # type: ignore[arg-type,attr-defined]
        await fill_stay_form(chat)
        await chat.press("Xác nhận tờ khai")
        assert chat.keys[-1] == "docs.checklist", chat.keys
    finally:
        await app.close()


def the_bot(root: Path, tg: FakeTelegram, framework: str) -> Role:
    """`dvc-bot run` in Telegram polling mode on this database."""
    ours = {name.upper() for name in Settings.model_fields}
    env = {k: v for k, v in os.environ.items() if k.upper() not in ours}
    env.update(
        DATABASE_URL=f"sqlite+aiosqlite:///{root}/db.sqlite3",
        DATA_DIR=str(root),
        HOST="127.0.0.1",
        PORT=str(free_port()),
        SECRET_KEY=SECRET_KEY,
        PAYMENT_SIMULATOR="false",
        TELEGRAM_BOT_TOKEN=tg.token,
        TELEGRAM_API_BASE_URL=tg.url,
        BOT_FRAMEWORK=framework,
        PYTHONUNBUFFERED="1",
    )
    return Role(f"bot-{framework}", ["run"], root, env)


def query(root: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(root / "db.sqlite3") as connection:
        return list(connection.execute(sql))


async def polling(tg: FakeTelegram, bot: Role) -> None:
    """Until the process polls (again)."""
    before = len(tg.calls("getUpdates"))

    async def polls() -> bool:
        assert bot.running, bot.tail()
        return len(tg.calls("getUpdates")) > before

    await until(polls, "the bot to poll", 120)


@pytest.mark.parametrize("framework", ["ptb", "aiogram"])
async def test_killed_mid_download_the_document_is_attached_once_after_restart(
    tmp_path: Path, seeded_database: Path, framework: str
) -> None:
    shutil.copyfile(seeded_database, tmp_path / "db.sqlite3")
    await at_documents_step(tmp_path)
    async with FakeTelegram() as tg:
        bot = the_bot(tmp_path, tg, framework)
        try:
            bot.start()
            await polling(tg, bot)
            tg.hold_downloads = asyncio.Event()
            update = await tg.user_document(CHAT, LARGE_PDF, "giay-to-cho-o.pdf")
            await tg.wait_until(lambda: tg.downloads_started == 1, timeout=60)

            bot.kill()  # a power cut, half-way through the download

            assert query(tmp_path, "SELECT update_id, status FROM inbox") == [
                (str(update["update_id"]), "pending")
            ]
            assert query(tmp_path, "SELECT count(*) FROM stored_document") == [(0,)]
            assert tg.sent(CHAT) == []
            tg.hold_downloads.set()  # the file server is fast again
            bot.start()
            await tg.wait_for(CHAT, where=lambda m: RECEIVED in (m.text or ""), timeout=120)
            await until(lambda: _settled(tmp_path), "the inbox row to be marked applied", 30)
        finally:
            bot.stop()
        received = [m for m in tg.sent(CHAT) if RECEIVED in (m.text or "")]
        assert len(received) == 1  # the citizen is answered, once
        assert query(tmp_path, "SELECT count(*) FROM stored_document") == [(1,)]
        assert query(tmp_path, "SELECT update_id, status FROM inbox") == [
            (str(update["update_id"]), "applied")
        ]
        assert tg.downloads_started == 2  # the restart downloaded it again, whole


async def _settled(root: Path) -> bool:
    return query(root, "SELECT status FROM inbox") == [("applied",)]
