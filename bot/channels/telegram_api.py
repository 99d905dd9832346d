"""What the Telegram channel needs of a Bot API client, and the errors it can tell apart.

Two implementations: `telegram_ptb.PtbApi` (python-telegram-bot) and
`telegram_aiogram.AiogramApi` (aiogram). Each turns its library's errors into these three.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from bot.channels.telegram_render import ReplyMarkup

# language code ("" for the default list) → (command, description) pairs
CommandsByLang = Mapping[str, Sequence[tuple[str, str]]]


class TelegramApiError(Exception):
    """A Bot API call failed."""


class ChatUnreachable(TelegramApiError):
    """The chat cannot be written to any more: bot blocked, chat not found, user deactivated."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RetryLater(TelegramApiError):
    """Flood control (429): try again after `seconds`."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds:g} s")
        self.seconds = seconds


class ApiFailure(TelegramApiError):
    """Any other failure (bad request, network, server); `kind` names the library's error."""

    def __init__(self, kind: str, status: int | None = None) -> None:
        super().__init__(f"{kind} ({status})" if status else kind)
        self.kind = kind
        self.status = status


def unreachable_reason(description: str) -> str | None:
    """The short reason a Bot API error description means the chat is gone, if it does."""
    text = description.lower()
    for needle, reason in (
        ("blocked", "blocked"),
        ("deactivated", "user deactivated"),
        ("chat not found", "chat not found"),
        ("user not found", "user not found"),
        ("kicked", "kicked"),
    ):
        if needle in text:
            return reason
    return None


class TelegramApi(Protocol):
    """The Bot API calls the channel makes; markup comes from telegram_render."""

    async def send_text(self, chat_id: int, html: str, reply_markup: ReplyMarkup | None) -> int:
        """sendMessage in HTML parse mode; returns the message's id."""
        ...

    async def edit_text(
        self, chat_id: int, message_id: int, html: str, reply_markup: ReplyMarkup | None
    ) -> None:
        """editMessageText of a message the bot sent (a message that updates in place)."""
        ...

    async def send_photo(
        self,
        chat_id: int,
        content: bytes,
        name: str,
        caption_html: str,
        reply_markup: ReplyMarkup | None,
    ) -> None:
        """sendPhoto, uploading `content`."""
        ...

    async def send_document(
        self,
        chat_id: int,
        content: bytes,
        name: str,
        caption_html: str,
        reply_markup: ReplyMarkup | None,
    ) -> None:
        """sendDocument, uploading `content`."""
        ...

    async def answer_callback(self, callback_id: str) -> None:
        """answerCallbackQuery, so that the pressed button stops spinning."""
        ...

    async def answer_inline_query(self, query_id: str) -> None:
        """answerInlineQuery with no results, so that the client stops waiting."""
        ...

    async def username(self) -> str:
        """The bot's username, from getMe (asked once), for links to its private chat."""
        ...

    async def file_bytes(self, file_id: str) -> bytes:
        """getFile, then download the file."""
        ...

    async def set_commands(self, commands_by_lang: CommandsByLang) -> None:
        """setMyCommands for each language ("" is the default list)."""
        ...

    async def set_webhook(self, url: str, secret: str) -> None:
        """setWebhook with the secret Telegram sends back in every delivery."""
        ...

    async def delete_webhook(self) -> None:
        """deleteWebhook (polling needs it gone)."""
        ...
