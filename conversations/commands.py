"""Commands and buttons that work in every state: /start, /menu, /help, /cancel, /lang, …"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace

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
    submission,
    supplement,
)
from conversations.messages import (
    Button,
    Incoming,
    IncomingKind,
    InLanguage,
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
            help_ = (say("common.help"), *admin.help_messages(ctx), *human_desk.help_messages(ctx))
            return (await reprompt(ctx, chat)).saying(*help_)
        case "lang":
            return keep(chat, say("lang.choose", language_buttons()))
        case "profile":
            return await profile.show(ctx)
        case "login":
            return await _login(ctx, chat, reprompt)
        case "dossiers":
            return await dossiers.show(ctx)
        case "documents":
            return await dossiers.show_documents(ctx)
        case anywhere.TRACK:
            return dossiers.ask_code()
        case human.NAME:
            return await human.start(ctx)
        case anywhere.FIND:  # the search offered for a procedure's name typed elsewhere
            return await search.run_query(ctx, chat.offer) if chat.offer else await search.ask(ctx)
    return None


# Flows a login returns to, at the same step (the form also offers the registry's data).
_RESUMABLE = frozenset({form.NAME, submission.NAME, documents.NAME, search.NAME})


async def _login(ctx: Context, chat: ChatState, reprompt: Reprompt) -> Turn:
    if ctx.citizen is not None:
        already = say("login.already", name=ctx.citizen.person.full_name)
        if chat.flow in _RESUMABLE:  # typed in a form: she stays where she was
            return (await reprompt(ctx, chat)).saying(already)
        return home.show(already)
    if chat.flow in _RESUMABLE:
        return await login.start(ctx, form_identity.resume_here(chat.flow, chat.state, chat.data))
    return await login.start(ctx)


async def command(
    ctx: Context, chat: ChatState, name: str, reprompt: Reprompt, argument: str = ""
) -> Turn:
    """A typed command; `argument` is what follows it ("/status H04.101-251125-0001")."""
    match name:
        case "start":
            return home.show(say("common.welcome"))
        case "menu":
            return home.show()
        case "help":
            help_ = (say("common.help"), *admin.help_messages(ctx), *human_desk.help_messages(ctx))
            return (await reprompt(ctx, chat)).saying(*help_)
        case "canbo" | "human" | "gapcanbo":
            return await human.start(ctx, argument)
        case "end" | "ketthuc":
            return await human.end(ctx)
        case "hoidap" | "talks":
            return await human_desk.listing(ctx, argument)
        case "cancel":
            if chat.flow == human.NAME:
                return await human.end(ctx)
            if chat.flow == login.NAME:
                return login.cancel_typed(chat.data)
            if chat.flow == form.NAME:
                return home.show(say("form.cancelled_saved"))
            return home.show(say("common.cancelled"))
        case "lang" | "language":
            return keep(chat, say("lang.choose", language_buttons()))
        case "resume":
            return await reprompt(ctx, chat)
        case "login":
            return await _login(ctx, chat, reprompt)
        case "logout":
            if ctx.citizen is None:  # still ends the updates an idle logout kept
                return replace(home.show(say("login.not_logged_in")), logout=True)
            return profile.logout(ctx)
        case "profile":
            return await profile.show(ctx)
        case "mydata":
            return await profile.show_mydata(ctx)
        case "deletemydata":
            return profile.confirm_erase()
        case "status":
            return await dossiers.status(ctx, argument)
        case anywhere.STATUS_HERE:  # a code typed as a message: the chat stays where it was
            found = await dossiers.lookup(ctx, argument)
            if not isinstance(found, Outgoing):
                return found
            if chat.flow == dossiers.NAME and chat.state == dossiers.DossiersState.AWAITING_CODE:
                return home.show(found)  # the code asked for: looked up, done
            return (await reprompt(ctx, chat)).saying(found)
        case "mydossiers" | "dossiers":
            return await dossiers.show(ctx)
        case "documents":
            return await dossiers.show_documents(ctx)
        case "follow":
            return await following.follow(ctx, argument)
        case "unfollow":
            return await following.unfollow(ctx, argument)
        case "following" | "theodoi":
            return await following.following(ctx)
    if name in admin.COMMANDS:  # officer and admin commands: admin chats only
        if not ctx.is_admin:
            return (await reprompt(ctx, chat)).saying(say("admin.refused"))
        return await admin.COMMANDS[name](ctx, argument)
    return (await reprompt(ctx, chat)).saying(say("common.unknown_command"))
