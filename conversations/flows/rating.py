"""Rating the service once the dossier's processing ended: one satisfaction level, then an
optional comment.

    (result push, or card "Đánh giá") ──▶ AWAITING_LEVEL: the four levels (global buttons)
        ──a level──▶ rating kept ──▶ AWAITING_COMMENT ──text──▶ comment kept, card
                                                     ──skip──▶ card

The level buttons carry the dossier and work from any state: a second tap, or a tap on a
dossier already rated, is answered with the rating given. When a rating is allowed:
services.dossier_course.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from conversations import payloads
from conversations.course_cards import LEVEL_PREFIX, level_text
from conversations.flow import Context, Flow, Turn
from conversations.flows import dossiers, home
from conversations.flows.course_access import owned, status_now
from conversations.messages import Incoming, IncomingKind, Outgoing, btn, say
from conversations.payloads import Verb
from services.dossier_course import CourseRefused, can_rate, comment, rate
from services.dossiers import Dossier
from services.ratings import MAX_COMMENT, RatingLevel

NAME = "rating"


class RatingState(StrEnum):
    """What the rating awaits."""

    AWAITING_LEVEL = "AWAITING_LEVEL"
    AWAITING_COMMENT = "AWAITING_COMMENT"


@dataclass(frozen=True, slots=True)
class RatingData:
    """The dossier rated."""

    dossier_id: str


def _prepend(turn: Turn, *messages: Outgoing) -> Turn:
    return replace(turn, messages=(*messages, *turn.messages))


async def _already(ctx: Context, dossier: Dossier) -> Turn | None:
    rating = await ctx.repos.ratings.get(dossier.id)
    if rating is None:
        return None
    said = say("course.rate_already", code=dossier.code, level=level_text(rating.level))
    return _prepend(await dossiers.open_mine(ctx, dossier.id) or home.show(), said)


async def start(ctx: Context, dossier_id: str) -> Turn:
    """The "rate the service" button (result push, card)."""
    found = await owned(ctx, dossier_id)
    if isinstance(found, Turn):
        return found
    if not can_rate(found):
        return home.show(status_now(found), say("course.rate_not_allowed"))
    already = await _already(ctx, found)
    if already is not None:
        return already
    return _ask_level(found)


def _ask_level(dossier: Dossier) -> Turn:
    rows = tuple(
        (btn("course.level", payloads.pick(f"{LEVEL_PREFIX}{int(level)}", dossier.id),
             level=level_text(level)),)
        for level in RatingLevel
    )  # fmt: skip
    text = say("course.rate_question", (*rows, (btn("btn.cancel", payloads.do("cancel")),)),
               code=dossier.code)  # fmt: skip
    return Turn(NAME, RatingState.AWAITING_LEVEL, RatingData(dossier.id), (text,))


async def chosen(ctx: Context, dossier_id: str, level: RatingLevel) -> Turn:
    """A level button, pressed from any state: keep the rating, ask for a comment."""
    found = await owned(ctx, dossier_id)
    if isinstance(found, Turn):
        return found
    try:
        await rate(ctx.repos, found, level, ctx.clock.now())
    except CourseRefused as refused:
        if refused.reason == "already_rated":
            return await _already(ctx, found) or home.show()
        return home.show(status_now(found), say("course.rate_not_allowed"))
    return _ask_comment(found, say("course.rate_thanks", level=level_text(level)))


def _ask_comment(dossier: Dossier, *notes: Outgoing) -> Turn:
    skip = ((btn("btn.skip", payloads.do("skip")),),)
    text = say("course.rate_comment", skip, max=MAX_COMMENT)
    return Turn(NAME, RatingState.AWAITING_COMMENT, RatingData(dossier.id), (*notes, text))


async def _step_level(ctx: Context, data: RatingData, event: Incoming) -> Turn | None:
    action = payloads.parse(event.payload) if event.kind is IncomingKind.BUTTON else None
    if action and action.verb is Verb.DO and action.arg == "cancel":
        return await dossiers.open_mine(ctx, data.dossier_id) or home.show()
    return None


async def _step_comment(ctx: Context, data: RatingData, event: Incoming) -> Turn | None:
    found = await owned(ctx, data.dossier_id)
    if isinstance(found, Turn):
        return found
    action = payloads.parse(event.payload) if event.kind is IncomingKind.BUTTON else None
    if action and action.verb is Verb.DO and action.arg == "skip":
        return await dossiers.open_mine(ctx, found.id) or home.show()
    if event.kind is not IncomingKind.TEXT:
        return None
    if len(" ".join(event.text.split())) > MAX_COMMENT:
        return _ask_comment(found, say("course.too_long", max=MAX_COMMENT))
    if not await comment(ctx.repos, found, event.text, ctx.clock.now()):
        return _ask_comment(found)
    card = await dossiers.open_mine(ctx, found.id) or home.show()
    return _prepend(card, say("course.rate_comment_kept"))


async def _prompt_level(ctx: Context, data: RatingData) -> Turn:
    return await start(ctx, data.dossier_id)


async def _prompt_comment(ctx: Context, data: RatingData) -> Turn:
    found = await owned(ctx, data.dossier_id)
    return found if isinstance(found, Turn) else _ask_comment(found)


FLOW: Flow[RatingData] = Flow(
    name=NAME,
    data_type=RatingData,
    steps={
        RatingState.AWAITING_LEVEL: _step_level,
        RatingState.AWAITING_COMMENT: _step_comment,
    },
    prompts={
        RatingState.AWAITING_LEVEL: _prompt_level,
        RatingState.AWAITING_COMMENT: _prompt_comment,
    },
    answers=frozenset({RatingState.AWAITING_COMMENT}),
)
