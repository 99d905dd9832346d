"""Render neutral messages as Zalo OA message bodies (FACTS §7.3). Pure: no I/O.

Zalo has no inline keyboards: buttons become a list template whose buttons are of type
`oa.query.hide`, so a press comes back as a user text "#<payload>". The text goes IN the list
(its last lines: the first as the element's title ≤ 100, the rest as its subtitle ≤ 500), so
a text with buttons costs one message; only what does not fit goes before it as text. A list
shows at most five buttons; longer menus show four and "➕ Xem thêm" ("#more"), and the rest
is kept for the channel to page through. A step's main action (a primary button: "Xác nhận tờ
khai") is always among the four shown first, never behind "Xem thêm". Text is plain (the
neutral markup is stripped), at most 2000 characters per message, split on line boundaries.
Images and documents are uploaded by the channel first (an image carries its text); the
renderer only says where they go.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeGuard

from conversations.messages import Outgoing, OutgoingKind, Text
from conversations.texts import TextCatalog

MAX_TEXT = 2000
MAX_BUTTONS = 5
MAX_TITLE = 100
MAX_SUBTITLE = 500
QUERY_PREFIX = "#"
MORE = "more"  # our payloads always hold a ":", so this can never clash with one
BUTTON_TYPE = "oa.query.hide"

# Zalo-only wording (the list header and the "more" button). Kept here until the catalogue
# gains zalo.* keys; Vietnamese first, English complete.
_WORDS = {
    "vi": {
        "more": "➕ Xem thêm",
        "choose": "👇 Lựa chọn",
        "hint": "Bấm một nút bên dưới, hoặc trả lời bằng tin nhắn.",
        "more_title": "➕ Thêm lựa chọn",
    },
    "en": {
        "more": "➕ More",
        "choose": "👇 Choices",
        "hint": "Tap a button below, or reply with a message.",
        "more_title": "➕ More choices",
    },
}


def word(name: str, lang: str) -> str:
    """One of the Zalo-only words in `lang` (Vietnamese when the language is unknown)."""
    return _WORDS.get(lang, _WORDS["vi"])[name]


@dataclass(frozen=True, slots=True)
class Choice:
    """A button as Zalo shows it: its label, and our payload (it comes back as "#" + payload)."""

    title: str
    payload: str
    primary: bool = False


@dataclass(frozen=True, slots=True)
class MediaPart:
    """An image or document the channel must upload, then send with `image_message` or
    `file_message`."""

    kind: OutgoingKind
    ref: str
    name: str
    caption: str = ""  # an image carries its text (Zalo's media message with `text`)


Part = dict[str, Any] | MediaPart


@dataclass(frozen=True, slots=True)
class Rendered:
    """The Zalo messages of one reply, in order, and the buttons kept back for "#more"."""

    parts: tuple[Part, ...]
    overflow: tuple[Choice, ...] = ()


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Chunks of at most `limit` characters, cut between lines (inside a line only when a
    single line is longer than the limit, then at a space when there is one)."""
    chunks: list[str] = []
    current = ""
    for line in text.strip().split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit + 1)
            cut = cut if cut > limit // 2 else limit
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:cut].rstrip())
            line = line[cut:].lstrip()
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
        else:
            chunks.append(current)
            current = line
    if current.strip():
        chunks.append(current)
    return [chunk for chunk in chunks if chunk.strip()]


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, with an ellipsis when cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def wire_payload(choice: Choice) -> str:
    """What the user's Zalo sends back, as text, when the button is pressed."""
    return QUERY_PREFIX + choice.payload


def text_message(text: str) -> dict[str, Any]:
    """A plain text message body."""
    return {"text": text}


def list_message(title: str, subtitle: str, choices: Sequence[Choice]) -> dict[str, Any]:
    """A list template: one header element and up to five query buttons."""
    if not 0 < len(choices) <= MAX_BUTTONS:
        raise ValueError(f"a list shows 1 to {MAX_BUTTONS} buttons, not {len(choices)}")
    subtitle = subtitle.strip()  # its lines kept: a status update reads line by line
    if len(subtitle) > MAX_SUBTITLE:
        subtitle = subtitle[: MAX_SUBTITLE - 1].rstrip() + "…"
    element = {"title": clip(title, MAX_TITLE), "subtitle": subtitle}
    buttons = [
        {"title": clip(c.title, MAX_TITLE), "type": BUTTON_TYPE, "payload": wire_payload(c)}
        for c in choices
    ]
    payload = {"template_type": "list", "elements": [element], "buttons": buttons}
    return {"attachment": {"type": "template", "payload": payload}}


def image_message(attachment_id: str, caption: str = "") -> dict[str, Any]:
    """An uploaded image (from /v2.0/oa/upload/image), with its caption as the message text."""
    element = {"media_type": "image", "attachment_id": attachment_id}
    payload = {"template_type": "media", "elements": [element]}
    body: dict[str, Any] = {"attachment": {"type": "template", "payload": payload}}
    if caption:
        body["text"] = caption
    return body


def file_message(token: str) -> dict[str, Any]:
    """An uploaded file (from /v2.0/oa/upload/file)."""
    return {"attachment": {"type": "file", "payload": {"token": token}}}


def page(choices: Sequence[Choice], lang: str) -> tuple[tuple[Choice, ...], tuple[Choice, ...]]:
    """(what one list shows, what is left): all when they fit, else four and "more". The
    primary buttons are among the four (then the first others, all in their order)."""
    if len(choices) <= MAX_BUTTONS:
        return tuple(choices), ()
    room = MAX_BUTTONS - 1
    primary = [i for i, c in enumerate(choices) if c.primary][:room]
    others = [i for i, c in enumerate(choices) if i not in primary][: room - len(primary)]
    first = sorted({*primary, *others})
    rest = tuple(c for i, c in enumerate(choices) if i not in first)
    return (*(choices[i] for i in first), Choice(word("more", lang), MORE)), rest


