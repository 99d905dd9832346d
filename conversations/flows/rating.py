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
from conversations.flows.course_access import Owner, owned, owner, status_now
from conversations.messages import Outgoing, btn, say
from conversations.steps import Call, Dialog, Window, joined, plain, unreachable
from conversations.widgets import Cancel, Do, Typed
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


Rating = Owner[RatingData]


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


async def _comment(c: Rating, typed: str) -> Turn:
    if len(" ".join(typed.split())) > MAX_COMMENT:
        return _ask_comment(c.dossier, say("course.too_long", max=MAX_COMMENT))
    if not await comment(c.ctx.repos, c.dossier, typed, c.ctx.clock.now()):
        return _ask_comment(c.dossier)
    card = await dossiers.open_mine(c.ctx, c.dossier.id) or home.show()
    return _prepend(card, say("course.rate_comment_kept"))


async def _card(ctx: Context, dossier_id: str) -> Turn:
    return await dossiers.open_mine(ctx, dossier_id) or home.show()


# The level buttons are global (conversations.flows.course): the level's state loads
# nothing of its own; the comment's works on the owner's dossier.
LEVEL: Dialog[RatingData, Call[RatingData]] = plain(
    {
        RatingState.AWAITING_LEVEL: Window(
            lambda c: start(c.ctx, c.data.dossier_id),
            Cancel(lambda c: _card(c.ctx, c.data.dossier_id)),
        )
    }
)
COMMENT: Dialog[RatingData, Rating] = Dialog(
    owner,
    unreachable,
    {
        RatingState.AWAITING_COMMENT: Window(
            lambda c: _ask_comment(c.dossier),
            Do("skip", lambda c: _card(c.ctx, c.dossier.id)),
            Typed(_comment),
        )
    },
)
TABLES = joined(LEVEL, COMMENT)
FLOW: Flow[RatingData] = Flow(
    name=NAME,
    data_type=RatingData,
    steps=TABLES.steps,
    prompts=TABLES.prompts,
    answers=frozenset({RatingState.AWAITING_COMMENT}),
)
