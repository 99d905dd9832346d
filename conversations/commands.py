"""Commands and buttons that work in every state: /start, /menu, /help, /cancel, /lang, …

`REGISTRY` declares every command once: its name and aliases, the main-menu button that
runs it too, whether Telegram's command menu and /help list it (the description is the
text "command.<name>"), and whether it is for admin chats only. `global_turn` dispatches
typed commands and menu buttons through it; `bot/channels/telegram_commands.py` and the
/help text read it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace

from conversations import (
    anywhere,
    broadcast_messages,
    course_cards,
    payloads,
    status_messages,
    talk_desk,
)
from conversations.flow import Context, Turn
from conversations.flows import (
    admin,
    admin_handover,
    broadcast,
    course,
    documents,
    dossiers,
    drafts,
    following,
    form,
    form_identity,
    home,
    human,
    human_desk,
    login,
    profile,
    search,
    stats,
    submission,
    supplement,
)
from conversations.messages import (
    Button,
    Incoming,
    IncomingKind,
    InLanguage,
    Lines,
    Outgoing,
    Text,
    btn,
    say,
)
from conversations.payloads import Verb
from conversations.state import ChatState
from conversations.texts import LANGUAGES

Reprompt = Callable[[Context, ChatState], Awaitable[Turn]]


def keep(chat: ChatState, *messages: Outgoing) -> Turn:
    """Say something without leaving the current state."""
    return Turn(chat.flow, chat.state, chat.data, messages)


def language_buttons(languages: Sequence[str] = LANGUAGES) -> tuple[tuple[Button, ...], ...]:
    """One button per language of the catalogue, each named in its own language ("lang.name"
    of its .po file): Tiếng Việt / English / …, three to a row."""
    buttons = [
        btn("raw", payloads.lang(code), text=InLanguage(code, Text("lang.name")))
        for code in languages
    ]
    return tuple(tuple(buttons[i : i + 3]) for i in range(0, len(buttons), 3))


@dataclass(frozen=True, slots=True)
class Invocation:
    """A command or menu button as its handler sees it: the context, the chat, what was
    typed after the command, and how to ask the current state's question again."""

    ctx: Context
    chat: ChatState
    argument: str
    reprompt: Reprompt

    async def again(self, *before: Outgoing) -> Turn:
        """The current state's question again, after `before`."""
        return (await self.reprompt(self.ctx, self.chat)).saying(*before)


@dataclass(frozen=True, slots=True)
class Command:
    """One command: `/name` (and `/alias`), or the menu button `m:<item>`, or both."""

    name: str  # typed as /name; "" for a menu button only
    run: Callable[[Invocation], Awaitable[Turn]]
    aliases: tuple[str, ...] = ()
    item: str = ""  # the main-menu button (payloads.menu(item)) that runs it too
    menu: bool = False  # listed in Telegram's command menu ("command.<name>" describes it)
    help: bool = False  # listed in /help, with the same description
    admin: bool = False  # officer and admin commands: refused outside admin chats


def _to(run: Callable[[Context], Awaitable[Turn]]) -> Callable[[Invocation], Awaitable[Turn]]:
    """A command that needs only the context."""
    return lambda call: run(call.ctx)


def _with_argument(
    run: Callable[[Context, str], Awaitable[Turn]],
) -> Callable[[Invocation], Awaitable[Turn]]:
    """A command that reads what was typed after it."""
    return lambda call: run(call.ctx, call.argument)


async def _now(turn: Turn) -> Turn:
    return turn


async def _help(call: Invocation) -> Turn:
    listed = [c for c in REGISTRY if c.help]
    lines = tuple(
        Text("help.command", {"name": c.name, "about": Text(f"command.{c.name}")}) for c in listed
    )
    help_ = say("common.help", commands=Lines(lines, " · "))
    return await call.again(
        help_, *admin.help_messages(call.ctx), *human_desk.help_messages(call.ctx)
    )


async def _cancel(call: Invocation) -> Turn:
    if call.chat.flow == human.NAME:  # ends the conversation with the officers
        return await human.end(call.ctx)
    if call.chat.flow == login.NAME:
        return login.cancel_typed(call.chat.data)
    if call.chat.flow == form.NAME:
        return home.show(say("form.cancelled_saved"))
    return home.show(say("common.cancelled"))