def more_page(rest: Sequence[Choice], lang: str) -> tuple[dict[str, Any], tuple[Choice, ...]]:
    """The list shown for "#more", and what is still left after it."""
    shown, left = page(rest, lang)
    return list_message(word("more_title", lang), word("hint", lang), shown), left


def choices_of(message: Outgoing, lang: str, texts: TextCatalog) -> list[Choice]:
    """The message's buttons, row after row, with plain labels."""
    return [
        Choice(texts.plain(b.label, lang), b.payload, b.primary)
        for row in message.buttons
        for b in row
    ]


def head_split(text: str) -> tuple[str, str, str] | None:
    """(text sent before, list title, list subtitle) so that the end of `text` heads the list
    itself: its first line as the title (≤ 100), the lines after as the subtitle (≤ 500).
    The largest tail of whole lines that fits is taken; None when not even one line fits."""
    lines = text.strip().split("\n")
    best: tuple[str, str, str] | None = None
    for start in range(len(lines) - 1, -1, -1):
        title, rest = lines[start].strip(), "\n".join(lines[start + 1 :]).strip()
        before = "\n".join(lines[:start]).strip()
        if len(rest) > MAX_SUBTITLE:
            break
        if title and len(title) <= MAX_TITLE:
            best = (before, title, rest)
        elif not rest and len(title) <= MAX_SUBTITLE:  # one long line: all of it the subtitle
            best = (before, "", title)
        elif len(f"{title}\n{rest}".strip()) > MAX_SUBTITLE:
            break
    return best


def render_plain(
    text: str, choices: Sequence[Choice], lang: str, media: MediaPart | None = None
) -> Rendered:
    """Plain text with its buttons (and media) as the fewest Zalo messages: text with buttons
    is ONE list message (the text's last lines head the list) when it fits; longer text goes
    before it in text messages. Media goes after its caption (an image carries it)."""
    text = text.strip()
    parts: list[Part] = []
    overflow: tuple[Choice, ...] = ()
    if not choices or media is not None:
        if media is not None and media.kind is OutgoingKind.IMAGE and len(text) <= MAX_TEXT:
            parts.append(replace(media, caption=text))
        else:
            parts.extend(text_message(chunk) for chunk in split_text(text))
            if media is not None:
                parts.append(media)
        if choices:
            shown, overflow = page(choices, lang)
            parts.append(list_message(word("choose", lang), word("hint", lang), shown))
        return Rendered(tuple(parts), overflow)
    chunks = split_text(text) if text else []
    last = chunks.pop() if chunks else ""
    split = head_split(last) if last else ("", "", "")
    if split is None:
        before, title, subtitle = last, "", ""
    else:
        before, title, subtitle = split
    parts.extend(text_message(chunk) for chunk in chunks)
    if before:
        parts.append(text_message(before))
    shown, overflow = page(choices, lang)
    parts.append(list_message(title or word("choose", lang), subtitle or word("hint", lang), shown))
    return Rendered(tuple(parts), overflow)


def render_message(message: Outgoing, lang: str, texts: TextCatalog) -> Rendered:
    """One neutral message as Zalo messages."""
    text = texts.plain(message.text, lang).strip()
    media = None
    if message.kind is not OutgoingKind.TEXT and message.media_ref:
        media = MediaPart(message.kind, message.media_ref, message.media_name)
    return render_plain(text, choices_of(message, lang, texts), lang, media)


def merged(messages: Sequence[Outgoing], lang: str, texts: TextCatalog) -> list[Outgoing]:
    """Texts without buttons joined to the message after them when it is a text (with or
    without buttons), so "welcome" + "menu" can go out as one list message."""
    out: list[Outgoing] = []
    for message in messages:
        previous = out[-1] if out else None
        if (
            previous is not None
            and _plain_text(previous)
            and message.kind is OutgoingKind.TEXT
            and not message.request_contact
        ):
            joined = f"{texts.plain(previous.text, lang)}\n\n{texts.plain(message.text, lang)}"
            out[-1] = Outgoing(Text("raw", {"text": joined}), message.buttons)
            continue
        out.append(message)
    return out


def render_reply(messages: Sequence[Outgoing], lang: str, texts: TextCatalog) -> Rendered:
    """A reply's messages as the fewest Zalo messages: texts joined to the next text (with its
    buttons), then adjacent plain texts joined when they fit in one (every message counts
    against the 8 replies Zalo allows per user message)."""
    parts: list[Part] = []
    overflow: tuple[Choice, ...] = ()
    for message in merged(messages, lang, texts):
        rendered = render_message(message, lang, texts)
        for part in rendered.parts:
            previous = parts[-1] if parts else None
            if _is_text(part) and _is_text(previous):
                joined = f"{previous['text']}\n\n{part['text']}"
                if len(joined) <= MAX_TEXT:
                    parts[-1] = text_message(joined)
                    continue
            parts.append(part)
        if rendered.overflow:
            overflow = rendered.overflow  # "#more" pages the last long menu of the reply
    return Rendered(tuple(parts), overflow)


def _plain_text(message: Outgoing) -> bool:
    return message.kind is OutgoingKind.TEXT and not message.buttons and not message.request_contact


def _is_text(part: Part | None) -> TypeGuard[dict[str, Any]]:
    return isinstance(part, dict) and set(part) == {"text"}
