"""Flood control in the web chat, in headless Chromium against the real `dvc-bot run`: the
page shows the one "too fast" message and keeps working while updates go unanswered."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext

from tests.e2e.browser import ChatPage
from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture
def strict_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A server whose limit a test reaches in a few messages: 3 at once, then a long wait."""
    limits = {"FLOOD_BURST": "3", "FLOOD_PER_MINUTE": "1", "FLOOD_COOLDOWN_SECONDS": "600"}
    server = LiveServer(tmp_path, env=limits)
    server.start()
    yield server
    server.stop()
    print(f"--- {server.log_path}\n{server.log_tail()}")  # shown when the test failed


def test_the_page_shows_the_warning_and_keeps_working(
    strict_server: LiveServer, context: BrowserContext
) -> None:
    chat = ChatPage.open(context, strict_server.url)  # the page's /start: one
    assert [m.key for m in chat.send("/menu")] == ["menu.main"]  # two
    assert [m.key for m in chat.send("/menu")] == ["menu.main"]  # three
    [warning] = chat.send("/menu")
    assert warning.key == "flood.too_fast" and "chờ 600 giây" in warning.text
    shown = chat.bot_count()
    chat.page.locator("#input").fill("dang ky tam tru")
    chat.page.locator("#input").press("Enter")
    chat.wait_idle()  # answered with nothing: no error, no retry button, not stuck busy
    assert chat.bot_count() == shown and chat.user_texts()[-1] == "dang ky tam tru"
    assert chat.page.locator(".retry").count() == 0 and chat.errors == []
