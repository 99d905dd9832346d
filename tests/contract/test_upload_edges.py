"""The HTTP edges against a real server (uvicorn on a random port, the real application on
SQLite): uploads cannot fill the disk (quotas per chat and per address, a free-space floor
that /readyz and /metrics report, disguised files refused at upload, unclaimed files swept),
bodies are capped per route and an officer's key is checked before any body is read, a
stalled body times out, the chat page forbids inline scripts and framing, media links expire.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from bot.bootstrap import Application, build
from bot.scheduler import Jobs
from bot.settings import Settings
from bot.web.app import create_http_app
from bot.web.chat_media import media_signer
from conversations.messages import ChatAddress, Platform
from tests.contract.conftest import run_blocking
from tests.contract.officer_dossiers import (
    KEY_POLICE,
    KEYS,
    NOW,
    add_dossier,
    attachment,
    prepare,
)
from tests.e2e.conftest import free_port
from tests.fakes import FakeClock

KB = 1024
MB = 1024 * KB
PDF_300K = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"x" * (300 * KB - 15)


@pytest.fixture(scope="session")
def edges_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database with the catalogue (seeded once)."""
    folder = tmp_path_factory.mktemp("edges")
    path = folder / "template.sqlite3"
    run_blocking(prepare(f"sqlite+aiosqlite:///{path}", folder))
    return path


