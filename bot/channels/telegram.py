"""The Telegram channel: one update in, the router's reply out, whatever library carries it.

    update dict ─▶ parse_update ─▶ (fetch the upload into staging) ─▶ router.handle
                ─▶ render_reply ─▶ TelegramApi (PTB or aiogram)

`handle` lets a failure of the router propagate, so that a webhook answers 5xx and Telegram
delivers the update again (the router applies it once); in polling the inbox's applier
(telegram_polling) retries it a few times, then calls `apologise`. `handle_or_apologise` is
the error boundary for a caller that cannot retry: it logs (no personal data) and apologises.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from typing import Any

from bot.bootstrap import Application
from bot.channels.telegram_api import (
    ChatUnreachable,
    RetryLater,
    TelegramApi,
    TelegramApiError,
)
from bot.channels.telegram_commands import commands_by_lang
from bot.channels.telegram_inbound import FileToFetch, Inbound, parse_update
from bot.channels.telegram_render import Operation, SendMedia, SendText, render_reply
from bot.metrics import Metrics
from conversations.chat_locks import ChatLocks
from conversations.messages import ChatAddress, Incoming, Outgoing, Text
from conversations.router import Reply, Update
from services.files import MAX_FILE_BYTES

log = logging.getLogger(__name__)
DOWNLOAD_LIMIT = 20 * 1024 * 1024  # Bot API getFile: bots download files up to 20 MB
MAX_RETRY_WAIT = 30.0  # seconds; a longer flood wait drops the rest of the reply
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
        """Apply one update and send the reply; a router failure propagates.

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
        """Tell the update's chat (if it has one) that its message could not be handled."""
        inbound = parse_update(update)
        if inbound is not None and inbound.address.chat_id:
            await self._apologise(inbound.address)

    async def _handle(self, inbound: Inbound, answer: bool = True) -> None:
        address, update_id, incoming, extras = inbound
        if extras.callback_id and answer:
            await self._answer(extras.callback_id)
        if extras.member is not None:
            reason = "" if extras.member else "blocked"
            await self._mark(address.key, extras.member, reason)
        if incoming is None:
            if extras.unsupported:
                await self._say(address, Outgoing(Text("common.not_understood")))
            return
        staged = ""
        if extras.file is not None:
            incoming, staged = await self._fetch(incoming, extras.file)
        try:
            reply = await self._app.router.handle(Update(address, update_id, incoming))
        finally:
            if staged:
                await asyncio.to_thread(self._discard_unclaimed, staged)
        if not reply.duplicate:
            await self._send(address, reply)

    async def _answer(self, callback_id: str) -> None:
        """Answer every callback query, even of a stale button; a failure changes nothing."""
        try:
            await self._api.answer_callback(callback_id)
        except TelegramApiError as exc:
            log.info("callback query not answered: %s", describe(exc))

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

    async def _send(self, address: ChatAddress, reply: Reply) -> None:
        """Send a reply; stop at a chat that is gone (marked inactive) or a long flood wait."""
        asks_phone = any(m.request_contact for m in reply.messages)
        operations = render_reply(
            reply.messages, reply.lang, self._app.texts, remove_reply_keyboard=not asks_phone
        )
        chat_id = int(address.chat_id)
        for op in operations:
            try:
                await self._perform_with_retry(chat_id, op, reply.lang)
            except ChatUnreachable as exc:
                log.info("telegram chat unreachable (%s): marked inactive", exc.reason)
                await self._mark(address.key, False, exc.reason)
                return
            except RetryLater as exc:
                log.warning("telegram flood control: rest of the reply dropped (%s)", exc)
                return
            except TelegramApiError as exc:
                log.warning("telegram send failed: %s", describe(exc))

    async def _perform_with_retry(self, chat_id: int, op: Operation, lang: str) -> None:
        try:
            await self._perform(chat_id, op, lang)
        except RetryLater as exc:
            if exc.seconds > MAX_RETRY_WAIT:
                raise
            await self._sleep(exc.seconds)
            await self._perform(chat_id, op, lang)

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

    async def _say(self, address: ChatAddress, message: Outgoing) -> None:
        """A message outside the router (not recorded): an apology or "not understood"."""
        lang = await self._lang(address)
        await self._send(address, Reply(lang, (message,)))

    async def _apologise(self, address: ChatAddress) -> None:
        try:
            await self._say(address, Outgoing(Text("common.error")))
        except Exception as exc:  # noqa: BLE001 - the apology is best effort; logged, masked
            log.error("telegram apology not sent: %s", describe(exc))

    async def _lang(self, address: ChatAddress) -> str:
        try:
            return await self._app.router.lang_of(address)
        except Exception as exc:  # noqa: BLE001 - the database may be what failed
            log.warning("chat language unreadable: %s", describe(exc))
            return self._app.settings.default_language


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
