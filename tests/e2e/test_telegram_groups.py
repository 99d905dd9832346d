"""Chats that are not private, edits, inline queries and floods, end to end: the real app and
database, python-telegram-bot and aiogram unchanged, by webhook against the fake Bot API."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.bootstrap import Application, build
from bot.channels.telegram_runtime import build_telegram
from bot.channels.telegram_webhook import PATH
from bot.sender_loop import Senders
from bot.settings import Settings
from bot.web.app import create_http_app
from conversations.messages import Text
from tests.e2e.fakes import FakeTelegram, SentMessage, free_port
from tests.e2e.fakes import telegram_users as users
from tests.e2e.test_telegram_channel import CHAT, FRAMEWORKS, Transcript, configure, key_of, serving
from tests.fakes import FakeClock

pytestmark = pytest.mark.timeout(90)

USERNAME = "caobang_dvc_bot"  # not the fake's default: the link must use what getMe says
GROUP, OTHER_GROUP = -1001234567890, -1009876543210
MEMBER = users.make_user(CHAT)


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(bot_username=USERNAME) as fake:
        fake.state.chats[GROUP] = {"id": GROUP, "type": "supergroup", "title": "Tổ dân phố 3"}
        yield fake


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def app(
    tmp_path: Path, tg: FakeTelegram, seeded_database: Path, clock: FakeClock
) -> AsyncIterator[Application]:
    shutil.copyfile(seeded_database, tmp_path / "db.sqlite3")
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/db.sqlite3",
        data_dir=tmp_path,
        telegram_bot_token=tg.token,
        telegram_api_base_url=tg.url,
        payment_simulator=False,
        flood_burst=20,  # production's limits (tests/conftest.py turns them off elsewhere)
        telegram_chat_interval_seconds=0,  # the fake does not enforce Telegram's limits here
        _env_file=None,  # type: ignore[call-arg]
    )
    application = await build(settings, prepare=False, clock=clock)
    yield application
    await application.close()


@contextlib.asynccontextmanager
async def webhook(app: Application, framework: str) -> AsyncIterator[None]:
    port = free_port()
    configure(app, framework, webhook_url=f"http://127.0.0.1:{port}{PATH}")
    telegram = build_telegram(app)
    assert telegram is not None and telegram.webhook
    http = create_http_app(app)
    http.include_router(telegram.webhook_router())
    async with serving(http, port), Senders.running(app):  # the replies go out through them
        await telegram.start()
        try:
            yield
        finally:
            await telegram.stop()


async def group_says(tg: FakeTelegram, words: str, **kw: object) -> None:
    message = users.group_text(tg.state, GROUP, MEMBER, words, **kw)  # type: ignore[arg-type]
    delivery = await tg.deliver(tg.updates.new_update("message", message))
    assert delivery is not None and delivery.statuses == [200]


def link_of(sent: SentMessage) -> str:
    [button] = sent.buttons
    assert "callback_data" not in button  # nothing to press that could start a flow
    return str(button["url"])


def rendered(app: Application, key: str, lang: str) -> str:
    return app.texts.render(Text(key), lang).strip()


async def conversation_keys(app: Application) -> set[str]:
    async with app.engine.connect() as connection:
        rows = await connection.execute(text("SELECT key FROM conversation"))
        return {row[0] for row in rows}


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_a_group_is_pointed_to_the_private_chat_and_nothing_more(
    app: Application, tg: FakeTelegram, clock: FakeClock, framework: str
) -> None:
    async with webhook(app, framework):
        await group_says(tg, "/start@" + USERNAME)
        [hint] = await tg.wait_for(GROUP, 1)
        for lang in ("vi", "en"):  # a group has no language of its own: both, Vietnamese first
            assert rendered(app, "group.private_only", lang) in (hint.text or "")
        assert link_of(hint) == f"https://t.me/{USERNAME}?start=grp"
        assert tg.calls("getMe")  # the username came from Telegram

        await group_says(tg, "chào cả nhà, mai họp tổ lúc 8 giờ")  # chatter: ignored
        await group_says(tg, "/start@another_bot")  # another bot's command: ignored
        await group_says(tg, "/login")  # within the minute: not answered again
        await group_says(tg, f"@{USERNAME} 004195118046")  # never echoed, never applied
        assert len(tg.sent(GROUP)) == 1

        clock.advance(seconds=61)
        await group_says(tg, "cảm ơn bot", reply_to=hint_message(tg, hint))
        [_, again] = await tg.wait_for(GROUP, 2)
        assert link_of(again) == f"https://t.me/{USERNAME}?start=grp"

        # A button pressed in a group (forged: the bot shows none there) is answered, only.
        await tg.user_press(GROUP, hint.message_id, "m:login", user=MEMBER, strict=False)
        await tg.wait_until(lambda: len(tg.callback_answers) == 1)
        assert tg.callback_answers[0].text is None and len(tg.sent(GROUP)) == 2

        # No conversation (no flow, no state, no broadcast audience) for a group.
        assert {k for k in await conversation_keys(app) if k.startswith("telegram:-")} == set()

        # The link opens the private chat with "/start grp": it starts as usual.
        chat = Transcript(tg, app)
        await tg.user_text(CHAT, "/start grp")
        assert await chat.keys(2) == ["common.welcome", "menu.main"]


def hint_message(tg: FakeTelegram, sent: SentMessage) -> dict[str, object]:
    message = tg.message(sent.chat_id, sent.message_id)
    assert message is not None
    return message


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_added_to_a_group_channel_posts_edits_and_inline_queries(
    app: Application, tg: FakeTelegram, framework: str
) -> None:
    async with webhook(app, framework):
        added = users.bot_membership(tg.state, OTHER_GROUP, MEMBER, "left", "member")
        await tg.deliver(tg.updates.new_update("my_chat_member", added))
        [intro] = await tg.wait_for(OTHER_GROUP, 1)
        assert rendered(app, "group.added", "vi") in (intro.text or "")
        assert link_of(intro) == f"https://t.me/{USERNAME}?start=grp"
        removed = users.bot_membership(tg.state, OTHER_GROUP, MEMBER, "member", "left")
        await tg.deliver(tg.updates.new_update("my_chat_member", removed))

        # Channel posts are not asked for: Telegram does not even send them.
        post = users.group_text(tg.state, -1003, MEMBER, "tin mới")
        post["chat"] = {"id": -1003, "type": "channel", "title": "Tin tức"}
        assert await tg.deliver(tg.updates.new_update("channel_post", post)) is None

        chat = Transcript(tg, app)
        await tg.user_text(CHAT, "/start")
        await chat.next(2)
        login = await tg.user_text(CHAT, "/login")
        [notice] = await chat.next(1)
        fixed = users.edited(login["message"], "/logout")  # not applied: said so, asked again
        await tg.deliver(tg.updates.new_update("edited_message", fixed))
        edit_answer, question = await chat.next(2)
        assert key_of(edit_answer, app.texts) == "chat.edit_not_applied"
        assert key_of(question, app.texts) == key_of(notice, app.texts)  # asked again

        query = users.inline_query(tg.state, MEMBER, "khai sinh")
        await tg.deliver(tg.updates.new_update("inline_query", query))
        await tg.wait_until(lambda: len(tg.state.inline_answers) == 1)
        assert tg.state.inline_answers[0]["results"] in ([], "[]")
        assert tg.sent(OTHER_GROUP) == [intro] and chat.nothing_new()


@pytest.mark.parametrize("framework", FRAMEWORKS)
async def test_a_flooding_chat_gets_one_warning_then_silence_then_service(
    app: Application, tg: FakeTelegram, clock: FakeClock, framework: str
) -> None:
    async with webhook(app, framework):
        chat = Transcript(tg, app)
        await tg.user_text(CHAT, "/start")
        assert await chat.keys(2) == ["common.welcome", "menu.main"]
        for _ in range(19):  # 20 updates at once are served
            await tg.user_text(CHAT, "/menu")
        assert await chat.keys(19) == ["menu.main"] * 19
        too_fast = await tg.user_text(CHAT, "/menu")
        [warning] = await chat.next(1)
        assert key_of(warning, app.texts) == "flood.too_fast" and "30 giây" in (warning.text or "")
        for _ in range(30):  # during the cooldown: recorded, unanswered, nothing queued
            await tg.user_text(CHAT, "/menu")
        assert (await tg.redeliver(too_fast)).statuses == [200]  # not answered twice
        assert chat.nothing_new()
        assert all(d.statuses == [200] for d in tg.deliveries)

        clock.advance(seconds=31)
        await tg.user_text(CHAT, "/menu")
        assert await chat.keys(1) == ["menu.main"]
