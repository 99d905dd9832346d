"""The web chat under its Content-Security-Policy, in Chromium: the page, its script, its
styles and its pictures work with nothing blocked, while a script injected into the page is
refused by the browser and a site that frames the chat shows nothing of it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import BrowserContext

from tests.e2e.browser import ChatPage

if TYPE_CHECKING:
    from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.browser

# Init scripts run before the page's own (and are not subject to its policy): they record
# every violation the browser reports.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.effectiveDirective} ${event.blockedURI}`);
});
"""


def test_the_chat_works_under_its_policy_and_an_injected_script_does_not_run(
    live_server: LiveServer, context: BrowserContext
) -> None:
    context.add_init_script(RECORD_VIOLATIONS)
    chat = ChatPage.open(context, live_server.url)
    console: list[str] = []
    chat.page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    assert chat.send("/help")  # answered: the page's script, styles and requests work
    chat.send("đăng ký tạm trú")
    assert chat.page.evaluate("window.__violations") == []
    assert chat.errors == [] and not [c for c in console if "Content Security" in c]

    # What an attacker's markup would do, were it ever let through: the browser refuses it.
    chat.page.evaluate(
        """() => {
          const s = document.createElement("script");
          s.textContent = "window.__injected = true";
          document.body.append(s);
          const i = document.createElement("img");
          i.src = "https://tracker.example/pixel.gif";
          document.body.append(i);
        }"""
    )
    chat.page.wait_for_function("() => window.__violations.length >= 2")
    violations = chat.page.evaluate("window.__violations")
    assert chat.page.evaluate("window.__injected === undefined")
    assert any(v.startswith("script-src") for v in violations), violations
    assert any(v.startswith("img-src https://tracker.example") for v in violations), violations


def test_another_site_cannot_frame_the_chat(
    live_server: LiveServer, context: BrowserContext
) -> None:
    page = context.new_page()
    page.set_content(f'<iframe id="f" src="{live_server.url}/chat"></iframe>')
    page.wait_for_timeout(1500)
    frame = page.frame_locator("#f")
    assert frame.locator("#composer").count() == 0  # the browser showed nothing of it
