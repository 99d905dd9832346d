"""The HTTP edges against a real server (tests.contract.edge_server): body caps per route, an
officer's key checked before any body is read, a stalled body answered 408, the chat page's
Content-Security-Policy, expiring media links, officer downloads that are never pages.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bot.web.chat_media import media_signer
from tests.contract.edge_server import KB, MB, seeded_template, served
from tests.contract.officer_dossiers import KEY_POLICE, add_dossier, attachment


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database with the catalogue, seeded once."""
    return seeded_template(tmp_path_factory)


class _Scripts(HTMLParser):
    """The inline scripts and event-handler attributes of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and not names.get("src"):
            self.inline.append("<script> without src")
        self.inline += [f"{tag} {name}" for name in names if name.startswith("on")]


def inline_scripts(page: str) -> list[str]:
    parser = _Scripts()
    parser.feed(page)
    return parser.inline


# -- body caps, keys before bodies, slow clients ------------------------------------------------


async def _answer_before_body(
    port: int, head: bytes, total: int, piece: int = 64 * KB
) -> tuple[bytes, int]:
    """Send `head`, then a body of `total` bytes made piece by piece only as long as the
    server has not answered; returns the answer's first bytes and how much body was sent."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    sent, answer = 0, b""
    try:
        writer.write(head)
        await writer.drain()
        while sent < total and not answer:
            with contextlib.suppress(TimeoutError):
                answer = await asyncio.wait_for(reader.read(4096), 0.2)
            if answer:
                break
            try:
                writer.write(b"{" * min(piece, total - sent))
                await writer.drain()
            except ConnectionError:
                break
            sent += min(piece, total - sent)
        if not answer:
            answer = await asyncio.wait_for(reader.read(4096), 5)
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
    return answer, sent


def _post_head(path: str, length: int, extra: str = "") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n{extra}\r\n"
    ).encode()


async def test_a_30_mb_body_without_a_key_is_refused_before_it_is_read(
    template: Path, tmp_path: Path
) -> None:
    total = 30 * MB
    async with served(template, tmp_path) as world:
        dossier = await add_dossier(world.app)
        path = f"/api/v1/dossiers/{dossier.code}/status"
        answer, sent = await _answer_before_body(world.port, _post_head(path, total), total)
        assert answer.startswith(b"HTTP/1.1 401 "), answer[:200]
        assert (
            b'"error": "unauthorized"' in answer
            and b"www-authenticate: x-api-key" in answer.lower()
        )
        assert sent <= 256 * KB  # the server answered with at most this much of 30 MB sent

        # With a key, a JSON body is capped small: refused from its declared length alone.
        keyed = _post_head(path, total, f"X-API-Key: {KEY_POLICE}\r\n")
        answer, sent = await _answer_before_body(world.port, keyed, total)
        assert answer.startswith(b"HTTP/1.1 413 ") and sent <= 256 * KB, answer[:200]
        over = await world.http.post(
            path, content=b" " * (65 * KB), headers={"X-API-Key": KEY_POLICE}
        )
        assert over.status_code == 413 and over.json()["error"] == "too_large"
        # A message to the web chat is JSON too.
        chat = await world.http.post("/chat/api/message", content=b" " * (65 * KB))
        assert chat.status_code == 413
        # The officer API still works for a caller with a key.
        listed = await world.http.get("/api/v1/dossiers", headers={"X-API-Key": KEY_POLICE})
        assert listed.status_code == 200 and listed.json()["items"]


async def test_a_body_that_stops_moving_is_answered_408(template: Path, tmp_path: Path) -> None:
    async with served(template, tmp_path, http_body_idle_seconds=1) as world:
        reader, writer = await asyncio.open_connection("127.0.0.1", world.port)
        writer.write(_post_head("/chat/api/message", 500) + b'{"seq": 1, "text": "slow')
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(4096), 10)
        writer.close()
        assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]


# -- the page and its links --------------------------------------------------------------------


async def test_the_chat_page_runs_only_its_own_script_and_cannot_be_framed(
    template: Path, tmp_path: Path
) -> None:
    async with served(template, tmp_path) as world:
        page = await world.http.get("/chat")
        assert page.status_code == 200
        policy = {
            part.split(" ", 1)[0]: part.split(" ", 1)[1]
            for part in page.headers["content-security-policy"].split("; ")
        }
        assert policy["default-src"] == "'self'" and policy["script-src"] == "'self'"
        assert policy["img-src"] == "'self' data: blob:"
        assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["x-content-type-options"] == "nosniff"
        assert inline_scripts(page.text) == []  # which the policy would block


async def test_media_links_expire(template: Path, tmp_path: Path) -> None:
    # a session kept open longer than the link lives (the link expires, not the chat)
    async with served(
        template, tmp_path, media_link_hours=2, session_idle_minutes=24 * 60
    ) as world:
        browser = await world.browser("visitor-chat-media")
        address = await browser.address(world.app)
        link = media_signer(world.app, address)("qr:unknown")
        got = await world.http.get(link, headers=browser.headers)
        assert got.status_code == 404  # signed, but no such image
        world.clock.advance(hours=2, seconds=1)
        gone = await world.http.get(link, headers=browser.headers)
        assert gone.status_code == 410 and "hết hạn" in gone.text
        stretched = re.sub(r"exp=\d+", "exp=99999999999", link)
        # the signature covers the expiry
        assert (await world.http.get(stretched, headers=browser.headers)).status_code == 404


async def test_files_offered_to_officers_are_downloads_never_pages(
    template: Path, tmp_path: Path
) -> None:
    async with served(template, tmp_path) as world:
        form = await attachment(world.app, "to_khai_ct01", b"%PDF-1.4 to khai", "tờ khai.pdf")
        dossier = await add_dossier(world.app, attachments=(form,))
        url = f"/api/v1/dossiers/{dossier.code}/files/{form.document_id}"
        got = await world.http.get(url, headers={"X-API-Key": KEY_POLICE})
        assert got.status_code == 200 and got.content == b"%PDF-1.4 to khai"
        assert got.headers["content-type"] == "application/pdf"
        assert got.headers["content-disposition"].startswith("attachment; ")
        assert got.headers["x-content-type-options"] == "nosniff"
