"""A chat's dialogue state: typed, versioned and stored as JSON."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from conversations.flood import Pace
from conversations.messages import Button
from conversations.texts import LANGUAGES
from services.codec import CodecError, from_json, to_json

VERSION = 1


@dataclass(frozen=True, slots=True)
class ChatState:
    """Where one chat stands: language, flow, the state awaited and that flow's data."""

    lang: str = "vi"
    flow: str = "menu"
    state: str = "AWAITING_CHOICE"
    data: Mapping[str, Any] = field(default_factory=dict)
    citizen_id: str | None = None
    seen_at: str = ""  # ISO time of the last update while logged in (idle sessions expire)
    started: bool = False
    pace: Pace = field(default_factory=Pace)  # flood control (conversations.flood)
    keyboard: tuple[Button, ...] = ()  # the buttons of the last reply (typed labels press them)
    offer: str = ""  # the search offered by the last reply ("Tìm thủ tục «…»?")


def dump(state: ChatState) -> dict[str, Any]:
    """The JSON stored for a chat."""
    body: dict[str, Any] = to_json(state)
    body["v"] = VERSION
    return body


def load(raw: Mapping[str, Any] | None, default_lang: str) -> ChatState:
    """Read stored JSON; an unknown version or a damaged value starts afresh at the menu.

    The language and the citizen link survive a reset when they can be read.
    """
    if raw is None:
        return ChatState(lang=default_lang)
    if raw.get("v") == VERSION:
        # The decoder reads the fields it knows, "v" is not one: no copy without it.
        body = raw if type(raw) is dict else dict(raw)
        with contextlib.suppress(CodecError):
            return from_json(ChatState, body)
    lang = raw.get("lang") if raw.get("lang") in LANGUAGES else default_lang
    citizen = raw.get("citizen_id") if isinstance(raw.get("citizen_id"), str) else None
    return ChatState(lang=str(lang), citizen_id=citizen, started=True)