async def _languages(call: Invocation) -> Turn:
    return keep(call.chat, say("lang.choose", language_buttons()))


async def _logout(call: Invocation) -> Turn:
    if call.ctx.citizen is None:  # still ends the updates an idle logout kept
        return replace(home.show(say("login.not_logged_in")), logout=True)
    return profile.logout(call.ctx)


async def _status_here(call: Invocation) -> Turn:
    """A code typed as a message: the chat stays where it was."""
    found = await dossiers.lookup(call.ctx, call.argument)
    if not isinstance(found, Outgoing):
        return found
    chat = call.chat
    if chat.flow == dossiers.NAME and chat.state == dossiers.DossiersState.AWAITING_CODE:
        return home.show(found)  # the code asked for: looked up, done
    return await call.again(found)


async def _find(call: Invocation) -> Turn:
    """The search offered for a procedure's name typed elsewhere."""
    offer = call.chat.offer
    return await search.run_query(call.ctx, offer) if offer else await search.ask(call.ctx)


# Flows a login returns to, at the same step (the form also offers the registry's data).
_RESUMABLE = frozenset({form.NAME, submission.NAME, documents.NAME, search.NAME})


async def _login(call: Invocation) -> Turn:
    ctx, chat = call.ctx, call.chat
    if ctx.citizen is not None:
        already = say("login.already", name=ctx.citizen.person.full_name)
        if chat.flow in _RESUMABLE:  # typed in a form: she stays where she was
            return await call.again(already)
        return home.show(already)
    if chat.flow in _RESUMABLE:
        return await login.start(ctx, form_identity.resume_here(chat.flow, chat.state, chat.data))
    return await login.start(ctx)


def _officer(name: str, alias: str, run: Callable[[Context, str], Awaitable[Turn]]) -> Command:
    return Command(name, _with_argument(run), aliases=(alias,), admin=True)


# Telegram's menu lists the `menu=True` commands in this order.
REGISTRY: tuple[Command, ...] = (
    Command("start", lambda call: _now(home.show(say("common.welcome"))), menu=True, help=True),
    Command("menu", lambda call: _now(home.show()), item="home", menu=True, help=True),
    Command("help", _help, item="help", menu=True, help=True),
    Command("cancel", _cancel, menu=True, help=True),
    Command("lang", _languages, aliases=("language",), item="lang", menu=True, help=True),
    Command("login", _login, item="login", menu=True, help=True),
    Command("logout", _logout, menu=True),
    Command("profile", _to(profile.show), item="profile", menu=True),
    Command("mydossiers", _to(dossiers.show), ("dossiers",), "dossiers", menu=True, help=True),
    Command("status", _with_argument(dossiers.status), menu=True),
    Command("following", _to(following.following), aliases=("theodoi",), menu=True),
    Command(
        "canbo",
        _with_argument(human.start),
        aliases=("human", "gapcanbo"),
        item=human.NAME,
        menu=True,
        help=True,
    ),
    Command("documents", _to(dossiers.show_documents), item="documents", menu=True, help=True),
    Command("mydata", _to(profile.show_mydata), menu=True),
    Command("deletemydata", lambda call: _now(profile.confirm_erase()), menu=True),
    Command("resume", lambda call: call.reprompt(call.ctx, call.chat)),
    Command("follow", _with_argument(following.follow)),
    Command("end", _to(human.end), aliases=("ketthuc",)),
    # An officer chat's conversations with citizens (the flow refuses other chats itself).
    Command("hoidap", _with_argument(human_desk.listing), aliases=("talks",)),
    Command("unfollow", _with_argument(following.unfollow)),
    Command(anywhere.STATUS_HERE, _status_here),
    # Menu buttons only.
    Command("", _to(search.ask), item="search"),
    Command("", _to(search.browse), item="browse"),
    Command("", _to(drafts.show), item="drafts"),
    Command("", lambda call: _now(dossiers.ask_code()), item=anywhere.TRACK),
    Command("", _find, item=anywhere.FIND),
    # Officer and admin commands (Vietnamese names, English aliases): admin chats only.
    _officer("hoso", "dossier", admin.show),
    _officer("trangthai", "setstatus", admin.set_status),
    _officer("bosung", "asksupplement", admin.supplement),
    _officer("ketqua", "result", admin.result),
    _officer("quahan", "overdue", admin.overdue),
    _officer("boquahan", "ontime", admin.on_time),
    _officer("thongke", "stats", stats.show),
    _officer("thongbao", "broadcast", broadcast.start),
    _officer("huythongbao", "broadcast_cancel", broadcast.cancel_command),
    _officer("chuyenloi", "deadletters", admin_handover.dead_letters),
    _officer("guilai", "resend", admin_handover.resend_command),
)
COMMANDS = {n: c for c in REGISTRY for n in (c.name, *c.aliases) if n}
MENU_ITEMS = {c.item: c for c in REGISTRY if c.item}
TELEGRAM_MENU = tuple(c.name for c in REGISTRY if c.menu)


