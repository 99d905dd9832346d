"""The platforms' transports for the paced senders: one outbox row → one platform call,
its outcome in the terms of services.sending."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable

import httpx

from bot.bootstrap import Application
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_api import ApiFailure, ChatUnreachable, RetryLater, TelegramApi
from bot.channels.telegram_render import SendText, keyboard_after, render_outbox
from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_delivery import Outcome as ZaloOutcome
from bot.channels.zalo_updates import PushOutcome
from bot.settings import BotFramework
from conversations.compaction import JOINED, parts
from conversations.messages import ChatAddress, Outgoing, Platform
from conversations.router import REPLY_EVENT
from services.codec import CodecError, from_json
from services.outbox import OutboxItem, Priority
from services.sending import Delivery, Outcome, Transport

log = logging.getLogger(__name__)
CONTACT_KEYBOARD = "contact-keyboard"  # kept per chat: 1 while the share-phone keyboard shows


def _message(item: OutboxItem) -> Outgoing | None:
    source = getattr(item.message, "source", None)  # queued by this process (services.outbox)
    if isinstance(source, Outgoing):
        return source
    try:
        return from_json(Outgoing, item.message)
    except CodecError:
        log.error("outbox row %d holds a message this version cannot read", item.id)
        return None


def replied_msg(item: OutboxItem) -> str:
    """The user's Zalo message a reply row answers (its event is reply:<update id>:<n>, the
    update id being the msg_id, or msg_id:<item> for the files of one message); "" for a
    push, a follow's welcome, or when the id was too long and is kept hashed."""
    if not item.event.startswith(REPLY_EVENT):
        return ""
    update_id = item.event.removeprefix(REPLY_EVENT).rpartition(":")[0]
    if update_id.startswith(("h:", "follow:")):  # a follow (the welcome) answers no message
        return ""
    return update_id.partition(":")[0]


class ZaloTransport:
    """Sends outbox rows through the Zalo OA channel.

    An update (a status change, reminder, supplement request, receipt: any row that is not a
    reply and not a broadcast) goes as Zalo's transaction message, which spends neither the
    user's 8 replies nor needs the 48-hour window; when Zalo will not carry it, it is held
    and delivered when the user next writes — the row is then NOT_DELIVERABLE here, so the
    sender also gives it to the citizen's other chats. Replies and broadcasts go within the
    reply window, as consultation messages.
    """

    platform = "zalo"

    def __init__(self, app: Application, channel: ZaloChannel) -> None:
        self._app, self._channel = app, channel

    async def deliver(self, item: OutboxItem) -> Delivery:
        """One row, in the chat's language."""
        message = _message(item)
        if message is None:
            return Delivery(Outcome.REJECTED, error="unreadable message")
        user_id = item.recipient.partition(":")[2]
        lang = await self._app.router.lang_of(ChatAddress(Platform.ZALO, user_id), item.message)
        if is_update(item):
            pushed = await self._channel.push_update(
                user_id, item.event, message, item.message, lang
            )
            if pushed is PushOutcome.SENT:
                return Delivery(Outcome.SENT)
            if pushed is PushOutcome.FAILED:
                return Delivery(Outcome.TRANSIENT, error="zalo failed")
            return Delivery(Outcome.NOT_DELIVERABLE, error="zalo held until the user writes")
        # A joined reply (conversations.compaction) goes as its parts: Zalo's rendering joins
        # texts itself and shows a question's last lines as the title of its buttons.
        outcome = await self._channel.push_outcome(user_id, parts(message), lang, replied_msg(item))
        if outcome is ZaloOutcome.SENT:
            return Delivery(Outcome.SENT)
        if outcome is ZaloOutcome.FAILED:
            return Delivery(Outcome.TRANSIENT, error="zalo failed")
        return Delivery(Outcome.NOT_DELIVERABLE, error=f"zalo {outcome.value}")


def is_update(item: OutboxItem) -> bool:
    """Whether a row is an update nobody asked for (not a reply, not part of a broadcast)."""
    return item.batch is None and not item.event.startswith(REPLY_EVENT)


