"""Uploads cannot fill the disk, against a real server (tests.contract.edge_server): quotas
of staged bytes per chat and per address (uploads held mid-stream, and bursts), a free-space
floor that refuses uploads and that /readyz and /metrics report, files that are not what they
say refused at upload, unclaimed staged files swept at start-up and by the scheduler.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.scheduler import Jobs
from tests.contract.edge_server import KB, MB, World, metric, seeded_template, served

PDF_300K = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"x" * (300 * KB - 15)


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database with the catalogue, seeded once."""
    return seeded_template(tmp_path_factory)


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


async def hold(world: World, chat: str, content: bytes, sent: int) -> HeldUpload:
    """Start an upload of `content` to the web chat (from the browser called `chat`) and
    send only its first `sent` bytes."""
    cookie = (await world.browser(chat)).headers["cookie"]
    boundary = "held-upload-boundary"
    fields = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in (("seq", "1"),)
    )
    file_head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    )
    body = (fields + file_head).encode() + content + f"\r\n--{boundary}--\r\n".encode()
    head = (
        f"POST /chat/api/upload HTTP/1.1\r\nHost: bot\r\nConnection: close\r\n"
        f"Cookie: {cookie}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", world.port)
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
    template: Path, tmp_path: Path
) -> None:
    async with served(
        template, tmp_path, upload_quota_chat_mb=1, upload_quota_address_mb=2
    ) as world:
        # Nobody logged in, a file nothing asks for: answered, and not kept.
        answered = await world.upload("visitor-chat-01", 1, "f.pdf", pdf(300 * KB))
        assert answered.status_code == 200, answered.text
        assert world.staged_bytes() == 0

        # While 600 KB of one upload are in, the same chat may not stage 500 KB more (1 MB).
        first = await hold(world, "visitor-chat-01", pdf(700 * KB), 600 * KB)
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
            await hold(world, chat, pdf(700 * KB), 600 * KB)
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


async def test_a_file_over_the_limit_is_counted_never_kept(template: Path, tmp_path: Path) -> None:
    async with served(template, tmp_path) as world:
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
    template: Path, tmp_path: Path, name: str, content: bytes, says: str
) -> None:
    async with served(template, tmp_path) as world:
        answer = await world.upload("visitor-chat-poly", 1, name, content)
        assert answer.status_code == 415, answer.text
        message = answer.json()["messages"][0]
        assert message["key"] == "docs.rejected" and says in message["html"], message
        assert world.staged_bytes() == 0
        choose = (await world.say("visitor-chat-poly", 2, "/lang")).json()["messages"][-1]
        english = next(b for row in choose["buttons"] for b in row if "English" in b["label"])
        cookie = await world.browser("visitor-chat-poly")
        body = {"seq": 3, "payload": english["payload"]}
        pressed = await world.http.post("/chat/api/message", json=body, headers=cookie.headers)
        assert pressed.status_code == 200
        again = await world.upload("visitor-chat-poly", 4, name, content)
        assert "The file was not stored." in again.json()["messages"][0]["html"]


# -- disk space --------------------------------------------------------------------------------


async def test_low_disk_refuses_uploads_and_readyz_and_metrics_say_why(
    template: Path, tmp_path: Path
) -> None:
    async with served(template, tmp_path, data_min_free_mb=10**12) as world:
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
    async with served(template, tmp_path / "roomy", data_min_free_mb=1) as world:
        ready = await world.http.get("/readyz")
        assert ready.status_code == 200 and ready.json()["checks"]["disk"] == "ok"
        assert metric((await world.http.get("/metrics")).text, "dvcbot_data_dir_low") == 0


# -- staging sweep -----------------------------------------------------------------------------


async def test_unclaimed_staged_files_are_removed_at_start_up_and_by_the_scheduler(
    template: Path, tmp_path: Path
) -> None:
    async with served(template, tmp_path) as world:
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
