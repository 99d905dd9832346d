"""python-telegram-bot 22 as a thin transport: the Bot API client, and polling.

Polling calls PTB's `Bot.get_updates` in the inbox's loop (telegram_polling): each batch is
recorded before its offset is confirmed. No Application, no ConversationHandler, no
persistence: the router keeps all state.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import warnings
from collections.abc import Iterator
from typing import Any

import httpx
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.request import HTTPXRequest

from bot.bootstrap import Application
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_api import (
    ApiFailure,
    ChatUnreachable,
    CommandsByLang,
    RetryLater,
    unreachable_reason,
)
from bot.channels.telegram_inbound import ALLOWED_UPDATES
from bot.channels.telegram_polling import InboxPolling
from bot.channels.telegram_render import (
    ContactKeyboard,
    InlineKeyboard,
    LinkKeyboard,
    RemoveKeyboard,
    ReplyMarkup,
)
from bot.channels.telegram_wire import send_text_params

CACHE_EMPTY_ANSWER = 300  # seconds Telegram may reuse the (empty) answer to an inline query
PtbMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


def ptb_markup(markup: ReplyMarkup | None) -> PtbMarkup | None:
    """The library's markup for a neutral one."""
    if isinstance(markup, InlineKeyboard):
        return InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(b.text, callback_data=b.callback_data) for b in row]
                for row in markup.rows
            ]
        )
    if isinstance(markup, ContactKeyboard):
        button = KeyboardButton(markup.label, request_contact=True)
        return ReplyKeyboardMarkup([[button]], one_time_keyboard=True, resize_keyboard=True)
    if isinstance(markup, RemoveKeyboard):
        return ReplyKeyboardRemove()
    if isinstance(markup, LinkKeyboard):
        return InlineKeyboardMarkup([[InlineKeyboardButton(markup.label, url=markup.url)]])
    return None


@contextlib.contextmanager
def _normalised() -> Iterator[None]:
    """PTB's errors as the channel's."""
    try:
        yield
    except Forbidden as exc:
        raise ChatUnreachable(unreachable_reason(exc.message) or "forbidden") from exc
    except RetryAfter as exc:
        raise RetryLater(_seconds(exc)) from exc
    except BadRequest as exc:
        reason = unreachable_reason(exc.message)
        if reason is not None:
            raise ChatUnreachable(reason) from exc
        raise ApiFailure(type(exc).__name__, 400) from exc
    except TelegramError as exc:
        raise ApiFailure(type(exc).__name__) from exc


def _seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that the int form will become a timedelta
        warnings.simplefilter("ignore")
        wait = exc.retry_after
    return wait.total_seconds() if isinstance(wait, dt.timedelta) else float(wait)


