"""Compaction: what one update says, in as few messages as the platforms allow.

A reply is often a few short texts and then a question with buttons ("Saved." + the next
form question; the welcome + the menu). Each message is a platform call, and Telegram
allows one message a second per chat: so consecutive plain texts (no buttons) are joined,
with the text that follows them (buttons, a share-phone request and all), into one message,
separated by a blank line. Never joined: images and documents, messages that update in
place (`replaces`), and a text that would make the joined message long.

"Long" cannot be measured here (the catalogue renders later, per language and platform):
the rule is a budget of parts, where a part whose parameters may hold a list or typed text
(a procedure card, a search result page, a review) counts as big. At most MAX_PARTS are
joined, and at most one of them big — real replies stay far below Telegram's 4096
characters (tests/unit/test_compaction.py renders them). A platform that still finds a
joined message too long renders its parts one by one (`parts`), as before compaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from conversations.messages import Lines, Outgoing, OutgoingKind, Text

JOINED = "common.joined"  # the joined message: "{parts}", the parts one blank line apart
SEPARATOR = "\n\n"
MAX_PARTS = 4


def compact(messages: Sequence[Outgoing]) -> tuple[Outgoing, ...]:
    """The messages with runs of joinable texts merged; order and content unchanged."""
    result: list[Outgoing] = []
    run: list[Outgoing] = []  # plain texts waiting for the message that ends them
    for message in messages:
        if not _joinable(message):
            result.extend(run)
            run = []
            result.append(message)
            continue
        run.append(message)
        if len(run) > 1 and not _fits(run):
            result.append(_join(run[:-1]))
            run = [message]
        if message.buttons or message.request_contact:  # a question ends the run
            result.append(_join(run))
            run = []
    if run:
        result.append(_join(run))
    return tuple(result)


def parts(message: Outgoing) -> tuple[Outgoing, ...]:
    """A joined message as the messages it was made of (any other message: itself)."""
    lines = message.text.params.get("parts") if message.text.key == JOINED else None
    if not isinstance(lines, Lines):
        return (message,)
    *plain, last = lines.items
    return (
        *(Outgoing(text) for text in plain),
        Outgoing(last, message.buttons, request_contact=message.request_contact),
    )


def _joinable(message: Outgoing) -> bool:
    return message.kind is OutgoingKind.TEXT and not message.media_ref and not message.replaces


def _fits(run: Sequence[Outgoing]) -> bool:
    """Whether a run may be one message: few parts, at most one of them big, and no
    question before its end."""
    if any(m.buttons or m.request_contact for m in run[:-1]):
        return False
    big = sum(1 for m in run if _big(m.text))
    return len(run) <= MAX_PARTS and big <= 1


def _big(text: Text) -> bool:
    """A text whose length depends on data: a list, typed text, or a nested such text."""
    for value in text.params.values():
        if isinstance(value, Lines):
            return True
        if isinstance(value, Text) and (value.key == "raw" or _big(value)):
            return True
        if isinstance(value, str) and len(value) > 200:
            return True
    return text.key == JOINED


def _join(run: Sequence[Outgoing]) -> Outgoing:
    if len(run) == 1:
        return run[0]
    last = run[-1]
    items = tuple(m.text for m in run)
    return Outgoing(
        Text(JOINED, {"parts": Lines(items, SEPARATOR)}),
        last.buttons,
        request_contact=last.request_contact,
    )
