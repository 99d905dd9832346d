"""bench/reply_burst.py end to end with five citizens, so the bench cannot rot: `dvc-bot run`
from this checkout (python-telegram-bot, polling) against the fake Bot API with Telegram's
limits on. No timing is asserted; the bench itself reports the times."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bench.app_proc import ROOT
from bench.load_replies import Inbox
from bench.reply_burst import measure
from tests.e2e.fakes import FakeTelegram
from tests.e2e.fakes.request_params import Params


async def test_five_citizens_at_once_all_get_the_lone_citizens_reply(tmp_path: Path) -> None:
    burst = await measure(ROOT, "current", "ptb", "polling", 5, 120.0, tmp_path / "burst")

    assert burst.per_reply >= 1
    assert (burst.lost, burst.silent, burst.doubled, burst.out_of_order) == (0, 0, 0, 0)
    assert len(burst.first_reply) == 5
    assert burst.all_delivered is not None
    assert burst.row().count("|") == 16


async def test_the_inbox_files_each_message_once_while_a_long_poll_waits() -> None:
    async with FakeTelegram() as tg:
        inbox = Inbox(tg)
        tg.register_chat(5)
        poll = asyncio.ensure_future(tg.call("getUpdates", Params({"timeout": 1}, {})))
        await asyncio.sleep(0.05)
        await tg.call("sendMessage", Params({"chat_id": 5, "text": "Xin chào"}, {}))
        assert await poll == []  # the long poll ends after the message was sent

    assert [arrival.body for arrival in inbox.by_chat[5]] == ["Xin chào"]
