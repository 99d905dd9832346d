"""Render neutral messages as Telegram send operations: HTML text, keyboards, photos, documents.

Pure: no library and no I/O. The catalogue's neutral markup (<b>, <i>, <code>, newlines, escaped
parameters) is Telegram HTML already; what is left is Telegram's limits (4096 characters a text,
1024 a caption, 64 bytes of callback data) and its keyboards.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from conversations.compaction import JOINED, parts
from conversations.messages import Outgoing, OutgoingKind, Text
from conversations.texts import TextCatalog

MAX_TEXT = 4096
MAX_CAPTION = 1024
SHORT_CAPTION = 200  # the caption of a media whose text is too long for one
MAX_CALLBACK_DATA = 64  # bytes


@dataclass(frozen=True, slots=True)
class InlineButton:
    """A button under a message; pressing it sends `callback_data` back."""

    text: str
    callback_data: str


@dataclass(frozen=True, slots=True)
class InlineKeyboard:
    """Rows of inline buttons."""

    rows: tuple[tuple[InlineButton, ...], ...]


@dataclass(frozen=True, slots=True)
class ContactKeyboard:
    """A one-time reply keyboard with one "share my phone number" button."""

    label: str


@dataclass(frozen=True, slots=True)
class RemoveKeyboard:
    """Take away the reply keyboard shown earlier."""


@dataclass(frozen=True, slots=True)
class LinkKeyboard:
    """One inline button that opens `url` (a group's link to the private chat)."""

    label: str
    url: str


ReplyMarkup = InlineKeyboard | ContactKeyboard | RemoveKeyboard | LinkKeyboard


@dataclass(frozen=True, slots=True)
class SendText:
    """sendMessage in HTML parse mode."""

    html: str
    reply_markup: ReplyMarkup | None = None


@dataclass(frozen=True, slots=True)
class SendMedia:
    """sendPhoto or sendDocument of the media a reference names (resolved when sending)."""

    kind: Literal["photo", "document"]
    media_ref: str
    name: str
    caption_html: str
    reply_markup: ReplyMarkup | None = None


Operation = SendText | SendMedia


def render_reply(
    messages: Sequence[Outgoing],
    lang: str,
    texts: TextCatalog,
    remove_reply_keyboard: bool = False,
) -> list[Operation]:
    """All the operations of one reply; with `remove_reply_keyboard`, the first operation that
    has no keyboard of its own also takes the reply keyboard away (when every operation has
    one, the keyboard stays: a one-time keyboard is hidden after use anyway)."""
    operations = [op for message in messages for op in render_message(message, lang, texts)]
    if remove_reply_keyboard:
        for index, op in enumerate(operations):
            if op.reply_markup is None:
                operations[index] = _with_markup(op, RemoveKeyboard())
                break
    return operations


def render_delivery(
    message: Outgoing, lang: str, texts: TextCatalog, reply: bool = False
) -> list[Operation]:
    """The operations of one outbox message. A joined message (conversations.compaction)
    that does not fit in one text goes out as its parts, as they were before joining. A
    `reply` takes away the reply keyboard shown before, unless it asks for the phone."""
    remove = reply and not message.request_contact
    operations = render_reply((message,), lang, texts, remove_reply_keyboard=remove)
    if message.text.key == JOINED and len(operations) > 1:
        operations = render_reply(parts(message), lang, texts, remove_reply_keyboard=remove)
    return operations


def render_outbox(
    message: Outgoing, lang: str, texts: TextCatalog, reply: bool, keyboard_shown: bool
) -> list[Operation]:
    """`render_delivery`, knowing whether the chat still shows the share-phone keyboard: a
    joined reply whose every part has buttons of its own then goes out as its parts, the first
    taking the keyboard away (a message cannot carry inline buttons and remove it)."""
    operations = render_delivery(message, lang, texts, reply)
    removes = any(isinstance(op.reply_markup, RemoveKeyboard) for op in operations)
    if reply and keyboard_shown and message.text.key == JOINED and not removes:
        return render_reply(parts(message), lang, texts, remove_reply_keyboard=True)
    return operations


def keyboard_after(operations: Sequence[Operation]) -> bool | None:
    """Whether the share-phone keyboard shows after these operations (None: unchanged)."""
    shown = None
    for op in operations:
        if isinstance(op.reply_markup, ContactKeyboard):
            shown = True
        elif isinstance(op.reply_markup, RemoveKeyboard):
            shown = False
    return shown


def render_message(message: Outgoing, lang: str, texts: TextCatalog) -> list[Operation]:
    """The operations that show one message."""
    body = texts.render(message.text, lang).strip()
    keyboard = inline_keyboard(message, lang, texts)
    if message.kind is OutgoingKind.TEXT or not message.media_ref:
        operations: list[Operation] = _texts(body, keyboard)
    else:
        operations = _media(message, body, keyboard)
    if message.request_contact:
        operations.extend(_share_phone(lang, texts, operations))
    return operations


def inline_keyboard(message: Outgoing, lang: str, texts: TextCatalog) -> InlineKeyboard | None:
    """The message's button rows as an inline keyboard (None without buttons)."""
    rows = tuple(
        tuple(InlineButton(texts.plain(b.label, lang), _callback_data(b.payload)) for b in row)
        for row in message.buttons
        if row
    )
    return InlineKeyboard(rows) if rows else None


def contact_keyboard(lang: str, texts: TextCatalog) -> ContactKeyboard:
    """The keyboard whose one button shares the sender's own phone number."""
    return ContactKeyboard(texts.plain(Text("login.share_phone"), lang))


def _callback_data(payload: str) -> str:
    size = len(payload.encode())
    if not 1 <= size <= MAX_CALLBACK_DATA:
        # Payloads are short by construction (conversations.payloads); this is a bug.
        raise ValueError(f"callback data of {size} bytes: {payload[:20]!r}…")
    return payload


def _texts(body: str, keyboard: InlineKeyboard | None) -> list[Operation]:
    chunks = split_html(body, MAX_TEXT)
    if not chunks:
        return [SendText("…", keyboard)] if keyboard else []
    operations: list[Operation] = [SendText(chunk) for chunk in chunks]
    operations[-1] = SendText(chunks[-1], keyboard)
    return operations


def _media(message: Outgoing, body: str, keyboard: InlineKeyboard | None) -> list[Operation]:
    kind: Literal["photo", "document"] = (
        "photo" if message.kind is OutgoingKind.IMAGE else "document"
    )
    name = message.media_name
    if visible_length(body) <= MAX_CAPTION:
        return [SendMedia(kind, message.media_ref, name, body, keyboard)]
    short = split_html(body, SHORT_CAPTION)[0] + " …"
    return [SendMedia(kind, message.media_ref, name, short), *_texts(body, keyboard)]


def _share_phone(lang: str, texts: TextCatalog, operations: list[Operation]) -> list[Operation]:
    """Put the share-phone keyboard on the message, or on a hint after it when it has buttons."""
    keyboard = contact_keyboard(lang, texts)
    last = operations[-1] if operations else None
    if last is not None and last.reply_markup is None:
        operations[-1] = _with_markup(last, keyboard)
        return []
    # A message cannot carry an inline keyboard and a reply keyboard at once: when the phone
    # question has inline buttons (back, cancel), the share button comes in a hint after it.
    hint = texts.render(Text("login.share_phone_hint", {"label": keyboard.label}), lang)
    return [SendText(hint, keyboard)]


def _with_markup(op: Operation, markup: ReplyMarkup) -> Operation:
    if isinstance(op, SendText):
        return SendText(op.html, markup)
    return SendMedia(op.kind, op.media_ref, op.name, op.caption_html, markup)


# -- splitting HTML ---------------------------------------------------------------------------

_ATOM = re.compile(r"<[^>]*>|&#?\w+;|\n|[ \t]+|[^<&\s]+|.", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True, slots=True)
class _Atom:
    text: str
    width: int  # visible UTF-16 code units (Telegram counts those)
    brk: bool = False  # a newline or a space: a place to cut, dropped when cut there


def _width(visible: str) -> int:
    return len(visible.encode("utf-16-le")) // 2


def _atoms(markup: str, limit: int) -> list[_Atom]:
    atoms: list[_Atom] = []
    for token in _ATOM.findall(markup):
        if token.startswith("<") and token.endswith(">") and len(token) > 1:
            atoms.append(_Atom(token, 0))
        elif token.startswith("&") and token.endswith(";") and len(token) > 2:
            atoms.append(_Atom(token, _width(html.unescape(token))))
        elif token == "\n" or token.isspace():
            atoms.append(_Atom(token, _width(token), brk=True))
        elif _width(token) > limit:  # a word longer than a whole message: cut it anywhere
            atoms.extend(_Atom(char, _width(char)) for char in token)
        else:
            atoms.append(_Atom(token, _width(token)))
    return atoms


def _open_tags(atoms: list[_Atom]) -> list[tuple[str, ...]]:
    """For each position (and the end), the start tags open before it."""
    stack: list[str] = []
    result: list[tuple[str, ...]] = []
    for atom in atoms:
        result.append(tuple(stack))
        if atom.width == 0 and atom.text.startswith("</"):
            if stack:
                stack.pop()
        elif atom.width == 0 and atom.text.startswith("<") and not atom.text.endswith("/>"):
            stack.append(atom.text)
    result.append(tuple(stack))
    return result


def _tag_name(start_tag: str) -> str:
    return re.split(r"[\s>/]", start_tag[1:], maxsplit=1)[0]


def split_html(markup: str, limit: int) -> list[str]:
    """Cut HTML into pieces of at most `limit` visible characters: at a line end if possible,
    else at a space, else anywhere between characters — never inside a tag or an entity. Tags
    open at a cut are closed at the end of the piece and opened again at the next."""
    if _width(markup) <= limit:  # fits as it is (tags and entities only shorten what shows)
        return _whole(markup)
    atoms = _atoms(markup, limit)
    opened = _open_tags(atoms)
    pieces: list[str] = []
    start = 0
    while start < len(atoms):
        end, resume = _cut(atoms, start, limit)
        head = "".join(opened[start])
        tail = "".join(f"</{_tag_name(tag)}>" for tag in reversed(opened[end]))
        body = "".join(atom.text for atom in atoms[start:end])
        if any(atom.width and not atom.brk for atom in atoms[start:end]):
            pieces.append((head + body + tail).strip())
        start = resume
    return pieces


def _whole(markup: str) -> list[str]:
    """What cutting gives for a text that fits in one piece, without tokenising it (most
    messages; tokenising cost more than the rest of rendering): the text with the tags left
    open closed, or nothing when it shows only spaces."""
    tags = _TAG.findall(markup)
    if not _TAG.sub("", markup).strip():
        return []
    stack: list[str] = []
    for tag in tags:
        if tag.startswith("</"):
            if stack:
                stack.pop()
        elif not tag.endswith("/>"):
            stack.append(tag)
    return [(markup + "".join(f"</{_tag_name(tag)}>" for tag in reversed(stack))).strip()]


def _cut(atoms: list[_Atom], start: int, limit: int) -> tuple[int, int]:
    """(end of this piece, start of the next) for the piece beginning at `start`."""
    width, last_line, last_space = 0, -1, -1
    for index in range(start, len(atoms)):
        atom = atoms[index]
        if width + atom.width > limit and index > start:
            cut = last_line if last_line > start else last_space if last_space > start else -1
            return (cut, cut + 1) if cut > start else (index, index)
        width += atom.width
        if atom.text == "\n":
            last_line = index
        elif atom.brk:
            last_space = index
    return len(atoms), len(atoms)


def visible_length(markup: str) -> int:
    """What Telegram counts against its limits: the text without tags, entities decoded."""
    return sum(atom.width for atom in _atoms(markup, MAX_TEXT))