async def global_turn(
    ctx: Context, chat: ChatState, event: Incoming, reprompt: Reprompt
) -> Turn | None:
    """The turn for a global command or button, or None to let the current flow decide."""
    if event.kind is IncomingKind.COMMAND:
        return await command(ctx, chat, event.command, reprompt, event.text)
    action = payloads.parse(event.payload) if event.kind is IncomingKind.BUTTON else None
    if action is None:
        return None
    if action.verb is Verb.LANG and action.arg in LANGUAGES:
        turn = await reprompt(replace(ctx, lang=action.arg), chat)
        return replace(turn.saying(say("lang.changed")), lang=action.arg)
    if action.verb is Verb.MENU:
        return await menu_item(ctx, chat, action.arg, reprompt)
    if action.verb is Verb.PICK and action.args[0] == broadcast_messages.CANCEL:
        return keep(chat, *await broadcast.stop(ctx, action.args[1]))
    if action.verb is Verb.PICK and action.args[0] in course_cards.KINDS:
        return await course.pressed(ctx, chat, action.args[0], action.args[1])
    if action.verb is Verb.PICK:
        return await _dossier_button(ctx, action.args[0], action.args[1])
    return None


async def _dossier_button(ctx: Context, kind: str, dossier_id: str) -> Turn | None:
    """The buttons under a status push or reminder, pressed from any state."""
    match kind:
        case status_messages.OPEN:
            return await dossiers.open_mine(ctx, dossier_id)
        case status_messages.SUPPLEMENT:
            return await supplement.start(ctx, dossier_id)
        case status_messages.FOLLOW:
            return await following.follow(ctx, "", dossier_id)
        case status_messages.UNFOLLOW:
            return await following.unfollow(ctx, "", dossier_id)
    return await _talk_button(ctx, kind, dossier_id)


async def _talk_button(ctx: Context, kind: str, talk_id: str) -> Turn | None:
    """The buttons of a hand-over to a person (conversations.talk_desk), from any state."""
    match kind:
        case talk_desk.REPLY:
            return await human_desk.ask_answer(ctx, talk_id)
        case talk_desk.CLOSE:
            return await human_desk.close(ctx, talk_id)
        case talk_desk.WRITE:
            return await human.write_again(ctx, talk_id)
        case talk_desk.END:
            return await human.end_button(ctx, talk_id)
    return None


async def menu_item(ctx: Context, chat: ChatState, item: str, reprompt: Reprompt) -> Turn | None:
    """A main-menu button, pressed from any message."""
    entry = MENU_ITEMS.get(item)
    return await entry.run(Invocation(ctx, chat, "", reprompt)) if entry else None


async def command(
    ctx: Context, chat: ChatState, name: str, reprompt: Reprompt, argument: str = ""
) -> Turn:
    """A typed command; `argument` is what follows it ("/status H04.101-251125-0001")."""
    call = Invocation(ctx, chat, argument, reprompt)
    entry = COMMANDS.get(name)
    if entry is None:
        return await call.again(say("common.unknown_command"))
    if entry.admin and not ctx.is_admin:
        return await call.again(say("admin.refused"))
    return await entry.run(call)
