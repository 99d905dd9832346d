"""bench/reply_burst.py end to end with five citizens, so the bench cannot rot: `dvc-bot run`
from this checkout (python-telegram-bot, polling) against the fake Bot API with Telegram's
limits on. No timing is asserted; the bench itself reports the times."""

from __future__ import annotations

from pathlib import Path

from bench.app_proc import ROOT
from bench.reply_burst import measure


async def test_five_citizens_at_once_all_get_the_lone_citizens_reply(tmp_path: Path) -> None:
    burst = await measure(ROOT, "current", "ptb", "polling", 5, 120.0, tmp_path / "burst")

    assert burst.per_reply >= 1
    assert (burst.lost, burst.silent, burst.doubled, burst.out_of_order) == (0, 0, 0, 0)
    assert len(burst.first_reply) == 5
    assert burst.all_delivered is not None
    assert burst.row().count("|") == 16
