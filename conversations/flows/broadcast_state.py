"""What the broadcast screens share: their states, their data, and how a screen is shown."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from conversations.flow import Turn
from conversations.messages import Outgoing

NAME = "broadcast"


class BroadcastState(StrEnum):
    """What composing a broadcast awaits."""

    AWAITING_TEXT = "AWAITING_TEXT"
    AWAITING_IMAGE = "AWAITING_IMAGE"
    AWAITING_AUDIENCE = "AWAITING_AUDIENCE"
    AWAITING_WARD = "AWAITING_WARD"
    AWAITING_PROCEDURE = "AWAITING_PROCEDURE"
    AWAITING_PLATFORM = "AWAITING_PLATFORM"
    CONFIRMING = "CONFIRMING"


@dataclass(frozen=True, slots=True)
class BroadcastData:
    """The message composed so far, the audience, and the id chosen with the preview."""

    text: str = ""
    image_ref: str = ""  # file store reference of the photo, if any
    image_name: str = ""
    kind: str = ""  # services.broadcasts.AudienceKind value
    value: str = ""  # ward code, procedure id or platform
    query: str = ""  # what was typed to find a ward or a procedure
    results: tuple[str, ...] = ()  # ward codes or procedure ids found
    page: int = 0
    broadcast_id: str = ""


def ask(state: BroadcastState, data: BroadcastData, *messages: Outgoing) -> Turn:
    """Show a screen: these messages, now awaiting `state`."""
    return Turn(NAME, state, data, messages)
