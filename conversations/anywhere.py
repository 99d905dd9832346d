"""Understanding a typed message anywhere in the chat, before the current step sees it.

In every state but a free-text question (a form answer, a note, a filter: `Flow.answers`),
a typed message is read, in this order, as:

1. a dossier code ("H04.101-251125-0001", as citizens type it): its status, like /status,
   then the question of the state the chat was in (my own dossier opens its card);
2. the label of a button of the last reply, typed (any case, with or without diacritics, a
   small typo allowed): the button is pressed. The keyboard is kept in the chat state, so
   this works the same on every channel;
3. one of the words that work everywhere — "tra cứu", "hồ sơ của tôi", "hủy", "menu",
   "giúp", "gặp cán bộ" and "track", "my dossiers", "cancel", "help", "talk to a person" —
   as the matching command or menu item.

Only whole messages count. What none of these and the step itself understands, and looks
like a procedure's name, is offered as a search ("Tìm thủ tục «…»?" with one button), except
in states that read a typed value of their own (`Flow.typed`: an OTP, an ID number).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache

from conversations import payloads
from conversations.messages import Button, Incoming, IncomingKind, Outgoing, btn, say
from conversations.texts import LANGUAGES, TextCatalog
from services.catalog_index import Catalog
from services.dossier_codes import MAX_CODE_INPUT, parse_code
from services.spelling import edit_distance
from services.text_folding import fold

MAX_TYPED = 100  # longer messages are never a label or a word (labels are short)
MIN_OFFER = 3  # letters a procedure name needs before a search is offered
FIND = "find"  # the menu item of the offered search
STATUS_HERE = "status_here"  # a typed code: its status, then the state's question again
TRACK = "track"  # the menu item "Tra cứu hồ sơ": ask for a dossier code
_NOT_WORD = re.compile(r"[^0-9a-z]+")

# Folded whole messages → the command (or menu item, "m:…") they stand for.
WORDS: dict[str, str] = {
    **dict.fromkeys(("tra cuu", "tra cuu ho so", "track", "track dossier"), "m:" + TRACK),
    **dict.fromkeys(
        ("ho so cua toi", "ho so da nop", "my dossiers", "my dossier", "my applications"),
        "mydossiers",
    ),
    **dict.fromkeys(("huy", "huy bo", "cancel"), "cancel"),
    **dict.fromkeys(("menu", "main menu", "trang chu"), "menu"),
    **dict.fromkeys(("giup", "tro giup", "giup do", "help"), "help"),
    **dict.fromkeys(
        ("gap can bo", "can bo", "noi chuyen voi can bo", "talk to a person", "human"), "canbo"
    ),
}


def normalise(text: str) -> str:
    """Folded, with only letters and digits between single spaces: "❌ Hủy!" → "huy"."""
    return _NOT_WORD.sub(" ", fold(text)).strip()


def translate(text: str, keyboard: Sequence[Button]) -> Incoming | None:
    """What a typed message stands for (a command or a button press), or None."""
    if len(text) <= MAX_CODE_INPUT and parse_code(text) is not None:
        return Incoming(IncomingKind.COMMAND, text=text.strip(), command=STATUS_HERE)
    if len(text) > MAX_TYPED:
        return None
    typed = normalise(text)
    if not typed:
        return None
    pressed = press(typed, keyboard)
    if pressed is not None:
        return Incoming.button(pressed)
    meaning = WORDS.get(typed)
    if meaning is None:
        return None
    if meaning.startswith("m:"):
        return Incoming.button(payloads.menu(meaning[2:]))
    return Incoming(IncomingKind.COMMAND, command=meaning)


def press(typed: str, keyboard: Sequence[Button]) -> str | None:
    """The payload of the one button whose label `typed` (normalised) spells, exactly or
    with a small typo (one edit under ten letters, two from ten); None when none or several
    fit equally well."""
    limit = 0 if len(typed) < 4 else 1 if len(typed) < 10 else 2
    best: dict[str, int] = {}
    for button in keyboard:
        for label in _labels(button):
            if not label:
                continue
            distance = 0 if label == typed else edit_distance(typed, label, limit)
            if distance <= limit:
                best[button.payload] = min(distance, best.get(button.payload, limit + 1))
    if not best:
        return None
    closest = min(best.values())
    found = [payload for payload, distance in best.items() if distance == closest]
    return found[0] if len(found) == 1 else None


def _labels(button: Button) -> set[str]:
    texts = _catalog()
    return {normalise(texts.plain(button.label, lang)) for lang in LANGUAGES}


@cache
def _catalog() -> TextCatalog:
    return TextCatalog()


def keyboard_of(messages: Iterable[Outgoing]) -> tuple[Button, ...]:
    """Every button of a reply, once per payload (what is on screen after it)."""
    seen: dict[str, Button] = {}
    for message in messages:
        for row in message.buttons:
            for button in row:
                seen.setdefault(button.payload, button)
    return tuple(seen.values())


def search_offer(catalog: Catalog, text: str) -> tuple[str, Outgoing] | None:
    """(the query, "Tìm thủ tục «…»?" with a button) when `text` names a procedure."""
    query = " ".join(text.split())[:200]
    if sum(ch.isalpha() for ch in query) < MIN_OFFER or not catalog.search(query, 1):
        return None
    buttons = ((btn("anywhere.search_button", payloads.menu(FIND)),),)
    return query, say("anywhere.search_offer", buttons, query=query)
