"""Button payloads: typed, short (Telegram allows 64 bytes) and parsed in this one place."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

MAX_BYTES = 64
_ARG = re.compile(r"^[A-Za-z0-9_.\-]{1,40}$")


class Verb(StrEnum):
    """What a button asks for; each has a fixed number of arguments."""

    MENU = "m"  # m:<item>            a main-menu item
    LANG = "l"  # l:<lang>            switch language (a code of conversations.texts.LANGUAGES)
    PAGE = "pg"  # pg:<list>:<page>   another page of the list on screen
    PICK = "p"  # p:<list>:<id>       pick an item of a list
    DO = "d"  # d:<action>           an action of the current step (back, skip, confirm…)
    EDIT = "e"  # e:<field>           edit one answer from the summary
    OPTION = "o"  # o:<field>:<index>  choose an option of a select field
    YESNO = "y"  # y:<field>:<1|0>    answer a yes/no field


_ARITY = {
    Verb.MENU: 1,
    Verb.LANG: 1,
    Verb.PAGE: 2,
    Verb.PICK: 2,
    Verb.DO: 1,
    Verb.EDIT: 1,
    Verb.OPTION: 2,
    Verb.YESNO: 2,
}


class PayloadError(ValueError):
    """A payload we would refuse to send (too long or with unsafe characters)."""


@dataclass(frozen=True, slots=True)
class Action:
    """A parsed button payload."""

    verb: Verb
    args: tuple[str, ...]

    @property
    def arg(self) -> str:
        """The first argument."""
        return self.args[0]

    def encode(self) -> str:
        """The wire form, checked to fit every platform's limit."""
        if len(self.args) != _ARITY[self.verb] or not all(_ARG.match(a) for a in self.args):
            raise PayloadError(f"bad arguments for {self.verb.name}: {self.args!r}")
        text = ":".join((self.verb.value, *self.args))
        if len(text.encode()) > MAX_BYTES:
            raise PayloadError(f"payload over {MAX_BYTES} bytes: {text!r}")
        return text


def parse(payload: str) -> Action | None:
    """Parse a payload from any platform; None for anything we did not issue."""
    if not payload or len(payload.encode("utf-8", "replace")) > MAX_BYTES:
        return None
    head, *args = payload.split(":")
    try:
        verb = Verb(head)
    except ValueError:
        return None
    if len(args) != _ARITY[verb] or not all(_ARG.match(a) for a in args):
        return None
    return Action(verb, tuple(args))


def menu(item: str) -> str:
    """Payload of a main-menu button."""
    return Action(Verb.MENU, (item,)).encode()


def lang(code: str) -> str:
    """Payload of a language button."""
    return Action(Verb.LANG, (code,)).encode()


def page(list_id: str, number: int) -> str:
    """Payload of a page button."""
    return Action(Verb.PAGE, (list_id, str(number))).encode()


def pick(list_id: str, item_id: str) -> str:
    """Payload of a list item button."""
    return Action(Verb.PICK, (list_id, item_id)).encode()


def do(action: str) -> str:
    """Payload of a step action button (back, skip, confirm, …)."""
    return Action(Verb.DO, (action,)).encode()


def edit(field_key: str) -> str:
    """Payload of an edit button in the review summary."""
    return Action(Verb.EDIT, (field_key,)).encode()


def option(field_key: str, index: int) -> str:
    """Payload of a select option button."""
    return Action(Verb.OPTION, (field_key, str(index))).encode()


def yes_no(field_key: str, value: bool) -> str:
    """Payload of a yes/no button."""
    return Action(Verb.YESNO, (field_key, "1" if value else "0")).encode()
