"""Talk to a person on Telegram, through the fake Bot API: a citizen's chat and an officer
chat of the agency, both on Telegram, the officer answering with the "Trả lời" button.
Citizen → officer → citizen, then it ends, and the officer's stale button changes nothing."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.bootstrap import Application, build
from bot.settings import Settings
from tests.e2e.fakes import FakeTelegram
from tests.e2e.test_telegram_channel import CHAT, OTHER, Transcript, key_of, polling, press
from tests.fakes import FakeClock

pytestmark = pytest.mark.timeout(60)

WEDNESDAY_10_VIETNAM = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
OFFICER = OTHER  # the province desk's officer chat


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(webhook_retries=2, retry_delay=0.05) as fake:
        yield fake


@pytest.fixture
async def app(
    tmp_path: Path, tg: FakeTelegram, seeded_database: Path
) -> AsyncIterator[Application]:
    shutil.copyfile(seeded_database, tmp_path / "db.sqlite3")
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3",
        data_dir=tmp_path,
        telegram_bot_token=tg.token,
        telegram_api_base_url=tg.url,
        telegram_chat_interval_seconds=0,
        officer_chats={f"telegram:{OFFICER}": "ubnd_tinh|Cán bộ Lan"},
        _env_file=None,  # type: ignore[call-arg]
    )
    application = await build(settings, prepare=False, clock=FakeClock(WEDNESDAY_10_VIETNAM))
    yield application
    await application.close()


async def test_a_citizen_and_an_officer_talk_through_the_bot_and_end_it(
    app: Application, tg: FakeTelegram
) -> None:
    async with polling(app, "ptb"):
        citizen, officer = Transcript(tg, app, CHAT), Transcript(tg, app, OFFICER)
        await tg.user_text(OFFICER, "/start")
        assert await officer.keys(2) == ["common.welcome", "menu.main"]
        await tg.user_text(CHAT, "/start")
        assert await citizen.keys(2) == ["common.welcome", "menu.main"]

        await tg.user_text(CHAT, "gặp cán bộ")
        assert await citizen.keys(3) == ["human.opened", "human.hours_open", "human.open_prompt"]
        [new] = await officer.next(1)
        assert key_of(new, app.texts) == "human.desk_new"
        await tg.user_text(CHAT, "Cho tôi hỏi giờ làm việc của Bộ phận Một cửa?")
        assert await citizen.keys(1) == ["human.forwarded"]
        [written] = await officer.next(1)
        assert key_of(written, app.texts) == "human.desk_message"
        assert "Cho tôi hỏi giờ làm việc" in (written.text or "")

        await press(tg, written, "Trả lời")
        assert await officer.keys(1) == ["human.desk_answer_ask"]
        await tg.user_text(OFFICER, "Từ 7 giờ 30 đến 17 giờ, thứ Hai đến thứ Sáu.")
        assert await officer.keys(2) == ["human.desk_answer_sent", "menu.main"]
        [answer] = await citizen.next(1)
        assert key_of(answer, app.texts) == "human.answer"
        assert "Cán bộ Lan</b> (UBND tỉnh Cao Bằng) trả lời lúc 10:00 25/11/2026" in (
            answer.text or ""
        )

        await press(tg, answer, "Kết thúc")
        assert await citizen.keys(2) == ["human.ended", "menu.main"]
        [ended] = await officer.next(1)
        assert key_of(ended, app.texts) == "human.desk_closed_by_citizen"
        await press(tg, written, "Trả lời")  # stale: the conversation has ended
        assert await officer.keys(2) == ["human.desk_already_closed", "menu.main"]
        await tg.user_text(CHAT, "Cảm ơn")  # no longer passed on: read as the bot reads text
        [after] = await citizen.next(1)
        assert key_of(after, app.texts) != "human.forwarded"
