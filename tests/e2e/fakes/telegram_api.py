"""FakeTelegram: a local Bot API server that the real PTB and aiogram clients talk to.

    async with FakeTelegram(token=TOKEN) as tg:
        # PTB:     Application.builder().token(TOKEN).base_url(tg.base_url)
        #                     .base_file_url(tg.base_file_url)
        # aiogram: AiohttpSession(api=TelegramAPIServer.from_base(tg.url))
        await tg.user_text(42, "/start")
        [reply] = await tg.wait_for(42, count=1)

Polling (getUpdates with offset/limit/timeout/allowed_updates) and webhook mode (setWebhook, then
every user action is POSTed to the bot with the secret header and retried on non-2xx) both work.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from aiohttp import web

from tests.e2e.fakes import telegram_users as users
from tests.e2e.fakes.changes import Changes
from tests.e2e.fakes.local_server import MAX_BODY, LocalServer
from tests.e2e.fakes.request_params import ParamError, Params, read_params
from tests.e2e.fakes.telegram_channel import Secret, UpdateChannel
from tests.e2e.fakes.telegram_delivery import Delivery, UpdateQueue
from tests.e2e.fakes.telegram_faults import Faults
from tests.e2e.fakes.telegram_methods import BLOCKABLE_METHODS, CHAT_METHODS, METHODS
from tests.e2e.fakes.telegram_state import (
    ApiError,
    CallbackAnswer,
    SentMessage,
    TelegramState,
    bad_request,
)

DEFAULT_TOKEN = "123456789:AAFakeTokenForTestsOnly_dvc-bot"


class FakeTelegram:
    """A fake Telegram Bot API server for one bot token, with a test-side API to play users."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "dvc_test_bot",
        webhook_retries: int = 2,
        retry_delay: float = 0.05,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token = token
        head = token.split(":", 1)[0]
        self.bot = {
            "id": int(head) if head.isdigit() else 123456789,
            "is_bot": True,
            "first_name": "DVC Test Bot",
            "username": bot_username,
        }
        self.state = TelegramState(self.bot)
        self.faults = Faults(clock)
        self.updates = UpdateChannel(webhook_retries, retry_delay, self._perform_reply)
        self.reply_errors: list[ApiError] = []
        # Downloads as a slow file server serves them: once `hold_downloads` is set (an Event
        # not yet set), each download sends its first bytes, then waits for the event.
        self.hold_downloads: asyncio.Event | None = None
        self.downloads_started = 0
        self._changes = Changes()
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_download)
        self._server = LocalServer(app)
        self._async_methods: dict[str, Callable[[Params], Awaitable[Any]]] = {
            "getme": self._get_me,
            "getupdates": self.updates.get_updates,
            "setwebhook": self.updates.set_webhook,
            "deletewebhook": self.updates.delete_webhook,
            "getwebhookinfo": self.updates.webhook_info,
        }

    # -- lifecycle and addresses -------------------------------------------------------------

    @property
    def url(self) -> str:
        """Server root, for aiogram's TelegramAPIServer.from_base()."""
        return self._server.url

    @property
    def base_url(self) -> str:
        """For PTB's ApplicationBuilder.base_url() (the token is appended by PTB)."""
        return f"{self._server.url}/bot"

    @property
    def base_file_url(self) -> str:
        """For PTB's ApplicationBuilder.base_file_url()."""
        return f"{self._server.url}/file/bot"

    async def start(self) -> FakeTelegram:
        """Listen on 127.0.0.1 at a free port."""
        await self._server.start()
        return self

    async def stop(self) -> None:
        """End long polls and background deliveries, then close the server."""
        await self.updates.close()
        await self._server.stop()

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # -- HTTP ----------------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").body(), status=401)
        try:
            params = await read_params(request)
            result = await self.call(request.match_info["method"], params)
        except ParamError as exc:
            return web.json_response(bad_request(str(exc)).body(), status=400)
        except ApiError as exc:
            return web.json_response(exc.body(), status=exc.status)
        return web.json_response({"ok": True, "result": result})

    async def _handle_download(self, request: web.Request) -> web.StreamResponse:
        stored = self.state.file_by_path(request.match_info["path"])
        if request.match_info["token"] != self.token or stored is None or stored.data is None:
            return web.json_response(ApiError(404, "Not Found").body(), status=404)
        hold = self.hold_downloads
        self.downloads_started += 1
        self._changes.notify()
        if hold is None:
            return web.Response(body=stored.data, content_type="application/octet-stream")
        response = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
        response.content_length = len(stored.data)
        await response.prepare(request)
        await response.write(stored.data[:65536])
        await hold.wait()
        await response.write(stored.data[65536:])
        await response.write_eof()
        return response

    async def call(self, method: str, params: Params) -> Any:
        """Perform one Bot API method as the server would (also used for webhook replies)."""
        name = method.lower()
        handler = self._async_methods.get(name)
        if handler is None and name not in METHODS:
            raise ApiError(404, "Not Found")
        self.state.calls.append((method, params.as_dict()))
        self._changes.notify()  # wait_until() may be waiting for this call to start
        if (planned := self.faults.planned(name)) is not None:
            raise planned
        chat_id = params.chat_id()
        if name in BLOCKABLE_METHODS and chat_id in self.faults.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if name in CHAT_METHODS and isinstance(chat_id, int):
            limited = self.faults.check_rate(chat_id)
            if limited is not None:
                raise limited
        result = await handler(params) if handler else METHODS[name](self.state, params)
        self._changes.notify()
        return result

    async def _perform_reply(self, reply: dict[str, Any]) -> None:
        """The Bot API performs a method call found in a webhook's answer, errors unseen."""
        method = str(reply.pop("method"))
        try:
            await self.call(method, Params(reply, {}))
        except (ApiError, ParamError) as exc:
            self.reply_errors.append(exc if isinstance(exc, ApiError) else bad_request(str(exc)))

    # -- updates, webhook ----------------------------------------------------------------------

    async def _get_me(self, params: Params) -> dict[str, Any]:
        return {
            **self.bot,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    @property
    def queue(self) -> UpdateQueue:
        """Updates waiting for getUpdates."""
        return self.updates.queue

    async def deliver(
        self,
        update: dict[str, Any],
        *,
        secret_token: str | Secret | None = Secret.CONFIGURED,
        retries: int | None = None,
    ) -> Delivery | None:
        """Queue (polling) or POST (webhook) an update; see UpdateChannel.deliver."""
        return await self.updates.deliver(update, secret_token=secret_token, retries=retries)

    async def redeliver(self, update: dict[str, Any]) -> Delivery:
        """POST an update the bot already got, as Telegram does after a timeout (webhook only)."""
        return await self.updates.redeliver(update)

    async def deliver_many(self, updates: list[dict[str, Any]]) -> list[Delivery | None]:
        """Deliver concurrently, at most max_connections at a time (webhook mode)."""
        return await self.updates.deliver_many(updates)

    @property
    def deliveries(self) -> list[Delivery]:
        """Every webhook delivery, with the status of each attempt."""
        return self.updates.webhook.deliveries

    # -- users (test side) ---------------------------------------------------------------------

    async def _from_user(self, kind: str, payload: dict[str, Any], deliver: bool) -> dict[str, Any]:
        update = self.updates.new_update(kind, payload)
        if deliver:
            await self.deliver(update)
        return update

    def register_chat(self, chat_id: int, user: dict[str, Any] | None = None) -> None:
        """A chat that has started the bot earlier, so the bot may write first."""
        self.state.chat(chat_id, users.make_user(chat_id, user))

    async def user_text(
        self, chat_id: int, text: str, *, user: dict[str, Any] | None = None, deliver: bool = True
    ) -> dict[str, Any]:
        """The user sends text ("/start" gets its bot_command entity). Returns the Update."""
        message = users.text_message(self.state, chat_id, text, users.make_user(chat_id, user))
        return await self._from_user("message", message, deliver)

    async def user_press(
        self,
        chat_id: int,
        message_id: int,
        callback_data: str,
        *,
        user: dict[str, Any] | None = None,
        strict: bool = True,
        deliver: bool = True,
    ) -> dict[str, Any]:
        """The user presses an inline button of a bot message (a callback_query Update)."""
        query = users.callback_query(
            self.state, chat_id, message_id, callback_data, users.make_user(chat_id, user), strict
        )
        return await self._from_user("callback_query", query, deliver)

    async def user_photo(
        self,
        chat_id: int,
        data: bytes,
        *,
        caption: str | None = None,
        file_size: int | None = None,
        user: dict[str, Any] | None = None,
        deliver: bool = True,
    ) -> dict[str, Any]:
        """The user sends a photo; getFile and the download URL serve `data`."""
        message = users.photo_message(
            self.state, chat_id, data, users.make_user(chat_id, user), caption, file_size
        )
        return await self._from_user("message", message, deliver)

    async def user_document(
        self,
        chat_id: int,
        data: bytes,
        file_name: str = "document.pdf",
        mime_type: str = "application/pdf",
        *,
        caption: str | None = None,
        file_size: int | None = None,
        user: dict[str, Any] | None = None,
        deliver: bool = True,
    ) -> dict[str, Any]:
        """The user sends a file. `file_size` declares a size (e.g. 25 MB) without the bytes."""
        message = users.document_message(
            self.state,
            chat_id,
            data,
            users.make_user(chat_id, user),
            file_name=file_name,
            mime_type=mime_type,
            caption=caption,
            file_size=file_size,
        )
        return await self._from_user("message", message, deliver)

    async def user_contact(
        self,
        chat_id: int,
        phone_number: str,
        user_id: int | Literal["self"] | None = "self",
        *,
        user: dict[str, Any] | None = None,
        deliver: bool = True,
    ) -> dict[str, Any]:
        """The user shares a contact: their own by default (contact.user_id = sender id).

        Pass another id for someone else's contact, or None for a contact not on Telegram.
        """
        sender = users.make_user(chat_id, user)
        contact_user = sender["id"] if isinstance(user_id, str) else user_id
        message = users.contact_message(self.state, chat_id, sender, phone_number, contact_user)
        return await self._from_user("message", message, deliver)

    # -- inspection ----------------------------------------------------------------------------

    def sent(self, chat_id: int | None = None) -> list[SentMessage]:
        """What the bot did in a chat (or in all chats), in order."""
        return [m for m in self.state.outbox if chat_id is None or m.chat_id == chat_id]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """A message as it is now (after edits), None once deleted."""
        return self.state.messages.get((chat_id, message_id))

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        """Every answerCallbackQuery, in order."""
        return self.state.callback_answers

    def chat_actions(self, chat_id: int) -> list[str]:
        """sendChatAction actions in a chat."""
        return [action for chat, action in self.state.chat_actions if chat == chat_id]

    def commands(self, language_code: str = "", scope: str = "default") -> list[dict[str, Any]]:
        """The command list setMyCommands set for this scope type and language."""
        return self.state.commands.get((scope, language_code), [])

    def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        """Parameters of every API call (of one method), in order."""
        return [p for m, p in self.state.calls if method is None or m.lower() == method.lower()]

    async def wait_until(
        self,
        condition: Callable[[], bool],
        timeout: float = 5.0,  # noqa: ASYNC109 - a test helper's deadline
    ) -> None:
        """Wait until `condition()` holds after some API call; AssertionError on timeout."""
        await self._changes.wait_until(condition, timeout, lambda: f"calls {self.state.calls}")

    async def wait_for(
        self,
        chat_id: int,
        count: int = 1,
        *,
        where: Callable[[SentMessage], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - a test helper's deadline
    ) -> list[SentMessage]:
        """Wait until the chat has `count` bot messages (matching `where`); return them."""

        def matching() -> list[SentMessage]:
            return [m for m in self.sent(chat_id) if where is None or where(m)]

        await self.wait_until(lambda: len(matching()) >= count, timeout)
        return matching()

    # -- faults --------------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int = 429,
        *,
        retry_after: int = 1,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """The next `times` calls of `method` fail (429 carries parameters.retry_after)."""
        self.faults.fail_next(
            method, status, retry_after=retry_after, times=times, description=description
        )

    def block_chat(self, chat_id: int) -> None:
        """The user blocked the bot: sends to the chat get 403."""
        self.faults.blocked.add(chat_id)

    def unblock_chat(self, chat_id: int) -> None:
        """The user unblocked the bot."""
        self.faults.blocked.discard(chat_id)

    def enforce_rate(self, global_per_s: float = 30, per_chat_per_s: float = 1) -> None:
        """Answer 429 with retry_after when the bot sends faster than this."""
        self.faults.enforce_rate(global_per_s, per_chat_per_s)
