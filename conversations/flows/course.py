"""The global buttons of a citizen changing course (conversations.course_cards): they carry
the dossier, so they work from the card, from a push, or from an old message, in any state.
A confirmation is applied only by the flow that asked for it; pressed anywhere else (a second
tap, an old screen) it gets an answer saying what holds now."""

from __future__ import annotations

from typing import TypeVar

from conversations import course_cards, status_messages
from conversations.flow import Context, Turn
from conversations.flows import contact_change, rating, withdraw
from conversations.state import ChatState
from services.codec import CodecError, from_json
from services.ratings import RatingLevel

D = TypeVar("D")


async def pressed(ctx: Context, chat: ChatState, kind: str, dossier_id: str) -> Turn | None:
    """The turn of one of the course buttons, or None if `kind` is not one."""
    match kind:
        case course_cards.WITHDRAW:
            return await withdraw.start(ctx, dossier_id)
        case course_cards.WITHDRAW_CONFIRM:
            if chat.flow == withdraw.NAME and chat.state == withdraw.WithdrawState.AWAITING_CONFIRM:
                data = _data(chat, withdraw.WithdrawData)
                if data is not None:
                    return await withdraw.confirmed(ctx, data, dossier_id)
            return await withdraw.stale_confirm(ctx, dossier_id)
        case course_cards.ADDRESS | course_cards.PHONE:
            return await contact_change.start(ctx, dossier_id, kind == course_cards.ADDRESS)
        case course_cards.CONTACT_CONFIRM:
            awaiting = contact_change.ContactState.AWAITING_CONFIRM
            if chat.flow == contact_change.NAME and chat.state == awaiting:
                found = _data(chat, contact_change.ContactData)
                if found is not None:
                    return await contact_change.confirmed(ctx, found, dossier_id)
            return await contact_change.stale_confirm(ctx, dossier_id)
        case status_messages.RATE:
            return await rating.start(ctx, dossier_id)
    level = kind.removeprefix(course_cards.LEVEL_PREFIX)
    if kind.startswith(course_cards.LEVEL_PREFIX) and level in {str(int(v)) for v in RatingLevel}:
        return await rating.chosen(ctx, dossier_id, RatingLevel(int(level)))
    return None


def _data(chat: ChatState, data_type: type[D]) -> D | None:
    try:
        return from_json(data_type, chat.data)
    except CodecError:
        return None
