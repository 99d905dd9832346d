"""The Telegram channel: one update in, the router's reply queued, whatever library carries it.

    update dict ─▶ parse_update ─▶ (fetch the upload into staging) ─▶ router.handle
                ─▶ the reply queued in the outbox in the update's transaction
                ─▶ the scheduler's paced sender renders and sends it (bot.senders)

Replies are not sent here: the paced sender delivers them within Telegram's limits, per
chat in order, waiting out flood control however long, and retrying (services.sending).
`handle` lets a failure of the router propagate, so that a webhook answers 5xx and Telegram
delivers the update again (the router applies it once); in polling the inbox's applier
(telegram_polling) retries it a few times, then calls `apologise`. `handle_or_apologise` is
the error boundary for a caller that cannot retry: it logs (no personal data) and apologises.
Callback queries are still answered here, at once (they only stop the button's spinner).
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from typing import Any

from bot.bootstrap import Application
from bot.channels.telegram_api import TelegramApi, TelegramApiError
from bot.channels.telegram_commands import commands_by_lang
from bot.channels.telegram_groups import GroupAnswers
from bot.channels.telegram_inbound import FileToFetch, Inbound, parse_update
from bot.channels.telegram_render import Operation, SendMedia, SendText
from bot.metrics import Metrics
from conversations.chat_locks import ChatLocks
from conversations.messages import ChatAddress, Incoming, Outgoing, Text
from conversations.router import Update
from services.codec import to_json
from services.files import MAX_FILE_BYTES
from services.outbox import Priority

log = logging.getLogger(__name__)
DOWNLOAD_LIMIT = 20 * 1024 * 1024  # Bot API getFile: bots download files up to 20 MB
Sleep = Callable[[float], Awaitable[None]]


class TelegramChannel:
    """Applies Telegram updates through the router and sends the replies with `api`."""

    def __init__(self, app: Application, api: TelegramApi, sleep: Sleep = asyncio.sleep) -> None:
        self._app = app
        self._api = api
        self._sleep = sleep
        # A chat's updates are handled one at a time in arrival order, download and sending
        # included (aiogram runs each update as its own task).
        self._order = ChatLocks()
        self._groups = GroupAnswers(app, api)

    @property
    def api(self) -> TelegramApi:
        """The Bot API client."""
        return self._api

    @property
    def metrics(self) -> Metrics:
        """The process's counters (the webhook route counts its refusals)."""
        return self._app.metrics

    async def startup(self, webhook_url: str = "", secret: str = "") -> None:
        """Register the command menu; set the webhook, or remove it for polling."""
        commands = commands_by_lang(self._app.texts, self._app.settings.default_language)
        await self._api.set_commands(commands)
        if webhook_url:
            await self._api.set_webhook(webhook_url, secret)
        else:
            await self._api.delete_webhook()

    async def handle(self, update: Mapping[str, Any], answer: bool = True) -> str:
        """Apply one update and queue the reply; a router failure propagates.

        With `answer=False` a button press is not answered here: its callback query id is
        returned, and the webhook answers it in its HTTP response (one Bot API call fewer).
        """
        inbound = parse_update(update)
        if inbound is None:
            return ""
        async with self._order.hold(inbound.address.key):
            await self._handle(inbound, answer)
        return "" if answer else inbound.extras.callback_id

    async def handle_or_apologise(self, update: Mapping[str, Any]) -> None:
        """`handle`, for polling: a failure is logged (masked) and the citizen gets an apology."""
        try:
            await self.handle(update)
        except Exception as exc:  # noqa: BLE001 - the error boundary; logged without personal data
            log.error("telegram update %s failed: %s", update_ref(update), describe(exc))
            await self.apologise(update)

    async def apologise(self, update: Mapping[str, Any]) -> None:
        """Tell the update's chat that its message could not be handled: only a citizen's
        update in a private chat (never a group)."""
        inbound = parse_update(update)
        if inbound is not None and (inbound.incoming or inbound.extras.unsupported):
            await self._apologise(inbound.address, inbound.update_id)

    async def _handle(self, inbound: Inbound, answer: bool = True) -> None:
        address, update_id, incoming, extras = inbound
        if extras.callback_id and answer:
            await self._answer(extras.callback_id)
        if extras.group is not None:  # never a flow in a group: at most "message me privately"
            await self._groups.answer(address, extras.group)
            return
        if extras.inline_query_id:
            await self._answer_inline(extras.inline_query_id)
        if extras.member is not None:
            reason = "" if extras.member else "blocked"
            await self._mark(address.key, extras.member, reason)
        if incoming is None:
            if extras.unsupported:
                await self._say(address, f"said:{update_id}", Text("common.not_understood"))
            return
        staged = ""
        if extras.file is not None and self._app.uploads_paused():
            await self._say(address, f"said:{update_id}", Text("upload.paused"))
            return
        if extras.file is not None:
            incoming, staged = await self._fetch(incoming, extras.file)
        try:  # the reply is queued with the update's changes (a redelivery queues nothing)
            await self._app.router.handle(Update(address, update_id, incoming, deliver=True))
        finally:
            if staged:
                await asyncio.to_thread(self._discard_unclaimed, staged)

    async def _answer(self, callback_id: str) -> None:
        """Answer every callback query, even of a stale button; a failure changes nothing."""
        try:
            await self._api.answer_callback(callback_id)
        except TelegramApiError as exc:
            log.info("callback query not answered: %s", describe(exc))

    async def _answer_inline(self, query_id: str) -> None:
        """An inline query gets an empty answer (the bot offers nothing inline), so that the
        client stops waiting; a failure changes nothing."""
        try:
            await self._api.answer_inline_query(query_id)
        except TelegramApiError as exc:
            log.info("inline query not answered: %s", describe(exc))

    async def _fetch(self, incoming: Incoming, file: FileToFetch) -> tuple[Incoming, str]:
        """Download the upload into staging, unless it is over a limit: then only its size goes
        to the router, and the documents step refuses it as too large."""
        upload = incoming.upload
        if upload is None or file.size > min(MAX_FILE_BYTES, DOWNLOAD_LIMIT):
            return incoming, ""
        content = await self._api.file_bytes(file.file_id)
        ref = await asyncio.to_thread(self._app.staging.stage, content)
        return replace(incoming, upload=replace(upload, ref=ref, size=len(content))), ref

    def _discard_unclaimed(self, ref: str) -> None:
        """An upload no step took (it came when no file was expected) is not kept."""
        if self._app.staging.head(ref, 1):
            self._app.staging.reject(ref)

    async def perform(self, chat_id: int, op: Operation, lang: str) -> None:
        """One rendered operation (the outbox sender's path; errors are raised)."""
        await self._perform(chat_id, op, lang)

    async def _perform(self, chat_id: int, op: Operation, lang: str) -> None:
        if isinstance(op, SendText):
            await self._api.send_text(chat_id, op.html, op.reply_markup)
            return
        await self._send_media(chat_id, op, lang)

    async def _send_media(self, chat_id: int, op: SendMedia, lang: str) -> None:
        media = await self._app.media.resolve(op.media_ref, lang)
        if media is None:  # the file is gone: say what the message said, without it
            if op.caption_html or op.reply_markup is not None:
                await self._api.send_text(chat_id, op.caption_html or "…", op.reply_markup)
            return
        name = op.name or media.name
        if op.kind == "photo" and media.mime.startswith("image/"):
            await self._api.send_photo(
                chat_id, media.content, name, op.caption_html, op.reply_markup
            )
        else:
            await self._api.send_document(
                chat_id, media.content, name, op.caption_html, op.reply_markup
            )

    async def _mark(self, chat_key: str, active: bool, reason: str) -> None:
        """Record whether the chat can be reached (through the unit of work, like every write:
        on SQLite it must not hold the write lock across other work)."""
        async with self._app.uow_factory() as uow:
            await uow.chats.set_active(chat_key, active, reason, self._app.clock.now())
            await uow.commit()

    async def _say(self, address: ChatAddress, event: str, text: Text) -> None:
        """A message outside the router (an apology, "not understood"): queued like a reply,
        once per update (`event`), so that it is paced and retried too."""
        async with self._app.uow_factory() as uow:
            await uow.outbox.enqueue(
                address.key,
                event,
                to_json(Outgoing(text)),
                self._app.clock.now(),
                priority=Priority.REPLY,
            )
            await uow.commit()

    async def _apologise(self, address: ChatAddress, update_id: str) -> None:
        try:
            await self._say(address, f"apology:{update_id}", Text("common.error"))
        except Exception as exc:  # noqa: BLE001 - the apology is best effort; logged, masked
            log.error("telegram apology not queued: %s", describe(exc))


def update_ref(update: Mapping[str, Any]) -> str:
    """The update id for the log, in hex: the log filter masks every run of 9 or more digits
    (as it would a phone or ID number), and Telegram's update ids are that long."""
    update_id = update.get("update_id")
    return f"{update_id:x}" if isinstance(update_id, int) else "?"


def describe(exc: BaseException) -> str:
    """An exception for the log without its message (which may hold personal data): its type
    and where it was raised."""
    frames = traceback.extract_tb(exc.__traceback__)[-3:]
    where = " ← ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in reversed(frames))
    return f"{type(exc).__name__} at {where}" if where else type(exc).__name__
