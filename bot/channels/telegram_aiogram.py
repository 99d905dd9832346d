"""aiogram 3 as a thin transport: the Bot API client, and polling.

Polling calls aiogram's `Bot.get_updates` in the inbox's loop (telegram_polling): each batch
is recorded before its offset is confirmed. No Dispatcher, no FSM: the router keeps all state.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any

import aiohttp
from aiogram import Bot
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
    GetUpdates,
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
)

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
from bot.channels.telegram_wire import (
    read_json,
    request_body,
    result_of,
    send_text_params,
    sent_id,
)

HTML = "HTML"
# The error aiogram's session raises per HTTP status (0: any other), named as `ApiFailure.kind`.
ERROR_KINDS = {
    400: "TelegramBadRequest",
    401: "TelegramUnauthorizedError",
    403: "TelegramForbiddenError",
    404: "TelegramNotFound",
    409: "TelegramConflictError",
    413: "TelegramEntityTooLarge",
    500: "TelegramServerError",
    0: "TelegramAPIError",
}
CACHE_EMPTY_ANSWER = 300  # seconds Telegram may reuse the (empty) answer to an inline query
AiogramMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove

_JSON = {"Content-Type": "application/json"}  # post_json's body


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
        link = InlineKeyboardButton(text=markup.label, url=markup.url)
        return InlineKeyboardMarkup(inline_keyboard=[[link]])
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
    GetUpdates,
)


class AiogramApi:
    """TelegramApi over `aiogram.Bot`."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        # A runtime subscription of the generic model, which mypy can only read as a type
        # expression (and m.__returning__ is not a type alias); the result is Response's own
        # cached class, as aiogram builds it.
        self._response_types = [
            Response[m.__returning__]  # type: ignore[name-defined]
            for m in _METHODS_USED
        ]

    async def send_text(self, chat_id: int, html: str, reply_markup: ReplyMarkup | None) -> int:
        """sendMessage in HTML parse mode: the parameters as JSON (telegram_wire) posted with
        aiogram's own HTTP session (its pool and timeout), the answer read as it came; no
        method, markup or Message models built and validated."""
        if not isinstance(self.bot.session, AiohttpSession):  # the library's own call
            with _normalised():
                message = await self.bot.send_message(
                    chat_id, html, parse_mode=HTML, reply_markup=aiogram_markup(reply_markup)
                )
            return int(message.message_id)
        params = send_text_params(chat_id, html, reply_markup)
        status, read = await self.post_json("sendMessage", params)
        return sent_id(read, status, ERROR_KINDS)

    async def post_json(
        self, method: str, params: dict[str, Any], seconds: float | None = None
    ) -> tuple[int, dict[str, Any]]:
        """POST a Bot API method as JSON with aiogram's own HTTP session (its pool, and its
        timeout unless `seconds` is given); the HTTP status and the answer as it came."""
        session = self.bot.session
        assert isinstance(session, AiohttpSession)
        url = session.api.api_url(token=self.bot.token, method=method)
        total = aiohttp.ClientTimeout(total=float(session.timeout if seconds is None else seconds))
        try:
            client = await session.create_session()
            async with client.post(
                url, data=request_body(params), headers=_JSON, timeout=total
            ) as answer:
                status, body = answer.status, await answer.read()
            read = read_json(body)
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            raise ApiFailure("TelegramNetworkError") from exc
        return status, read if isinstance(read, dict) else {}

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
        """answerCallbackQuery: posted as JSON with aiogram's own session, as `send_text` is
        (no method or response models built for an answer that carries no result)."""
        if not isinstance(self.bot.session, AiohttpSession):  # the library's own call
            with _normalised():
                await self.bot.answer_callback_query(callback_id)
            return
        status, read = await self.post_json(
            "answerCallbackQuery", {"callback_query_id": callback_id}
        )
        result_of(read, status, ERROR_KINDS)

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


class AiogramPolling(InboxPolling):
    """Long polling through the inbox (telegram_polling), with aiogram's own getUpdates."""

    def __init__(
        self, app: Application, api: AiogramApi, channel: TelegramChannel, poll_timeout: int = 10
    ) -> None:
        self._api = api

        async def fetch(offset: int | None, timeout: int) -> list[dict[str, Any]]:  # noqa: ASYNC109
            if not isinstance(api.bot.session, AiohttpSession):  # the library's own call
                with _normalised():
                    updates = await api.bot.get_updates(
                        offset=offset,
                        timeout=timeout,
                        allowed_updates=list(ALLOWED_UPDATES),
                        request_timeout=timeout + 10,
                    )
                return [
                    u.model_dump(mode="json", exclude_none=True, by_alias=True) for u in updates
                ]
            # The updates as Telegram sent them (telegram_wire), no Update models built.
            params: dict[str, Any] = {"timeout": timeout, "allowed_updates": list(ALLOWED_UPDATES)}
            if offset is not None:
                params["offset"] = offset
            status, read = await api.post_json("getUpdates", params, timeout + 10)
            answered = result_of(read, status, ERROR_KINDS)
            if not isinstance(answered, list):
                return []
            return [u for u in answered if isinstance(u, dict)]

        super().__init__(app, channel, fetch, poll_timeout)

    async def stop(self) -> None:
        """As InboxPolling, then close the HTTP session."""
        try:
            await super().stop()
        finally:
            await self._api.close()