class PtbApi:
    """TelegramApi over `telegram.Bot`."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot
        self._username = ""

    async def send_text(self, chat_id: int, html: str, reply_markup: ReplyMarkup | None) -> int:
        """sendMessage in HTML parse mode: the parameters as JSON (telegram_wire), the answer
        read as it came, through PTB's request machinery (its client, its errors); no markup
        or Message objects built."""
        with _normalised():
            # Bot.send_message minus its objects: PTB's own request path (_post: defaults,
            # the HTTP client, the errors), the answer kept as the dict it came as.
            params = send_text_params(chat_id, html, reply_markup)
            sent = await self._bot._post("sendMessage", params)
        return int(sent["message_id"])

    async def edit_text(
        self, chat_id: int, message_id: int, html: str, reply_markup: ReplyMarkup | None
    ) -> None:
        """editMessageText in HTML parse mode."""
        markup = ptb_markup(reply_markup)
        with _normalised():
            await self._bot.edit_message_text(
                html,
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=markup if isinstance(markup, InlineKeyboardMarkup) else None,
            )

    async def send_photo(
        self,
        chat_id: int,
        content: bytes,
        name: str,
        caption_html: str,
        reply_markup: ReplyMarkup | None,
    ) -> None:
        """sendPhoto, uploading `content`."""
        with _normalised():
            await self._bot.send_photo(
                chat_id,
                InputFile(content, filename=name),
                caption=caption_html or None,
                parse_mode=ParseMode.HTML,
                reply_markup=ptb_markup(reply_markup),
            )

    async def send_document(
        self,
        chat_id: int,
        content: bytes,
        name: str,
        caption_html: str,
        reply_markup: ReplyMarkup | None,
    ) -> None:
        """sendDocument, uploading `content`."""
        with _normalised():
            await self._bot.send_document(
                chat_id,
                InputFile(content, filename=name),
                caption=caption_html or None,
                parse_mode=ParseMode.HTML,
                reply_markup=ptb_markup(reply_markup),
            )

    async def answer_callback(self, callback_id: str) -> None:
        """answerCallbackQuery through PTB's request path, as `send_text` (no objects)."""
        with _normalised():
            await self._bot._post("answerCallbackQuery", {"callback_query_id": callback_id})

    async def answer_inline_query(self, query_id: str) -> None:
        """answerInlineQuery with no results."""
        with _normalised():
            await self._bot.answer_inline_query(query_id, [], cache_time=CACHE_EMPTY_ANSWER)

    async def username(self) -> str:
        """getMe's username, asked once."""
        if not self._username:
            with _normalised():
                me = await self._bot.get_me()
            self._username = me.username or ""
        return self._username

    async def file_bytes(self, file_id: str) -> bytes:
        """getFile and download."""
        with _normalised():
            file = await self._bot.get_file(file_id)
            return bytes(await file.download_as_bytearray())

    async def set_commands(self, commands_by_lang: CommandsByLang) -> None:
        """setMyCommands per language."""
        with _normalised():
            for lang, commands in commands_by_lang.items():
                await self._bot.set_my_commands(
                    [BotCommand(name, text) for name, text in commands], language_code=lang or None
                )

    async def set_webhook(self, url: str, secret: str) -> None:
        """setWebhook."""
        with _normalised():
            await self._bot.set_webhook(
                url, secret_token=secret or None, allowed_updates=list(ALLOWED_UPDATES)
            )

    async def delete_webhook(self) -> None:
        """deleteWebhook."""
        with _normalised():
            await self._bot.delete_webhook()


# httpx keeps every idle connection for reuse, and httpcore's pool looks at each idle one
# (is it still readable?) whenever a request is queued or finishes: with PTB's default (up to
# 256 kept) a busy bot spent more CPU there than on its own work. Eight kept alive serve a
# steady flow; a burst opens more, closed once idle.
POOL_SIZE = 256
KEEP_ALIVE = 8


def ptb_bot(token: str, api_base_url: str) -> Bot:
    """A Bot talking to `api_base_url` (https://api.telegram.org, or a local Bot API server)."""
    base = api_base_url.rstrip("/")
    request = HTTPXRequest(
        connection_pool_size=POOL_SIZE,
        httpx_kwargs={
            "limits": httpx.Limits(max_connections=POOL_SIZE, max_keepalive_connections=KEEP_ALIVE)
        },
    )
    return Bot(token, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot", request=request)


class PtbPolling(InboxPolling):
    """Long polling through the inbox (telegram_polling), with PTB's own getUpdates."""

    def __init__(
        self, app: Application, channel: TelegramChannel, bot: Bot, poll_timeout: int = 10
    ) -> None:
        self._bot = bot

        async def fetch(offset: int | None, timeout: int) -> list[dict[str, Any]]:  # noqa: ASYNC109
            params: dict[str, Any] = {
                "timeout": timeout,
                "allowed_updates": list(ALLOWED_UPDATES),
            }
            if offset is not None:
                params["offset"] = offset
            with _normalised():  # Bot.get_updates minus its Update objects (see send_text)
                updates = await bot._post("getUpdates", params, read_timeout=timeout + 10)
            return [u for u in updates if isinstance(u, dict)] if isinstance(updates, list) else []

        super().__init__(app, channel, fetch, poll_timeout)

    async def start(self) -> None:
        """Initialise the client, then as InboxPolling."""
        await self._bot.initialize()
        await super().start()

    async def stop(self) -> None:
        """As InboxPolling, then release the HTTP client."""
        try:
            await super().stop()
        finally:
            await self._bot.shutdown()
