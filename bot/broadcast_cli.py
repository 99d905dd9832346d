"""`dvc-bot broadcast`: an admin broadcast from the command line, with a progress bar.

    dvc-bot broadcast --text "Thông báo …" --audience ward:01273 [--image anh.jpg] [--yes]
    dvc-bot broadcast --resume <id>      # watch (and send) a broadcast again after a crash
    dvc-bot broadcast --cancel <id>

The broadcast is recorded and queued like one made with /broadcast in a chat. If no scheduler
runs on this database, this process takes the scheduler's place until the broadcast is done
(so it works on its own); otherwise it only watches the running scheduler send it.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from tqdm import tqdm

from bot.bootstrap import Application, build
from bot.scheduler import HEARTBEAT, Scheduler
from bot.scheduler_lock import SchedulerBusy
from bot.senders import build_transports
from bot.settings import Settings
from bot.system import random_hex
from conversations.messages import Outgoing, OutgoingKind, Text
from services.broadcasts import (
    PLATFORMS,
    Audience,
    AudienceKind,
    Broadcast,
    BroadcastState,
    Progress,
    cancel,
    progress,
    start,
)
from services.codec import to_json
from services.files import ACCEPTED, MAX_FILE_BYTES, sniff

MAX_TEXT = 1000
STALE_HEARTBEAT = 30  # seconds without a heartbeat: no scheduler is running


class BroadcastError(ValueError):
    """A broadcast the command refuses (the message says why)."""


def parse_audience(app: Application, text: str) -> Audience:
    """all | platform:<telegram|zalo|web> | ward:<code> | procedure:<id or national code>."""
    kind, _, value = text.partition(":")
    value = value.strip()
    if kind == "all" and not value:
        return Audience(AudienceKind.ALL)
    if kind == "platform" and value in PLATFORMS:
        return Audience(AudienceKind.PLATFORM, value)
    if kind == "ward":
        ward = app.places.ward(value) if value else None
        if ward is None:
            raise BroadcastError(f"no commune/ward has the code {value!r}")
        return Audience(AudienceKind.WARD, value)
    if kind == "procedure":
        proc = app.catalog.procedure(value) or next(
            (p for p in app.catalog.procedures if p.code == value), None
        )
        if proc is None:
            raise BroadcastError(f"no procedure has the id or code {value!r}")
        return Audience(AudienceKind.PROCEDURE, proc.id)
    raise BroadcastError(
        "audience must be all, platform:telegram|zalo|web, ward:<code> or procedure:<id>"
    )


def compose(app: Application, text: str, image: Path | None) -> Outgoing:
    """The message as recipients will get it."""
    text = text.strip()
    if not text:
        raise BroadcastError("the message is empty")
    if len(text) > MAX_TEXT:
        raise BroadcastError(f"the message has {len(text)} characters; at most {MAX_TEXT}")
    if image is None:
        return Outgoing(Text("raw", {"text": text}))
    content = image.read_bytes()
    kind = sniff(content[:512])
    if kind is None or kind not in ACCEPTED or kind == "pdf":
        raise BroadcastError("the image must be a JPEG or PNG file")
    if len(content) > MAX_FILE_BYTES:
        raise BroadcastError("the image is larger than 10 MB")
    ref = app.files.put(content)
    return Outgoing(
        Text("raw", {"text": text}), kind=OutgoingKind.IMAGE, media_ref=ref, media_name=image.name
    )


async def _scheduler_alive(app: Application) -> bool:
    async with app.uow_factory() as uow:
        beat = await uow.cursors.get(HEARTBEAT)
    return app.clock.now().timestamp() - beat < STALE_HEARTBEAT


async def _figures(app: Application, broadcast_id: str) -> tuple[Broadcast, Progress]:
    async with app.uow_factory() as uow:
        broadcast = await uow.broadcasts.get(broadcast_id)
        if broadcast is None:
            raise BroadcastError(f"no broadcast has the id {broadcast_id!r}")
        return broadcast, await progress(uow, broadcast)


async def watch(app: Application, broadcast_id: str, poll: float = 1.0) -> Progress:
    """Show a progress bar until the broadcast is done or cancelled; send it if no
    scheduler is running."""
    own = Scheduler(app, await build_transports(app))
    scheduler: Scheduler | None = own
    try:
        await own.start()
        print("No scheduler was running: this process sends the broadcast.")
    except SchedulerBusy:
        await own.stop()
        scheduler = None
        print("The running scheduler sends the broadcast; watching.")
    broadcast, figures = await _figures(app, broadcast_id)
    bar = tqdm(total=max(figures.total, 1), unit="msg", desc=f"broadcast {broadcast_id}")
    try:
        while True:
            broadcast, figures = await _figures(app, broadcast_id)
            bar.total = max(figures.total, 1)
            bar.n = figures.total - figures.remaining
            bar.set_postfix(
                sent=figures.sent, failed=figures.failed, blocked=figures.blocked,
                remaining=figures.remaining,
            )  # fmt: skip
            bar.refresh()
            if broadcast.state in (BroadcastState.DONE, BroadcastState.CANCELLED):
                return figures
            if scheduler is None and not await _scheduler_alive(app):
                bar.write("No scheduler has been seen for a while; the broadcast stays queued.")
            await asyncio.sleep(poll)
    finally:
        bar.close()
        if scheduler is not None:
            await scheduler.stop()


async def broadcast_command(
    settings: Settings,
    text: str,
    audience_text: str,
    image: Path | None,
    yes: bool,
    resume: str,
    cancel_id: str,
) -> int:
    """The command's work; returns the exit status."""
    app = await build(settings)
    try:
        if cancel_id:
            async with app.uow_factory() as uow:
                found = await uow.broadcasts.get(cancel_id)
                if found is None:
                    raise BroadcastError(f"no broadcast has the id {cancel_id!r}")
                done = await cancel(uow, found, app.clock.now())
                await uow.commit()
            print(f"Broadcast {cancel_id}: {done.state.value}.")
            return 0
        if not resume:
            audience = parse_audience(app, audience_text)
            message = compose(app, text, image)
            async with app.uow_factory() as uow:
                count = await uow.chats.count(audience)
            print(app.texts.render(message.text, "vi"))
            print(f"\nRecipients: {count} ({audience.kind.value} {audience.value}).")
            if count == 0:
                raise BroadcastError("nobody would receive it")
            answer = "y" if yes else await asyncio.to_thread(input, "Send it? [y/N] ")
            if answer.strip().lower() not in ("y", "yes", "c", "có"):
                print("Not sent.")
                return 1
            resume = random_hex(12)
            async with app.uow_factory() as uow:
                await start(uow, resume, "cli", audience, to_json(message), app.clock.now())
                await uow.commit()
            print(f"Broadcast {resume} queued. Resume with: dvc-bot broadcast --resume {resume}")
        figures = await watch(app, resume)
        print(
            f"Done: {figures.sent} sent, {figures.failed} failed, {figures.blocked} blocked, "
            f"{figures.cancelled} cancelled, {figures.unknown} unknown."
        )
        return 0
    except BroadcastError as error:
        print(f"dvc-bot broadcast: {error}", file=sys.stderr)
        return 2
    finally:
        await app.close()
