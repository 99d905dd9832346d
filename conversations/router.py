"""The router: applies one update of one chat, atomically and exactly once.

For each update it takes the chat's lock, opens one unit of work, and within it loads the
chat state, returns the recorded replies if this update id was applied before, otherwise
runs global commands or the current flow's step, then saves the new state, the update id
and the replies together. A crash before commit leaves nothing half-saved.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from conversations import payloads, state
from conversations.chat_locks import ChatLocks
from conversations.flow import Context, Flow, Settings, Turn
from conversations.flows import drafts, form, home, menu, search
from conversations.messages import Button, ChatAddress, Incoming, IncomingKind, Outgoing, btn, say
from conversations.payloads import Verb
from conversations.state import ChatState
from conversations.texts import LANGUAGES
from services.catalog_index import Catalog
from services.clock import Clock
from services.codec import CodecError, from_json, to_json
from services.places import Places
from services.ports import IdGenerator, UnitOfWork, UnitOfWorkFactory

FLOWS: Mapping[str, Flow[Any]] = {
    flow.name: flow for flow in (menu.FLOW, search.FLOW, form.FLOW, drafts.FLOW)
}
_NOT_UNDERSTOOD = {
    IncomingKind.BUTTON: "common.stale_button",
    IncomingKind.UPLOAD: "common.unexpected_upload",
    IncomingKind.CONTACT: "common.unexpected_contact",
    IncomingKind.LOCATION: "common.unexpected_location",
}


@dataclass(frozen=True, slots=True)
class Reply:
    """What to send back for one update, and in which language to render it."""

    lang: str
    messages: tuple[Outgoing, ...]


@dataclass(frozen=True, slots=True)
class Update:
    """One update to apply: which chat, its id on the platform, and what the user did."""

    address: ChatAddress
    update_id: str
    incoming: Incoming


class Router:
    """Applies updates through the flows; one instance serves every platform."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        catalog: Catalog,
        places: Places,
        clock: Clock,
        ids: IdGenerator,
        settings: Settings | None = None,
        default_lang: str = "vi",
    ) -> None:
        self._uow_factory = uow_factory
        self._catalog = catalog
        self._places = places
        self._clock = clock
        self._ids = ids
        self._settings = settings or Settings()
        self._default_lang = default_lang
        self._locks = ChatLocks()

    async def handle(self, update: Update) -> Reply:
        """Apply `update` once; a redelivered update gets the replies recorded the first time."""
        key = update.address.key
        async with self._locks.hold(key), self._uow_factory() as uow:
            stored = await uow.conversations.load(key, update.update_id)
            chat = state.load(stored.state, self._default_lang)
            if stored.replies is not None:
                return Reply(chat.lang, _decode_replies(stored.replies))
            chat, messages = await self._apply(uow, update, chat)
            await uow.conversations.save(key, state.dump(chat))
            await uow.conversations.record(key, update.update_id, [to_json(m) for m in messages])
            await uow.commit()
        return Reply(chat.lang, tuple(messages))

    async def lang_of(self, address: ChatAddress) -> str:
        """The language a chat has chosen (for rendering messages sent outside a reply)."""
        async with self._uow_factory() as uow:
            stored = await uow.conversations.load(address.key, "")
        return state.load(stored.state, self._default_lang).lang

    def _context(self, uow: UnitOfWork, address: ChatAddress, chat: ChatState) -> Context:
        return Context(
            address=address,
            lang=chat.lang,
            catalog=self._catalog,
            places=self._places,
            drafts=uow.drafts,
            clock=self._clock,
            ids=self._ids,
            settings=self._settings,
            citizen_id=chat.citizen_id,
        )

    async def _apply(
        self, uow: UnitOfWork, update: Update, chat: ChatState
    ) -> tuple[ChatState, list[Outgoing]]:
        ctx = self._context(uow, update.address, chat)
        greeting: tuple[Outgoing, ...] = ()
        if not chat.started:
            chat = replace(chat, started=True)
            greeting = (say("common.welcome"),)
        event = update.incoming
        turn = await self._global(ctx, chat, event)
        if turn is None:
            turn = await self._flow_step(ctx, chat, event)
        messages = [*greeting, *turn.messages]
        if greeting and event.kind is IncomingKind.COMMAND and event.command == "start":
            messages = list(turn.messages)
        new_lang = turn.lang or chat.lang
        data = to_json(turn.data)
        return replace(chat, lang=new_lang, flow=turn.flow, state=turn.state, data=data), messages

    async def _flow_step(self, ctx: Context, chat: ChatState, event: Incoming) -> Turn:
        flow, data = self._current(chat)
        if flow is None:
            return home.show()
        if event.kind is IncomingKind.TEXT and len(event.text) > 4000:
            turn = await flow.prompt(ctx, chat.state, data)
            return turn.saying(say("common.too_long", max=4000))
        stepped = await flow.step(ctx, chat.state, data, event)
        if stepped is not None:
            return stepped
        turn = await flow.prompt(ctx, chat.state, data)
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

    async def _global(self, ctx: Context, chat: ChatState, event: Incoming) -> Turn | None:
        """Commands and menu/language buttons that work in every state."""
        if event.kind is IncomingKind.COMMAND:
            return await self._command(ctx, chat, event.command)
        action = payloads.parse(event.payload) if event.kind is IncomingKind.BUTTON else None
        if action is None:
            return None
        if action.verb is Verb.LANG and action.arg in LANGUAGES:
            ctx = replace(ctx, lang=action.arg)
            turn = await self._reprompt(ctx, chat)
            return replace(turn.saying(say("lang.changed")), lang=action.arg)
        if action.verb is Verb.MENU:
            return await self._menu_item(ctx, chat, action.arg)
        return None

    async def _menu_item(self, ctx: Context, chat: ChatState, item: str) -> Turn | None:
        match item:
            case "home":
                return home.show()
            case "search":
                return await search.ask(ctx)
            case "browse":
                return await search.browse(ctx)
            case "drafts":
                return await drafts.show(ctx)
            case "help":
                return (await self._reprompt(ctx, chat)).saying(say("common.help"))
            case "lang":
                return _keep(chat, say("lang.choose", _language_buttons()))
        return None

    async def _command(self, ctx: Context, chat: ChatState, command: str) -> Turn:
        match command:
            case "start":
                return home.show(say("common.welcome"))
            case "menu":
                return home.show()
            case "help":
                return (await self._reprompt(ctx, chat)).saying(say("common.help"))
            case "cancel":
                if chat.flow == form.NAME:
                    return home.show(say("form.cancelled_saved"))
                return home.show(say("common.cancelled"))
            case "lang" | "language":
                return _keep(chat, say("lang.choose", _language_buttons()))
            case "resume":
                return await self._reprompt(ctx, chat)
        return (await self._reprompt(ctx, chat)).saying(say("common.unknown_command"))


def _keep(chat: ChatState, *messages: Outgoing) -> Turn:
    """Say something without leaving the current state."""
    return Turn(chat.flow, chat.state, chat.data, messages)


def _language_buttons() -> tuple[tuple[Button, ...], ...]:
    return ((btn("lang.vi", payloads.lang("vi")), btn("lang.en", payloads.lang("en"))),)


def _decode_replies(recorded: Sequence[Any]) -> tuple[Outgoing, ...]:
    messages: list[Outgoing] = []
    for item in recorded:
        with contextlib.suppress(CodecError):
            messages.append(from_json(Outgoing, item))
    return tuple(messages)