class TelegramTransport:
    """Sends through the Bot API (its own client; works in the scheduler role too).

    A message with `replaces` (a broadcast's live progress) is sent once and then edited:
    the id Telegram gave it is kept under the key `tg:<chat>:<hash of the key>`.
    """

    platform = "telegram"

    def __init__(self, app: Application, api: TelegramApi, close: Callable[[], Awaitable[None]]):
        self._app, self._api, self._close = app, api, close
        self._channel = TelegramChannel(app, api)
        self._keyboards: dict[str, bool] = {}  # chat → share-phone keyboard shown

    async def close(self) -> None:
        """Release the HTTP client."""
        await self._close()

    async def _kept_id(self, chat: str, key: str) -> tuple[str, int]:
        name = "tg:" + hashlib.sha256(f"{chat}|{key}".encode()).hexdigest()[:40]
        async with self._app.uow_factory() as uow:
            return name, await uow.cursors.get(name)

    async def _keep_id(self, name: str, message_id: int) -> None:
        async with self._app.uow_factory() as uow:
            await uow.cursors.set(name, message_id, self._app.clock.now())
            await uow.commit()

    async def deliver(self, item: OutboxItem) -> Delivery:
        """Render in the chat's language and send (or edit); the API's refusals mapped."""
        message = _message(item)
        if message is None:
            return Delivery(Outcome.REJECTED, error="unreadable message")
        chat_id = int(item.recipient.partition(":")[2])
        lang = await self._app.router.lang_of(
            ChatAddress(Platform.TELEGRAM, str(chat_id)), item.message
        )
        reply = item.priority is Priority.REPLY
        shown = reply and message.text.key == JOINED and await self._keyboard_shown(item.recipient)
        operations = render_outbox(message, lang, self._app.texts, reply, shown)
        done = item.progress  # parts delivered by an earlier attempt: never sent twice
        try:
            if message.replaces and len(operations) == 1 and isinstance(operations[0], SendText):
                await self._replace(chat_id, item.recipient, message.replaces, operations[0])
                return Delivery(Outcome.SENT)
            for op in operations[done:]:
                await self._channel.perform(chat_id, op, lang)
                done += 1
        except ChatUnreachable as refused:
            return Delivery(Outcome.BLOCKED, error=refused.reason, progress=done)
        except RetryLater as wait:  # the rest goes out once the wait is over
            return Delivery(Outcome.RATE_LIMITED, retry_after=wait.seconds, progress=done)
        except ApiFailure as failure:
            if failure.status == 400:
                return Delivery(
                    Outcome.REJECTED, error=f"bad request {failure.kind}", progress=done
                )
            return Delivery(Outcome.TRANSIENT, error=failure.kind, progress=done)
        except (httpx.HTTPError, OSError) as error:
            return Delivery(Outcome.TRANSIENT, error=type(error).__name__, progress=done)
        after = keyboard_after(operations)
        if after is not None and after != await self._keyboard_shown(item.recipient):
            await self._keep_keyboard(item.recipient, after)
        return Delivery(Outcome.SENT, progress=done)

    async def _keyboard_shown(self, chat: str) -> bool:
        """Whether the chat still shows the share-phone keyboard (kept in the database,
        remembered here: this transport is the only sender of its platform)."""
        if chat not in self._keyboards:
            if len(self._keyboards) > 10_000:
                self._keyboards.clear()
            self._keyboards[chat] = bool((await self._kept_id(chat, CONTACT_KEYBOARD))[1])
        return self._keyboards[chat]

    async def _keep_keyboard(self, chat: str, shown: bool) -> None:
        name, _ = await self._kept_id(chat, CONTACT_KEYBOARD)
        await self._keep_id(name, int(shown))
        self._keyboards[chat] = shown

    async def _replace(self, chat_id: int, chat: str, key: str, op: SendText) -> None:
        name, message_id = await self._kept_id(chat, key)
        if message_id:
            try:
                await self._api.edit_text(chat_id, message_id, op.html, op.reply_markup)
                return
            except ApiFailure as failure:  # deleted by the user, too old: send a new one
                if failure.status != 400:
                    raise
        await self._keep_id(name, await self._api.send_text(chat_id, op.html, op.reply_markup))


async def telegram_api(
    app: Application,
) -> tuple[TelegramApi, Callable[[], Awaitable[None]]] | None:
    """A Bot API client of the configured library, or None without a token."""
    settings = app.settings
    if settings.telegram_bot_token is None:
        return None
    token = settings.telegram_bot_token.get_secret_value()
    base = settings.telegram_api_base_url
    if settings.bot_framework is BotFramework.AIOGRAM:
        from bot.channels.telegram_aiogram import AiogramApi, aiogram_bot

        aiogram = AiogramApi(aiogram_bot(token, base))
        return aiogram, aiogram.close
    from bot.channels.telegram_ptb import PtbApi, ptb_bot

    bot = ptb_bot(token, base)
    await bot.initialize()

    async def close() -> None:
        await bot.shutdown()

    return PtbApi(bot), close


async def build_transports(app: Application) -> list[Transport]:
    """A transport for every platform configured (the web chat collects its own)."""
    transports: list[Transport] = []
    api = await telegram_api(app)
    if api is not None:
        transports.append(TelegramTransport(app, *api))
    if app.zalo is not None:
        transports.append(ZaloTransport(app, app.zalo))
    return transports
