"""The router: applies one update of one chat, atomically and exactly once.

For each update it takes the chat's lock, opens one unit of work, and within it loads the
chat state, returns the recorded replies if this update id was applied before, otherwise
runs global commands or the current flow's step, then saves the new state, the update id
and the replies together. A crash before commit leaves nothing half-saved.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from conversations import anywhere, commands, flood, state
from conversations.chat_locks import ChatLocks
from conversations.compaction import compact
from conversations.flow import Context, Flow, Settings, Turn
from conversations.flows import (
    admin,
    broadcast,
    contact_change,
    documents,
    dossiers,
    drafts,
    form,
    home,
    human,
    human_desk,
    login,
    menu,
    profile,
    rating,
    search,
    submission,
    supplement,
    withdraw,
)
from conversations.messages import ChatAddress, Incoming, IncomingKind, Outgoing, say
from conversations.state import ChatState
from services.catalog_index import Catalog
from services.citizens import Citizen, CitizenRegistry
from services.clock import Clock
from services.codec import CodecError, from_json, to_json
from services.documents import UploadStaging
from services.dossiers import PaymentSimulator
from services.drafts import DraftConflict
from services.inbox import APPLYING
from services.keyed_hash import KeyedHasher
from services.otp import OtpPolicy, OtpService, SmsSender
from services.outbox import Priority, Queued
from services.papers import PaperPrinter
from services.places import AddressConverter, Places
from services.ports import IdGenerator, Json, UnitOfWork, UnitOfWorkFactory

FLOWS: Mapping[str, Flow[Any]] = {
    flow.name: flow
    for flow in (
        menu.FLOW,
        search.FLOW,
        form.FLOW,
        drafts.FLOW,
        login.FLOW,
        profile.FLOW,
        documents.FLOW,
        submission.FLOW,
        dossiers.FLOW,
        supplement.FLOW,
        admin.FLOW,
        broadcast.FLOW,
        withdraw.FLOW,
        contact_change.FLOW,
        rating.FLOW,
        human.FLOW,
        human_desk.FLOW,
    )
}
MAX_TEXT = 4000
REPLY_EVENT = "reply:"  # outbox events of replies: reply:<update_id>:<n>
# A queued reply's message also carries the chat's language at queuing (a key no Outgoing
# field has, so decoding ignores it): its sender renders it without loading the chat state.
REPLY_LANG = "lang"
MAX_CHAINED = 3
ATTEMPTS = 3  # an update that met a concurrent change to its draft is applied again
_NOT_UNDERSTOOD = {
    IncomingKind.BUTTON: "common.stale_button",
    IncomingKind.UPLOAD: "common.unexpected_upload",
    IncomingKind.CONTACT: "common.unexpected_contact",
    IncomingKind.LOCATION: "common.unexpected_location",
    IncomingKind.EDIT: "chat.edit_not_applied",
}


@dataclass(frozen=True, slots=True)
class Reply:
    """What to send back for one update, and in which language to render it.

    `duplicate` marks an update applied before: its replies are the recorded ones. A channel
    whose platform redelivers (Telegram, Zalo webhooks) sends nothing again; the web chat,
    whose page retries after a lost response, shows them.
    """

    lang: str
    messages: tuple[Outgoing, ...]
    duplicate: bool = False


@dataclass(frozen=True, slots=True)
class Update:
    """One update to apply: which chat, its id on the platform, and what the user did.

    `source` is a stable origin the channel can name (the web client's address), used to cap
    login codes per origin; empty when the chat itself is the best origin there is.

    `deliver`: the reply's messages, compacted (conversations.compaction), are queued in the
    outbox in the update's own transaction, as `reply:<update_id>:<n>` with priority REPLY;
    the platform's paced sender delivers them. A redelivered update queues nothing again.
    """

    address: ChatAddress
    update_id: str
    incoming: Incoming
    source: str = ""
    deliver: bool = False  # queue the reply in the outbox (the channel sends nothing itself)
    said: Json | None = None  # what the chat showed of this message, kept for its history
    admin: bool = False  # the channel authenticated an admin for this update


SECRET_SHOWN = "••••••"  # a login code is never kept, in a history or anywhere


def _kept_said(said: Json | None, chat: ChatState) -> Json | None:
    """What the history keeps of the citizen's message: a login code is masked."""
    awaiting_code = chat.flow == login.NAME and chat.state == login.LoginState.AWAITING_CODE
    if not (awaiting_code and isinstance(said, dict)):
        return said
    text = said.get("text")
    if isinstance(text, str) and "".join(text.split()).isdigit():
        return {**said, "text": SECRET_SHOWN}
    return said


@dataclass(frozen=True)
class Identity:
    """What login needs: the population registry, SMS, the keyed hasher and the OTP rules."""

    registry: CitizenRegistry
    sms: SmsSender
    hasher: KeyedHasher
    addresses: AddressConverter
    policy: OtpPolicy = field(default_factory=OtpPolicy)
    sms_template: str = "DVC: ma xac thuc {code}, hieu luc {minutes} phut."


@dataclass(frozen=True)
class Filing:
    """What attaching documents and paying need: staged uploads, (demo) a bank, and the
    printer of the papers the citizen keeps."""

    uploads: UploadStaging
    simulator: PaymentSimulator | None = None
    papers: PaperPrinter | None = None


class Router:
    """Applies updates through the flows; one instance serves every platform."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        catalog: Catalog,
        places: Places,
        clock: Clock,
        ids: IdGenerator,
        identity: Identity,
        filing: Filing,
        settings: Settings | None = None,
        default_lang: str = "vi",
        flood_limits: flood.Limits | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._catalog = catalog
        self._places = places
        self._clock = clock
        self._ids = ids
        self._identity = identity
        self._filing = filing
        self._settings = settings or Settings()
        self._default_lang = default_lang
        self._flood = flood_limits
        self._locks = ChatLocks()

    async def handle(self, update: Update) -> Reply:
        """Apply `update` once; a redelivered update gets the replies recorded the first time.

        When another chat stored a change to the same draft while this update was applied
        (DraftConflict), nothing was written: the update is applied again, on the newer draft.
        """
        async with self._locks.hold(update.address.key):
            for _ in range(ATTEMPTS - 1):
                with contextlib.suppress(DraftConflict):
                    return await self._handle_once(update)
            return await self._handle_once(update)

    async def _handle_once(self, update: Update) -> Reply:
        key = update.address.key
        async with self._uow_factory() as uow:
            stored = await uow.conversations.load(key, update.update_id)
            chat = state.load(stored.state, self._default_lang)
            if stored.replies is not None:
                return Reply(chat.lang, _decode_replies(stored.replies), duplicate=True)
            said = _kept_said(update.said, chat)
            pace, held = flood.check(chat.pace, self._clock.now(), self._flood)
            if pace is not chat.pace:
                chat = replace(chat, pace=pace)
            if held is None:
                chat, messages = await self._apply(uow, update, chat)
            else:  # too fast: one warning, then nothing until the cooldown ends
                messages = list(held)
            await uow.conversations.save(key, state.dump(chat))
            replies = [to_json(m) for m in messages]
            await uow.conversations.record(
                key, update.update_id, replies, said=said, at=self._clock.now()
            )
            if update.deliver:
                await self._queue_reply(uow, update, messages, chat.lang, replies)
            applying = APPLYING.get()  # the inbox row this update came from, if any
            if applying is not None and applying.open:
                await uow.inbox.applied(applying.item_id, self._clock.now())
            else:
                applying = None
            await uow.commit()
            if applying is not None:
                applying.marked = True
        return Reply(chat.lang, tuple(messages))

    async def _queue_reply(
        self,
        uow: UnitOfWork,
        update: Update,
        messages: Sequence[Outgoing],
        lang: str,
        encoded: Sequence[Any],
    ) -> None:
        """Queue the compacted messages; `encoded` are `messages` as JSON, reused for the
        messages compaction leaves as they are (most of them: encoding one costs more than
        the statement that queues it)."""
        now = self._clock.now()
        known = {id(message): body for message, body in zip(messages, encoded, strict=True)}
        for n, message in enumerate(compact(messages)):
            event = f"{REPLY_EVENT}{update.update_id}:{n}"
            body = Queued(
                {**(known.get(id(message)) or to_json(message)), REPLY_LANG: lang}, message
            )
            await uow.outbox.enqueue(update.address.key, event, body, now, priority=Priority.REPLY)

    async def lang_of(self, address: ChatAddress, queued: Mapping[str, Any] | None = None) -> str:
        """The language a chat has chosen (for rendering messages sent outside a reply).

        `queued`: an outbox row's message; a reply's carries the language it was queued in
        (REPLY_LANG), which spares loading and decrypting the whole chat state."""
        lang = None if queued is None else queued.get(REPLY_LANG)
        if isinstance(lang, str) and lang:
            return lang
        async with self._uow_factory() as uow:
            stored = await uow.conversations.load(address.key, "")
        return state.load(stored.state, self._default_lang).lang

    def _context(
        self, uow: UnitOfWork, update: Update, chat: ChatState, citizen: Citizen | None
    ) -> Context:
        identity = self._identity
        otp = OtpService(
            uow.otp,
            identity.registry,
            identity.sms,
            identity.hasher,
            self._clock,
            self._ids,
            identity.policy,
            identity.sms_template,
        )
        return Context(
            address=update.address,
            lang=chat.lang,
            catalog=self._catalog,
            places=self._places,
            repos=uow,
            clock=self._clock,
            ids=self._ids,
            otp=otp,
            registry=identity.registry,
            addresses=identity.addresses,
            uploads=self._filing.uploads,
            simulator=self._filing.simulator,
            papers=self._filing.papers,
            settings=self._settings,
            citizen=citizen,
            source=update.source,
            admin_signed_in=update.admin,
        )

    async def _session(
        self, uow: UnitOfWork, address: ChatAddress, chat: ChatState
    ) -> tuple[ChatState, Citizen | None, tuple[Outgoing, ...]]:
        """The logged-in citizen, unless the session went idle too long (then log out)."""
        if chat.citizen_id is None:
            return chat, None, ()
        now = self._clock.now()
        idle = timedelta(minutes=self._settings.session_idle_minutes)
        seen = _parse_time(chat.seen_at)
        citizen = await uow.citizens.get(chat.citizen_id)
        if citizen is None or seen is None or now - seen > idle:
            # The chat keeps its citizen's status updates (without personal data): an idle
            # logout is not the citizen asking to stop them, and they are told so.
            await uow.citizens.unlink(address.key, keep_updates=citizen is not None)
            chat = replace(chat, citizen_id=None, seen_at="")
            notice: tuple[Outgoing, ...] = ()
            if citizen is not None:
                notice = (say("login.session_expired"), say("session.updates_kept"))
            return chat, None, notice
        return replace(chat, seen_at=now.isoformat()), citizen, ()

    async def _apply(
        self, uow: UnitOfWork, update: Update, chat: ChatState
    ) -> tuple[ChatState, list[Outgoing]]:
        chat, citizen, notices = await self._session(uow, update.address, chat)
        ctx = self._context(uow, update, chat, citizen)
        greeting: tuple[Outgoing, ...] = ()
        event = update.incoming
        if not chat.started:
            chat = replace(chat, started=True)
            if not (event.kind is IncomingKind.COMMAND and event.command == "start"):
                greeting = (say("common.welcome"),)
        event = self._understood(chat, event)
        turn = await commands.global_turn(ctx, chat, event, self._reprompt)
        if turn is None:
            turn = await self._flow_step(ctx, chat, event)
        messages = [*greeting, *notices]
        for chained in range(MAX_CHAINED + 1):
            messages.extend(turn.messages)
            chat = self._after(chat, turn)
            ctx = await self._refresh_context(ctx, uow, chat, turn)
            if chained == MAX_CHAINED:
                break
            if turn.then:  # carry on with the action a login interrupted
                turn = await self._flow_step(ctx, chat, Incoming.button(turn.then))
            elif turn.prompt:  # back in a state: ask its question again
                turn = replace(await self._reprompt(ctx, chat), prompt=False)
            else:
                break
        return replace(chat, keyboard=anywhere.keyboard_of(messages)), messages

    def _understood(self, chat: ChatState, event: Incoming) -> Incoming:
        """A typed code, button label or everyday word as what it stands for
        (conversations.anywhere); never in a state asking a free-text question."""
        if event.kind is not IncomingKind.TEXT:
            return event
        flow, _ = self._current(chat)
        if flow is not None and chat.state in flow.answers:
            return event
        return anywhere.translate(event.text, chat.keyboard) or event

    def _after(self, chat: ChatState, turn: Turn) -> ChatState:
        """The chat state once a turn is applied."""
        citizen_id, seen_at = chat.citizen_id, chat.seen_at
        if turn.login is not None:
            citizen_id, seen_at = turn.login, self._clock.now().isoformat()
        if turn.logout:
            citizen_id, seen_at = None, ""
        return replace(
            chat,
            lang=turn.lang or chat.lang,
            flow=turn.flow,
            state=turn.state,
            data=to_json(turn.data),
            offer=turn.offer,
            citizen_id=citizen_id,
            seen_at=seen_at,
        )

    async def _refresh_context(
        self, ctx: Context, uow: UnitOfWork, chat: ChatState, turn: Turn
    ) -> Context:
        """Keep the context in step with a login, logout or language switch."""
        if ctx.lang != chat.lang:
            ctx = replace(ctx, lang=chat.lang)
        if turn.logout:
            await uow.citizens.unlink(ctx.address.key)
            return replace(ctx, citizen=None)
        if turn.login is not None:
            return replace(ctx, citizen=await uow.citizens.get(turn.login))
        return ctx

    async def _flow_step(self, ctx: Context, chat: ChatState, event: Incoming) -> Turn:
        flow, data = self._current(chat)
        if flow is None:
            return home.show()
        if event.kind is IncomingKind.TEXT and len(event.text) > MAX_TEXT:
            turn = await flow.prompt(ctx, chat.state, data)
            return turn.saying(say("common.too_long", max=MAX_TEXT))
        stepped = await flow.step(ctx, chat.state, data, event)
        if stepped is not None:
            return stepped
        turn = await flow.prompt(ctx, chat.state, data)
        if event.kind is IncomingKind.TEXT and chat.state not in flow.answers | flow.typed:
            offer = anywhere.search_offer(ctx.catalog, event.text)
            if offer is not None:  # a procedure's name: offer to search for it
                query, message = offer
                return replace(turn.saying(message), offer=query)
        return turn.saying(say(_NOT_UNDERSTOOD.get(event.kind, "common.not_understood")))

    def _current(self, chat: ChatState) -> tuple[Flow[Any] | None, Any]:
        flow = FLOWS.get(chat.flow)
        if flow is None or chat.state not in flow.steps:
            return None, None
        try:
            return flow, from_json(flow.data_type, chat.data)
        except CodecError:
            return None, None

    async def _reprompt(self, ctx: Context, chat: ChatState) -> Turn:
        flow, data = self._current(chat)
        if flow is None:
            return home.show()
        return await flow.prompt(ctx, chat.state, data)


def _parse_time(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def _decode_replies(recorded: Sequence[Any]) -> tuple[Outgoing, ...]:
    messages: list[Outgoing] = []
    for item in recorded:
        with contextlib.suppress(CodecError):
            messages.append(from_json(Outgoing, item))
    return tuple(messages)
