"""aiogram 3 as a thin transport: the Bot API client, and polling.

Polling is a `Dispatcher` (its FSM disabled: the router keeps all state) with one outer
middleware on `update` that hands every update, as the Bot API's JSON, to the channel.
aiogram runs each update as a task of its own; the channel serves a chat's updates one at a
time in arrival order (tasks start in that order and queue on the chat's FIFO lock).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    AiogramError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
)
from aiogram.methods import (
    AnswerCallbackQuery,
    AnswerInlineQuery,
    EditMessageText,
    GetFile,
    Response,
    SendDocument,
    SendMessage,
    SendPhoto,
)
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    TelegramObject,
    Update,
)

from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_api import (
    ApiFailure,
    ChatUnreachable,
    CommandsByLang,
    RetryLater,
    unreachable_reason,
)
from bot.channels.telegram_inbound import ALLOWED_UPDATES
from bot.channels.telegram_render import (
    ContactKeyboard,
    InlineKeyboard,
    LinkKeyboard,
    RemoveKeyboard,
    ReplyMarkup,
)

HTML = "HTML"
CACHE_EMPTY_ANSWER = 300  # seconds Telegram may reuse the (empty) answer to an inline query
AiogramMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


@functools.lru_cache(maxsize=1024)
def aiogram_markup(markup: ReplyMarkup | None) -> AiogramMarkup | None:
    """The library's markup for a neutral one. Kept for reuse: the same keyboards go to many
    chats (a form question's options, yes/no, back), building one is validating every button,
    and aiogram only reads a markup it is given."""
    if isinstance(markup, InlineKeyboard):
        rows = [
            [InlineKeyboardButton(text=b.text, callback_data=b.callback_data) for b in row]
            for row in markup.rows
        ]
        return InlineKeyboardMarkup(inline_keyboard=rows)
    if isinstance(markup, ContactKeyboard):
        button = KeyboardButton(text=markup.label, request_contact=True)
        return ReplyKeyboardMarkup(
            keyboard=[[button]], one_time_keyboard=True, resize_keyboard=True
        )
    if isinstance(markup, RemoveKeyboard):
        return ReplyKeyboardRemove(remove_keyboard=True)
    if isinstance(markup, LinkKeyboard):
        button = InlineKeyboardButton(text=markup.label, url=markup.url)
        return InlineKeyboardMarkup(inline_keyboard=[[button]])
    return None


@contextlib.contextmanager
def _normalised() -> Iterator[None]:
    """aiogram's errors as the channel's."""
    try:
        yield
    except TelegramForbiddenError as exc:
        raise ChatUnreachable(unreachable_reason(exc.message) or "forbidden") from exc
    except TelegramRetryAfter as exc:
        raise RetryLater(float(exc.retry_after)) from exc
    except TelegramBadRequest as exc:
        reason = unreachable_reason(exc.message)
        if reason is not None:
            raise ChatUnreachable(reason) from exc
        raise ApiFailure(type(exc).__name__, 400) from exc
    except (TelegramAPIError, AiogramError) as exc:
        raise ApiFailure(type(exc).__name__) from exc


# aiogram parses every answer as `Response[<the method's result type>]`, a generic pydantic
# model parametrised anew on each call. Pydantic caches those classes only weakly: a garbage
# collection drops them and the next call rebuilds one (~10 ms of CPU): under load a Bot API
# call cost up to four times as much. Holding them (AiogramApi._response_types) keeps the
# cache hit.
_METHODS_USED = (
    SendMessage,
    EditMessageText,
    SendPhoto,
    SendDocument,
    AnswerCallbackQuery,
    AnswerInlineQuery,
    GetFile,
)


class AiogramApi:
    """TelegramApi over `aiogram.Bot`."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self._response_types = [Response[m.__returning__] for m in _METHODS_USED]

    async def send_text(self, chat_id: int, html: str, reply_markup: ReplyMarkup | None) -> int:
        """sendMessage in HTML parse mode."""
        with _normalised():
            sent = await self.bot.send_message(
                chat_id, html, parse_mode=HTML, reply_markup=aiogram_markup(reply_markup)
            )
        return int(sent.message_id)

    async def edit_text(
        self, chat_id: int, message_id: int, html: str, reply_markup: ReplyMarkup | None
    ) -> None:
        """editMessageText in HTML parse mode."""
        markup = aiogram_markup(reply_markup)
        with _normalised():
            await self.bot.edit_message_text(
                text=html,
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=HTML,
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
            await self.bot.send_photo(
                chat_id,
                BufferedInputFile(content, filename=name),
                caption=caption_html or None,
                parse_mode=HTML,
                reply_markup=aiogram_markup(reply_markup),
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
            await self.bot.send_document(
                chat_id,
                BufferedInputFile(content, filename=name),
                caption=caption_html or None,
                parse_mode=HTML,
                reply_markup=aiogram_markup(reply_markup),
            )

    async def answer_callback(self, callback_id: str) -> None:
        """answerCallbackQuery."""
        with _normalised():
            await self.bot.answer_callback_query(callback_id)

    async def answer_inline_query(self, query_id: str) -> None:
        """answerInlineQuery with no results."""
        with _normalised():
            await self.bot.answer_inline_query(query_id, [], cache_time=CACHE_EMPTY_ANSWER)

    async def username(self) -> str:
        """getMe's username (aiogram asks once and keeps it)."""
        with _normalised():
            me = await self.bot.me()
        return me.username or ""

    async def file_bytes(self, file_id: str) -> bytes:
        """getFile and download."""
        with _normalised():
            downloaded = await self.bot.download(file_id)
            if downloaded is None:
                raise ApiFailure("EmptyDownload")
            return downloaded.read()

    async def set_commands(self, commands_by_lang: CommandsByLang) -> None:
        """setMyCommands per language."""
        with _normalised():
            for lang, commands in commands_by_lang.items():
                await self.bot.set_my_commands(
                    [BotCommand(command=name, description=text) for name, text in commands],
                    language_code=lang or None,
                )

    async def set_webhook(self, url: str, secret: str) -> None:
        """setWebhook."""
        with _normalised():
            await self.bot.set_webhook(
                url, secret_token=secret or None, allowed_updates=list(ALLOWED_UPDATES)
            )

    async def delete_webhook(self) -> None:
        """deleteWebhook."""
        with _normalised():
            await self.bot.delete_webhook()

    async def close(self) -> None:
        """Close the HTTP session."""
        await self.bot.session.close()


def aiogram_bot(token: str, api_base_url: str) -> Bot:
    """A Bot talking to `api_base_url` (https://api.telegram.org, or a local Bot API server)."""
    api = TelegramAPIServer.from_base(api_base_url.rstrip("/"))
    return Bot(token, session=AiohttpSession(api=api))


Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class AiogramPolling:
    """Long polling with aiogram inside the caller's event loop: `await start()`, `await stop()`."""

    def __init__(self, api: AiogramApi, channel: TelegramChannel, poll_timeout: int = 10) -> None:
        self._api = api
        self._channel = channel
        self._poll_timeout = poll_timeout
        self.dispatcher = Dispatcher(disable_fsm=True)
        self.dispatcher.update.outer_middleware(self._to_channel)
        self._task: asyncio.Task[None] | None = None

    async def _to_channel(
        self, handler: Handler, event: TelegramObject, data: dict[str, Any]
    ) -> None:
        """Every update goes to the channel; aiogram's own handlers are never reached."""
        if isinstance(event, Update):
            update = event.model_dump(mode="json", exclude_none=True, by_alias=True)
            await self._channel.handle_or_apologise(update)

    async def start(self) -> None:
        """Register the commands (removing any webhook) and start polling in a task."""
        await self._channel.startup()
        self._task = asyncio.create_task(
            self.dispatcher.start_polling(
                self._api.bot,
                handle_signals=False,
                close_bot_session=False,
                polling_timeout=self._poll_timeout,
                allowed_updates=list(ALLOWED_UPDATES),
            )
        )

    async def stop(self) -> None:
        """Stop polling, wait for updates in progress, close the HTTP session."""
        task, self._task = self._task, None
        if task is not None:
            try:
                await self.dispatcher.stop_polling()
            except RuntimeError:  # polling had not started yet
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._api.close()
