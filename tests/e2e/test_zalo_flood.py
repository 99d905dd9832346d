"""Flood control on Zalo, end to end through the fake Zalo OA API: one warning, silence, and
service again once the cooldown is over."""

from __future__ import annotations

import pytest

from tests.e2e.test_zalo_channel import Bot, bot  # noqa: F401 - the Zalo bot fixture


@pytest.fixture
def flood_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """Production's burst for the app the `bot` fixture builds next, refilled slowly enough
    that the (real) time the test takes does not matter."""
    monkeypatch.setenv("FLOOD_BURST", "20")
    monkeypatch.setenv("FLOOD_PER_MINUTE", "1")


async def test_a_flooding_zalo_user_is_warned_once_then_served_again(
    flood_on: None,
    bot: Bot,  # noqa: F811 - the fixture
) -> None:
    chat = bot.chat("8123456789012345678")
    await chat.send("/start")
    for _ in range(19):
        await chat.send("/menu")
        assert chat.keys == ["menu.main"]
    await chat.send("/menu")
    assert chat.keys == ["flood.too_fast"] and len(chat.wire) == 1
    for _ in range(10):
        await chat.send("/menu")
        assert chat.replies == [] and chat.wire == []  # nothing sent, nothing queued
    bot.zalo.advance(120)  # the cooldown is over, and two more allowed
    await chat.send("/menu")
    assert chat.keys == ["menu.main"] and chat.wire
