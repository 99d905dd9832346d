"""Compaction: what one update says, in as few messages as the platforms allow.

A reply is often a few short texts and then a question with buttons ("Saved." + the next
form question; the welcome + the menu). Each message is a platform call, and Telegram
allows one message a second per chat: so consecutive plain texts (no buttons) are joined,
with the text that follows them (buttons, a share-phone request and all), into one message,
separated by a blank line. Never joined: images and documents, and messages that update in
place (`replaces`).

How long a joined message gets cannot be known here (the catalogue renders later, per
language and platform), so the rule is left to the platforms: one that finds a joined
message too long for one message (Telegram: 4096 characters) sends its `parts` one by one,
exactly as before joining — a joined message never costs more sends than its parts.
"""

from __future__ import annotations

from collections.abc import Sequence

from conversations.messages import Lines, Outgoing, OutgoingKind, Text

JOINED = "common.joined"  # the joined message: "{parts}", the parts one blank line apart
SEPARATOR = "\n\n"


def compact(messages: Sequence[Outgoing]) -> tuple[Outgoing, ...]:
    """The messages with runs of joinable texts merged; order and content unchanged."""
    result: list[Outgoing] = []
    run: list[Outgoing] = []  # plain texts waiting for the message that ends them
    for message in messages:
        if not _joinable(message):
            if run:
                result.append(_join(run))
            run = []
            result.append(message)
            continue
        run.append(message)
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
        Outgoing(
            last, message.buttons, request_contact=message.request_contact, expects=message.expects
        ),
    )


def _joinable(message: Outgoing) -> bool:
    return message.kind is OutgoingKind.TEXT and not message.media_ref and not message.replaces


def _join(run: Sequence[Outgoing]) -> Outgoing:
    if len(run) == 1:
        return run[0]
    last = run[-1]
    items = tuple(m.text for m in run)
    return Outgoing(
        Text(JOINED, {"parts": Lines(items, SEPARATOR)}),
        last.buttons,
        request_contact=last.request_contact,
        expects=last.expects,
    )
