"""Render neutral messages as Zalo OA message bodies (FACTS §7.3). Pure: no I/O.

Zalo has no inline keyboards: buttons become a list template whose buttons are of type
`oa.query.hide`, so a press comes back as a user text "#<payload>". A list shows at most five
buttons; longer menus show four and "➕ Xem thêm" ("#more"), and the rest is kept for the
channel to page through. Text is plain (the neutral markup is stripped), at most 2000
characters per message, split on line boundaries. Images and documents are uploaded by the
channel first; the renderer only says where they go.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from conversations.messages import Outgoing, OutgoingKind
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


@dataclass(frozen=True, slots=True)
class MediaPart:
    """An image or document the channel must upload, then send with `image_message` or
    `file_message`."""

    kind: OutgoingKind
    ref: str
    name: str


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
    element = {"title": clip(title, MAX_TITLE), "subtitle": clip(subtitle, MAX_SUBTITLE)}
    buttons = [
        {"title": clip(c.title, MAX_TITLE), "type": BUTTON_TYPE, "payload": wire_payload(c)}
        for c in choices
    ]
    payload = {"template_type": "list", "elements": [element], "buttons": buttons}
    return {"attachment": {"type": "template", "payload": payload}}


def image_message(attachment_id: str) -> dict[str, Any]:
    """An uploaded image (from /v2.0/oa/upload/image)."""
    element = {"media_type": "image", "attachment_id": attachment_id}
    payload = {"template_type": "media", "elements": [element]}
    return {"attachment": {"type": "template", "payload": payload}}


def file_message(token: str) -> dict[str, Any]:
    """An uploaded file (from /v2.0/oa/upload/file)."""
    return {"attachment": {"type": "file", "payload": {"token": token}}}


def page(choices: Sequence[Choice], lang: str) -> tuple[tuple[Choice, ...], tuple[Choice, ...]]:
    """(what one list shows, what is left): all when they fit, else four and "more"."""
    if len(choices) <= MAX_BUTTONS:
        return tuple(choices), ()
    shown = (*choices[: MAX_BUTTONS - 1], Choice(word("more", lang), MORE))
    return shown, tuple(choices[MAX_BUTTONS - 1 :])


def more_page(rest: Sequence[Choice], lang: str) -> tuple[dict[str, Any], tuple[Choice, ...]]:
    """The list shown for "#more", and what is still left after it."""
    shown, left = page(rest, lang)
    return list_message(word("more_title", lang), word("hint", lang), shown), left


def choices_of(message: Outgoing, lang: str, texts: TextCatalog) -> list[Choice]:
    """The message's buttons, row after row, with plain labels."""
    return [Choice(texts.plain(b.label, lang), b.payload) for row in message.buttons for b in row]


def render_message(message: Outgoing, lang: str, texts: TextCatalog) -> Rendered:
    """One neutral message as Zalo messages."""
    text = texts.plain(message.text, lang).strip()
    choices = choices_of(message, lang, texts)
    media = message.kind is not OutgoingKind.TEXT and bool(message.media_ref)
    parts: list[Part] = []
    overflow: tuple[Choice, ...] = ()
    # A short one-line question is the list's own header; anything longer goes before it.
    inline = bool(choices) and not media and "\n" not in text and 0 < len(text) <= MAX_TITLE
    if not inline:
        parts.extend(text_message(chunk) for chunk in split_text(text))
    if media:
        parts.append(MediaPart(message.kind, message.media_ref, message.media_name))
    if choices:
        shown, overflow = page(choices, lang)
        title = text if inline else word("choose", lang)
        parts.append(list_message(title, word("hint", lang), shown))
    return Rendered(tuple(parts), overflow)


def render_reply(messages: Sequence[Outgoing], lang: str, texts: TextCatalog) -> Rendered:
    """A reply's messages as Zalo messages; adjacent texts are joined when they fit in one
    (every message counts against the 8 replies Zalo allows per user message)."""
    parts: list[Part] = []
    overflow: tuple[Choice, ...] = ()
    for message in messages:
        rendered = render_message(message, lang, texts)
        for part in rendered.parts:
            previous = parts[-1] if parts else None
            if _is_text(part) and _is_text(previous):
                joined = f"{previous['text']}\n\n{part['text']}"  # type: ignore[index]
                if len(joined) <= MAX_TEXT:
                    parts[-1] = text_message(joined)
                    continue
            parts.append(part)
        if rendered.overflow:
            overflow = rendered.overflow  # "#more" pages the last long menu of the reply
    return Rendered(tuple(parts), overflow)


def _is_text(part: Part | None) -> bool:
    return isinstance(part, dict) and set(part) == {"text"}
