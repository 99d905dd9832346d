"""The messages of a broadcast: what recipients get, and the admin's live progress message
(built here, queued by the scheduler's broadcast tick through `services.broadcasts.advance`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conversations import payloads
from conversations.messages import Button, Outgoing, OutgoingKind, Text, btn, raw
from services.broadcasts import Broadcast, BroadcastState, Progress
from services.codec import to_json

CANCEL = "bx"  # global button: cancel a broadcast (pressed from any state)
MAX_TEXT = 1000
LIVE = (BroadcastState.QUEUING, BroadcastState.SENDING)
STATE_TEXTS = {
    BroadcastState.QUEUING: "broadcast.state_queuing",
    BroadcastState.SENDING: "broadcast.state_sending",
    BroadcastState.DONE: "broadcast.state_done",
    BroadcastState.CANCELLED: "broadcast.state_cancelled",
}


def state_text(state: BroadcastState) -> Text:
    """Queuing, sending, done or cancelled, in words."""
    return Text(STATE_TEXTS[state])


def broadcast_message(text: str, image_ref: str = "", image_name: str = "") -> Outgoing:
    """What every recipient gets: the admin's text under a heading, with the image if any."""
    body = Text("broadcast.message", {"text": raw(text)})
    if not image_ref:
        return Outgoing(body)
    name = image_name or "thong-bao.jpg"
    return Outgoing(body, kind=OutgoingKind.IMAGE, media_ref=image_ref, media_name=name)


def cancel_button(broadcast_id: str) -> Button:
    """The "cancel sending" button of a broadcast."""
    return btn("broadcast.cancel_button", payloads.pick(CANCEL, broadcast_id))


def progress_outgoing(broadcast: Broadcast, progress: Progress) -> Outgoing:
    """Sent, failed, blocked and remaining, with the state; it replaces its earlier versions,
    and offers cancelling while the broadcast is still going."""
    cancelled = (
        Text("broadcast.progress_cancelled", {"count": progress.cancelled})
        if progress.cancelled
        else ""
    )
    text = Text(
        "broadcast.progress",
        {
            "id": broadcast.id,
            "state": state_text(progress.state),
            "sent": progress.sent,
            "failed": progress.failed,
            "blocked": progress.blocked,
            "remaining": progress.remaining,
            "total": progress.total,
            "cancelled": cancelled,
        },
    )
    buttons = ((cancel_button(broadcast.id),),) if progress.state in LIVE else ()
    return Outgoing(text, buttons, replaces=f"broadcast-progress:{broadcast.id}")


def progress_message(broadcast: Broadcast, progress: Progress) -> Mapping[str, Any]:
    """`services.broadcasts.ProgressMessage`: the live progress message as JSON."""
    body: Mapping[str, Any] = to_json(progress_outgoing(broadcast, progress))
    return body
