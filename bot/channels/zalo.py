"""The Zalo OA channel: the webhook in, replies out, updates as transaction messages.

    POST /zalo/webhook ──verify (signature, time)──▶ 401, nothing done
                       ──recorded in the inbox (zalo_inbox)──▶ 200 at once; then, applied:
                       ──a msg_id applied before──▶ nothing sent again
                       ──message──▶ window reopened ▶ files fetched into staging (one Zalo
                                    will not give is answered: why, and what to send)
                                    ▶ router (records the msg_id with the replies) ▶ sent
                                    ▶ updates held while Zalo refused them (bot.channels.
                                      zalo_updates): the newest of each dossier, once
                       ──"#more"──▶ the next buttons of the last long menu
                       ──follow / unfollow──▶ recorded (follow: the welcome, if Zalo allows)

The answer is 200 once the event is recorded (5xx if it could not be: Zalo may retry); it is
applied after (zalo_inbox): a failure is retried, then the user is told something went wrong.
Messages are never logged, user ids only masked.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot.channels.zalo_api import DownloadFailed, ZaloApi, build_zalo_api
from bot.channels.zalo_db import ZaloUsers
from bot.channels.zalo_delivery import Outcome, ZaloSender, masked
from bot.channels.zalo_held import HeldStore
from bot.channels.zalo_inbound import (
    EventKind,
    Fetch,
    ZaloEvent,
    ZaloRejected,
    parse_event,
    verify,
)
from bot.channels.zalo_inbox import ZaloInbox
from bot.channels.zalo_updates import PushOutcome, ZaloUpdates
from bot.keys import storage_keys
from bot.settings import Settings
from conversations.chat_locks import ChatLocks
from conversations.messages import (
    ChatAddress,
    Incoming,
    IncomingKind,
    Outgoing,
    Platform,
    Text,
    Upload,
)
from conversations.router import Update
from services.files import MAX_FILE_BYTES, sanitise_name

if TYPE_CHECKING:
    from bot.bootstrap import Application

log = logging.getLogger(__name__)
MAX_BODY = 256 * 1024


def zalo_configured(settings: Settings) -> bool:
    """Whether the settings name an OA: app id, OA secret key (webhooks) and app secret."""
    return bool(settings.zalo_app_id and settings.zalo_oa_secret_key and settings.zalo_app_secret)


class ZaloChannel:
    """Turns Zalo webhook events into router updates and sends the replies."""

    def __init__(self, app: Application, api: ZaloApi, users: ZaloUsers | None = None) -> None:
        self._app = app
        self._api = api
        self._users = users or ZaloUsers(api.db, storage_keys(app.settings).cipher)
        self._sender = ZaloSender(api, self._users, app.texts, app.media, app.clock)
        held = HeldStore(api.db, storage_keys(app.settings).cipher)
        self.updates = ZaloUpdates(
            api, self._users, held, self._sender, app.texts, app.media, app.clock
        )
        secret = app.settings.zalo_oa_secret_key
        self._oa_secret = secret.get_secret_value() if secret is not None else ""
        self._app_id = app.settings.zalo_app_id
        self._locks = ChatLocks()
        self._inbox = ZaloInbox(app, self._apply_recorded, self._apologise_recorded)

    @property
    def users(self) -> ZaloUsers:
        """The users' windows, follows and pending menus."""
        return self._users

    async def close(self) -> None:
        """Stop applying events and release the API client."""
        await self._inbox.stop()
        await self._api.close()

    async def handle(
        self, raw_body: bytes, headers: Mapping[str, str]
    ) -> tuple[int, dict[str, Any]]:
        """One webhook POST: (HTTP status, JSON answer)."""
        if not (self._oa_secret and self._app_id):
            return 503, {"error": "not_configured"}
        if len(raw_body) > MAX_BODY:
            self._app.metrics.webhook_rejected("zalo", "too_large")
            return 413, {"error": "too_large"}
        try:
            raw = verify(raw_body, headers, self._app_id, self._oa_secret, self._app.clock.now())
            event = parse_event(raw)
        except ZaloRejected as rejected:
            log.warning("zalo event refused: %s", rejected.reason)
            self._app.metrics.webhook_rejected("zalo", rejected.reason)
            return (400 if rejected.reason == "malformed" else 401), {"error": rejected.reason}
        if event.kind is EventKind.IGNORED or event.address is None:
            return 200, {"ok": True, "result": "ignored"}
        try:
            fresh = await self._inbox.record(raw, event)
        except Exception:  # not recorded: Zalo may deliver it again
            log.exception("zalo %s from %s not recorded", event.name, masked(event.user_id))
            return 500, {"error": "failed"}
        return 200, {"ok": True, "result": "queued" if fresh else "duplicate"}

    async def start(self) -> None:
        """Apply the events a crashed run recorded but did not apply, then the new ones."""
        await self._inbox.start()

    async def drained(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109 - a deadline
        """Until every event answered so far is applied (tests: "inbox drained")."""
        await self._inbox.drained(timeout)

    async def _apply_recorded(self, raw: Mapping[str, Any]) -> None:
        """Apply one recorded event (the inbox's applier calls this; a failure is retried)."""
        event = parse_event(raw)
        assert event.address is not None
        async with self._locks.hold(event.address.key):
            await self._dispatch(event)

    async def _apologise_recorded(self, raw: Mapping[str, Any]) -> None:
        """The event failed for good: tell the user, once."""
        await self._apologise(parse_event(raw))

    async def push(self, user_id: str, outgoing: Outgoing | Sequence[Outgoing], lang: str) -> bool:
        """Send messages not asked for (status changes, reminders): False, with nothing sent,
        when Zalo's reply window does not allow it — the caller then records the message as
        not deliverable on Zalo (see `push_outcome` for why)."""
        return (await self.push_outcome(user_id, outgoing, lang)) is Outcome.SENT

    async def push_outcome(
        self,
        user_id: str,
        outgoing: Outgoing | Sequence[Outgoing],
        lang: str,
        reply_to: str = "",
    ) -> Outcome:
        """Like `push`, saying why a message could not go out; with `reply_to`, the messages
        answer that message of the user (a reply, queued by the router)."""
        messages = (outgoing,) if isinstance(outgoing, Outgoing) else tuple(outgoing)
        async with self._locks.hold(ChatAddress(Platform.ZALO, user_id).key):
            outcome = await self._sender.refusal(user_id)
            if outcome is Outcome.SENT:
                outcome = await self._sender.deliver(user_id, messages, lang, reply_to)
        if outcome is not Outcome.SENT:
            log.info("zalo push to %s not delivered: %s", masked(user_id), outcome.value)
        return outcome

    async def push_update(
        self, user_id: str, event: str, message: Outgoing, raw: Mapping[str, Any], lang: str
    ) -> PushOutcome:
        """An update nobody asked for (status, reminder, receipt): a transaction message, or
        held until the user writes when Zalo will not carry it (bot.channels.zalo_updates)."""
        async with self._locks.hold(ChatAddress(Platform.ZALO, user_id).key):
            return await self.updates.push(user_id, event, message, raw, lang)

    async def _dispatch(self, event: ZaloEvent) -> str:
        assert event.address is not None
        if event.kind is EventKind.UNFOLLOW:
            await self._users.set_following(event.user_id, False)
            return "unfollowed"
        if event.kind is EventKind.FOLLOW:
            await self._users.set_following(event.user_id, True)
            # Following opens no reply window: the welcome then comes with the first message.
            if await self._sender.refusal(event.user_id) is Outcome.SENT:
                await self._apply(event, 0, Incoming.from_text("/start"))
            return "followed"
        last = event.update_id(max(len(event.items) - 1, 0))
        if await self._applied(event.address, last):
            return "duplicate"
        if event.kind is EventKind.MORE:
            return await self._more(event)
        await self._users.touch(event.user_id, self._app.clock.now())
        for index, item in enumerate(event.items):
            incoming = await self._fetch(event, item) if isinstance(item, Fetch) else item
            if incoming is not None:
                await self._apply(event, index, incoming)
        lang = await self._app.router.lang_of(event.address)
        await self.updates.deliver_missed(event.user_id, _reply_to(event), lang)
        return "applied"

    async def _apply(self, event: ZaloEvent, index: int, incoming: Incoming) -> None:
        assert event.address is not None
        # The reply is queued with the update's changes; the paced sender delivers it as a
        # reply to the user's message (bot.senders.ZaloTransport). A redelivery queues nothing.
        update = Update(event.address, event.update_id(index), incoming, deliver=True)
        await self._app.router.handle(update)

    async def _more(self, event: ZaloEvent) -> str:
        menu = await self._users.menu(event.user_id)
        if event.msg_id in menu.seen:
            return "duplicate"
        await self._users.touch(event.user_id, self._app.clock.now())
        if not menu.choices:  # nothing left to page: ask the current question again
            await self._apply(event, 0, Incoming.from_text("/resume"))
            return "applied"
        assert event.address is not None
        lang = await self._app.router.lang_of(event.address)
        await self._sender.more(event.user_id, menu, event.msg_id, lang)
        return "more"

    async def _applied(self, address: ChatAddress, update_id: str) -> bool:
        """Whether the router recorded this update already (a replay: change nothing)."""
        async with self._app.uow_factory() as uow:
            stored = await uow.conversations.load(address.key, update_id)
        return stored.replies is not None

    async def _fetch(self, event: ZaloEvent, fetch: Fetch) -> Incoming | None:
        """Download an attachment into staging; over the limit it is refused unkept (the
        router answers a file too large or of the wrong type, in the step that asked for it).
        A file Zalo's CDN refuses or does not serve in time is answered at once with what went
        wrong and what to send (None: nothing for the router); so is every file while the
        disk is low."""
        if self._app.uploads_paused():
            await self._refuse_file(event, fetch.name, "upload.paused")
            return None
        try:
            download = await self._api.download(fetch.url, MAX_FILE_BYTES)
        except DownloadFailed as failed:
            log.info("zalo: attachment of %s not fetched: %s", masked(event.user_id), failed)
            why = "zalo.file_refused" if failed.reason == "refused" else "zalo.file_timeout"
            await self._refuse_file(event, fetch.name, why)
            return None
        mime = fetch.mime or download.mime
        ref = ""
        if download.complete and download.content:
            ref = await asyncio.to_thread(self._app.staging.stage, download.content)
        upload = Upload(ref=ref, name=fetch.name, size=download.size, mime=mime)
        return Incoming(IncomingKind.UPLOAD, upload=upload)

    async def _refuse_file(self, event: ZaloEvent, name: str, why: str) -> None:
        """Tell the user why their file was not taken, and what to send instead."""
        assert event.address is not None
        lang = await self._app.router.lang_of(event.address)
        notice = (Outgoing(Text(why, {"name": sanitise_name(name) if name else "—"})),)
        await self._sender.deliver(event.user_id, notice, lang, _reply_to(event))

    async def _apologise(self, event: ZaloEvent) -> None:
        """Best effort: tell the user this message could not be handled."""
        assert event.address is not None
        try:
            lang = await self._app.router.lang_of(event.address)
            sorry = (Outgoing(Text("common.error")),)
            await self._sender.deliver(event.user_id, sorry, lang, _reply_to(event))
        except Exception:
            log.warning("zalo: could not apologise to %s", masked(event.user_id), exc_info=True)


def _reply_to(event: ZaloEvent) -> str:
    """The user's message our messages answer ("" for a follow: there is none)."""
    return event.msg_id if event.kind in (EventKind.MESSAGE, EventKind.MORE) else ""


def zalo_webhook_router(channel: ZaloChannel) -> APIRouter:
    """`POST /zalo/webhook`: the raw body goes to the channel unparsed (it is signed)."""
    router = APIRouter()

    @router.post("/zalo/webhook", include_in_schema=False)
    async def webhook(request: Request) -> JSONResponse:
        body = bytearray()
        async for chunk in request.stream():
            body.extend(chunk)
            if len(body) > MAX_BODY:  # the channel refuses it (and counts the refusal)
                break
        status, answer = await channel.handle(bytes(body), dict(request.headers))
        return JSONResponse(answer, status)

    return router


def build_zalo_channel(
    app: Application, http: httpx.AsyncClient | None = None
) -> ZaloChannel | None:
    """The channel for a built application, or None when Zalo is not configured."""
    if not zalo_configured(app.settings):
        return None
    return ZaloChannel(app, build_zalo_api(app, http))
