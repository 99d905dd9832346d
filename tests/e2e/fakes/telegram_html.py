"""Telegram's HTML parse mode, checked the way the Bot API checks it.

The error texts follow tdlib's HTML entity parser (`MessageEntity.cpp`, `parse_html`), which the
Bot API puts after "Bad Request: can't parse entities: ". Only what a bot can get wrong is
modelled: unknown tags, unbalanced or crossed tags, unclosed tags; nesting limits between
entities are not checked.
"""

from __future__ import annotations

import html
import re

SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)
_PREFIX = "Bad Request: can't parse entities: "


class HtmlError(ValueError):
    """The text is not valid Telegram HTML; str() is the Bot API's description."""


def _offset(text: str, index: int) -> int:
    """tdlib reports UTF-8 byte offsets."""
    return len(text[:index].encode())


def _tag_end(text: str, start: int) -> int:
    """Index of the '>' closing the tag at `start`, skipping quoted attribute values."""
    quote = ""
    for i in range(start + 1, len(text)):
        char = text[i]
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == ">":
            return i
    raise HtmlError(f"{_PREFIX}Unclosed start tag at byte offset {_offset(text, start)}")


def check_html(text: str) -> str:
    """Validate `text`; return what the user sees (no tags, entities decoded) or raise."""
    open_tags: list[str] = []
    shown: list[str] = []
    i = 0
    while (tag := text.find("<", i)) != -1:
        shown.append(text[i:tag])
        i = tag
        end = _tag_end(text, i)
        body = text[i + 1 : end].strip()
        if body.startswith("/"):
            name = body[1:].strip().lower()
            if not open_tags:
                raise HtmlError(f"{_PREFIX}Unexpected end tag at byte offset {_offset(text, i)}")
            expected = open_tags.pop()
            if name != expected:
                raise HtmlError(
                    f"{_PREFIX}Unmatched end tag at byte offset {_offset(text, i)}, "
                    f'expected "</{expected}>", found "</{name}>"'
                )
        else:
            name = re.split(r"[\s/]", body, maxsplit=1)[0].lower() if body else ""
            if name not in SUPPORTED_TAGS:
                raise HtmlError(
                    f'{_PREFIX}Unsupported start tag "{name}" at byte offset {_offset(text, i)}'
                )
            if name == "span" and "tg-spoiler" not in body:
                raise HtmlError(
                    f'{_PREFIX}Tag "span" must have class "tg-spoiler" '
                    f"at byte offset {_offset(text, i)}"
                )
            open_tags.append(name)
        i = end + 1
    shown.append(text[i:])
    if open_tags:
        raise HtmlError(
            f'{_PREFIX}Can\'t find end tag corresponding to start tag "{open_tags[-1]}"'
        )
    return html.unescape("".join(shown))