class _Server(uvicorn.Server):
    """uvicorn, leaving the test runner's signal handlers alone."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@dataclass
class World:
    """The real application served on a port, and a client for it."""

    app: Application
    clock: FakeClock
    port: int
    http: httpx.AsyncClient

    @property
    def incoming(self) -> Path:
        return Path(self.app.settings.data_dir) / "incoming"

    def staged_bytes(self) -> int:
        """What the upload staging holds on the disk, partial files included."""
        if not self.incoming.is_dir():
            return 0
        return sum(p.stat().st_size for p in self.incoming.iterdir() if p.is_file())

    async def upload(
        self, chat_id: str, seq: int, name: str, content: bytes, mime: str = "application/pdf"
    ) -> httpx.Response:
        data = {"chat_id": chat_id, "seq": str(seq)}
        files = {"file": (name, content, mime)}
        return await self.http.post("/chat/api/upload", data=data, files=files)

    async def say(self, chat_id: str, seq: int, text: str) -> httpx.Response:
        body = {"chat_id": chat_id, "seq": seq, "text": text}
        return await self.http.post("/chat/api/message", json=body)


@contextlib.asynccontextmanager
async def served(template: Path, folder: Path, **overrides: Any) -> AsyncIterator[World]:
    """The application with `overrides` in its settings, served by uvicorn until the end."""
    database = folder / "db.sqlite3"
    shutil.copyfile(template, database)
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{database}",
        data_dir=folder / "data",
        officer_api_keys=KEYS,
        payment_simulator=False,
        flood_burst=0,  # the uploads below come faster than a person sends them
        _env_file=None,  # type: ignore[call-arg]
        **overrides,
    )
    clock = FakeClock(NOW)
    app = await build(settings, prepare=False, clock=clock)
    port = free_port()
    config = uvicorn.Config(
        create_http_app(app), host="127.0.0.1", port=port, log_config=None, access_log=False
    )
    server = _Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started and not task.done():  # noqa: ASYNC110 - uvicorn has no event
        await asyncio.sleep(0.02)
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            yield World(app, clock, port, http)
    finally:
        server.should_exit = True
        await task
        await app.close()


def metric(exposition: str, name: str, **labels: str) -> float:
    """One sample's value in a Prometheus text exposition (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = rf"^{name}(?:\{{{re.escape(wanted)}\}})? (\S+)$" if wanted else rf"^{name} (\S+)$"
    found = re.search(pattern, exposition, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


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


# -- quotas ----------------------------------------------------------------------------------


def pdf(size: int) -> bytes:
    """A PDF of `size` bytes (its start is all the checks look at)."""
    head = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    return head + b"x" * (size - len(head))


@dataclass
class HeldUpload:
    """An upload whose body is sent in part and held there (a slow or hostile client)."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    rest: bytes

    async def finish(self) -> bytes:
        """Send the rest and read the whole answer."""
        self.writer.write(self.rest)
        await self.writer.drain()
        answer = await asyncio.wait_for(self.reader.read(), 10)  # the server closes
        self.writer.close()
        return answer


async def hold(port: int, chat_id: str, content: bytes, sent: int) -> HeldUpload:
    """Start an upload of `content` to the web chat and send only its first `sent` bytes."""
    boundary = "held-upload-boundary"
    fields = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in (("chat_id", chat_id), ("seq", "1"))
    )
    file_head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    )
    body = (fields + file_head).encode() + content + f"\r\n--{boundary}--\r\n".encode()
    head = (
        f"POST /chat/api/upload HTTP/1.1\r\nHost: bot\r\nConnection: close\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    cut = len(fields) + len(file_head) + sent
    writer.write(head + body[:cut])
    await writer.drain()
    return HeldUpload(reader, writer, body[cut:])


async def staged_at_least(world: World, size: int) -> None:
    """Wait until the server has written `size` bytes into staging."""
    async with asyncio.timeout(10):
        while world.staged_bytes() < size:  # noqa: ASYNC110 - the disk has no event
            await asyncio.sleep(0.02)


async def test_an_anonymous_visitor_cannot_stage_more_than_the_quota(
    edges_template: Path, tmp_path: Path
) -> None:
    async with served(
        edges_template, tmp_path, upload_quota_chat_mb=1, upload_quota_address_mb=2
    ) as world:
        # Nobody logged in, a file nothing asks for: answered, and not kept.
        answered = await world.upload("visitor-chat-01", 1, "f.pdf", pdf(300 * KB))
        assert answered.status_code == 200, answered.text
        assert world.staged_bytes() == 0

        # While 600 KB of one upload are in, the same chat may not stage 500 KB more (1 MB).
        first = await hold(world.port, "visitor-chat-01", pdf(700 * KB), 600 * KB)
        await staged_at_least(world, 600 * KB)
        over = await world.upload("visitor-chat-01", 2, "f2.pdf", pdf(500 * KB))
        assert over.status_code == 413, over.text
        body = over.json()
        assert body["error"] == "quota_chat" and body["lang"] == "vi"
        assert body["messages"][0]["key"] == "docs.rejected"
        assert "tối đa 1 MB" in body["messages"][0]["html"]
        assert world.staged_bytes() == 600 * KB  # the refused one left nothing

        # New chats from the same address: together no more than 2 MB.
        others = [
            await hold(world.port, chat, pdf(700 * KB), 600 * KB)
            for chat in ("visitor-chat-02", "visitor-chat-03")
        ]
        await staged_at_least(world, 1800 * KB)
        refused = await world.upload("visitor-chat-04", 1, "f.pdf", pdf(500 * KB))
        assert refused.status_code == 413 and refused.json()["error"] == "quota_address"
        # …and at once, from many chats: still no more than 2 MB.
        burst = await asyncio.gather(
            *(world.upload(f"visitor-burst-{n:02d}", 1, "f.pdf", pdf(300 * KB)) for n in range(8))
        )
        assert {r.status_code for r in burst} == {413}
        assert world.staged_bytes() == 1800 * KB <= 2 * MB

        # The held uploads complete: answered, and not kept either.
        for held in (first, *others):
            assert (await held.finish()).startswith(b"HTTP/1.1 200 ")
        assert world.staged_bytes() == 0

        # Chatting went on all along; /metrics counts the refusals by reason.
        assert (await world.say("visitor-chat-01", 5, "xin chào")).status_code == 200
        scraped = (await world.http.get("/metrics")).text
        assert metric(scraped, "dvcbot_upload_refusals_total", reason="quota_chat") == 1
        assert metric(scraped, "dvcbot_upload_refusals_total", reason="quota_address") == 9
        again = await world.upload("visitor-chat-01", 6, "f6.pdf", pdf(900 * KB))
        assert again.status_code == 200, again.text


async def test_a_file_over_the_limit_is_counted_never_kept(
    edges_template: Path, tmp_path: Path
) -> None:
    async with served(edges_template, tmp_path) as world:
        big = b"%PDF-1.4\n" + b"0" * (12 * MB)
        answer = await world.upload("visitor-chat-big", 1, "scan.pdf", big)
        assert answer.status_code == 200, answer.text  # the bot answers (nothing asked for it)
        assert world.staged_bytes() == 0


# -- disguised files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        (
            "ho-so.pdf",
            b"%PDF-1.7\n<html><body><script>fetch('/steal')</script></body></html>",
            "trang web hoặc mã lệnh",
        ),
        ("anh.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF<svg onload=alert(1)>", "trang web"),
        (
            "giay-to.pdf",
            b"\x89PNG\r\n\x1a\n" + bytes(300),
            "mang tên PDF nhưng nội dung thực là ảnh PNG",
        ),
    ],
)
async def test_a_file_that_is_not_what_it_says_is_refused_at_upload(
    edges_template: Path, tmp_path: Path, name: str, content: bytes, says: str
) -> None:
    async with served(edges_template, tmp_path) as world:
        answer = await world.upload("visitor-chat-poly", 1, name, content)
        assert answer.status_code == 415, answer.text
        message = answer.json()["messages"][0]
        assert message["key"] == "docs.rejected" and says in message["html"], message
        assert world.staged_bytes() == 0
        choose = (await world.say("visitor-chat-poly", 2, "/lang")).json()["messages"][-1]
        english = next(b for row in choose["buttons"] for b in row if "English" in b["label"])
        body = {"chat_id": "visitor-chat-poly", "seq": 3, "payload": english["payload"]}
        assert (await world.http.post("/chat/api/message", json=body)).status_code == 200
        again = await world.upload("visitor-chat-poly", 4, name, content)
        assert "The file was not stored." in again.json()["messages"][0]["html"]


# -- disk space --------------------------------------------------------------------------------


async def test_low_disk_refuses_uploads_and_readyz_and_metrics_say_why(
    edges_template: Path, tmp_path: Path
) -> None:
    async with served(edges_template, tmp_path, data_min_free_mb=10**12) as world:
        ready = await world.http.get("/readyz")
        assert ready.status_code == 503
        assert ready.json() == {
            "status": "unready",
            "failed": "disk",
            "checks": {"database": "ok", "migrations": "current", "disk": "low"},
        }
        scraped = (await world.http.get("/metrics")).text
        assert metric(scraped, "dvcbot_data_dir_low") == 1
        assert metric(scraped, "dvcbot_data_dir_min_free_bytes") == 10**12 * MB
        assert metric(scraped, "dvcbot_data_dir_free_bytes") > 0

        paused = await world.upload("visitor-chat-disk", 1, "f.pdf", PDF_300K)
        assert paused.status_code == 507
        assert paused.json()["messages"][0]["key"] == "upload.paused"
        assert "tạm ngừng nhận tệp" in paused.json()["messages"][0]["html"]
        assert world.staged_bytes() == 0
        # Nothing else breaks: the chat answers, the process is alive.
        assert (await world.say("visitor-chat-disk", 2, "xin chào")).status_code == 200
        assert (await world.http.get("/healthz")).status_code == 200
        scraped = (await world.http.get("/metrics")).text
        assert metric(scraped, "dvcbot_upload_refusals_total", reason="disk_low") == 1

    (tmp_path / "roomy").mkdir()
    async with served(edges_template, tmp_path / "roomy", data_min_free_mb=1) as world:
        ready = await world.http.get("/readyz")
        assert ready.status_code == 200 and ready.json()["checks"]["disk"] == "ok"
        assert metric((await world.http.get("/metrics")).text, "dvcbot_data_dir_low") == 0


# -- staging sweep -----------------------------------------------------------------------------


async def test_unclaimed_staged_files_are_removed_at_start_up_and_by_the_scheduler(
    edges_template: Path, tmp_path: Path
) -> None:
    async with served(edges_template, tmp_path) as world:
        staging = world.app.staging
        old, fresh = staging.stage(PDF_300K), staging.stage(PDF_300K)
        partial = staging.open(("a" * 32,))
        partial.write(b"%PDF-1.4 cut off by a crash")
        hour_ago = time.time() - 2 * 3600
        for ref in (old,):
            os.utime(world.incoming / ref.removeprefix("staging:"), (hour_ago, hour_ago))
        for path in world.incoming.glob(".tmp-*"):
            os.utime(path, (hour_ago, hour_ago))
        await world.app.start()  # what a worker does when it starts
        assert staging.head(old) == b"" and staging.head(fresh, 4) == b"%PDF"
        assert not list(world.incoming.glob(".tmp-*"))
        assert staging.used_by("a" * 32) == 0  # the crashed upload's marker went with it
        os.utime(world.incoming / fresh.removeprefix("staging:"), (hour_ago, hour_ago))
        await Jobs(world.app).staging_sweep()
        assert staging.head(fresh) == b"" and world.staged_bytes() == 0


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
    edges_template: Path, tmp_path: Path
) -> None:
    total = 30 * MB
    async with served(edges_template, tmp_path) as world:
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


async def test_a_body_that_stops_moving_is_answered_408(
    edges_template: Path, tmp_path: Path
) -> None:
    async with served(edges_template, tmp_path, http_body_idle_seconds=1) as world:
        reader, writer = await asyncio.open_connection("127.0.0.1", world.port)
        writer.write(_post_head("/chat/api/message", 500) + b'{"chat_id": "slow')
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(4096), 10)
        writer.close()
        assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]


# -- the page and its links --------------------------------------------------------------------


async def test_the_chat_page_runs_only_its_own_script_and_cannot_be_framed(
    edges_template: Path, tmp_path: Path
) -> None:
    async with served(edges_template, tmp_path) as world:
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


async def test_media_links_expire(edges_template: Path, tmp_path: Path) -> None:
    async with served(edges_template, tmp_path, media_link_hours=2) as world:
        address = ChatAddress(Platform.WEB, "visitor-chat-media")
        link = media_signer(world.app, address)("qr:unknown")
        assert (await world.http.get(link)).status_code == 404  # signed, but no such image
        world.clock.advance(hours=2, seconds=1)
        gone = await world.http.get(link)
        assert gone.status_code == 410 and "hết hạn" in gone.text
        stretched = re.sub(r"exp=\d+", "exp=99999999999", link)
        assert (await world.http.get(stretched)).status_code == 404  # the signature covers it


async def test_files_offered_to_officers_are_downloads_never_pages(
    edges_template: Path, tmp_path: Path
) -> None:
    async with served(edges_template, tmp_path) as world:
        form = await attachment(world.app, "to_khai_ct01", b"%PDF-1.4 to khai", "tờ khai.pdf")
        dossier = await add_dossier(world.app, attachments=(form,))
        url = f"/api/v1/dossiers/{dossier.code}/files/{form.document_id}"
        got = await world.http.get(url, headers={"X-API-Key": KEY_POLICE})
        assert got.status_code == 200 and got.content == b"%PDF-1.4 to khai"
        assert got.headers["content-type"] == "application/pdf"
        assert got.headers["content-disposition"].startswith("attachment; ")
        assert got.headers["x-content-type-options"] == "nosniff"
