"""Saved drafts ("Hồ sơ nháp"): list them, continue one, or delete it.

AWAITING_DRAFT ──pick──▶ DRAFT_CHOSEN ──continue──▶ the form flow
                                      ──delete────▶ AWAITING_DRAFT (list again)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

from conversations import payloads
from conversations.cards import agency_text, procedure_name
from conversations.flow import Context, Flow, Turn
from conversations.flows import form, home
from conversations.messages import Day, Outgoing, Text, btn, main_btn, say
from conversations.picker import list_buttons
from conversations.steps import Call, Window, plain
from conversations.widgets import Back, Do, Pager, Select
from services.drafts import Draft
from services.form_checks import expected_fields
from services.personal_data import belongs_to

NAME = "drafts"
DRAFTS = "dr"


class DraftsState(StrEnum):
    """What the drafts list awaits."""

    AWAITING_DRAFT = "AWAITING_DRAFT"
    DRAFT_CHOSEN = "DRAFT_CHOSEN"


@dataclass(frozen=True, slots=True)
class DraftsData:
    """The page of the list, or the draft chosen."""

    page: int = 0
    draft_id: str = ""


def _label(ctx: Context, draft: Draft) -> Text:
    proc = ctx.catalog.procedure(draft.procedure_id)
    answered = len(draft.answers)
    # The same count as the form's "question i of n": conditional questions still to come count.
    total = len(expected_fields(proc, draft.answers, draft.cursor)) if proc else answered
    return Text(
        "drafts.item",
        {
            "procedure": procedure_name(proc) if proc else draft.procedure_id,
            "answered": answered,
            "total": total,
            "day": Day(draft.updated_at),
        },
    )


async def show(ctx: Context, page: int = 0) -> Turn:
    """List the chat's (and its citizen's) open drafts."""
    drafts = [
        d for d in await ctx.drafts.list_for(ctx.address.key, ctx.citizen_id) if _mine(ctx, d)
    ]
    if not drafts:
        return home.show(say("drafts.none"))
    items = [(d.id, _label(ctx, d)) for d in drafts]
    rows, shown = list_buttons(DRAFTS, items, page, ctx.settings.page_size)
    text = Text(
        "drafts.list", {"count": len(drafts), "page": shown.number + 1, "pages": shown.count}
    )
    return Turn(
        NAME,
        DraftsState.AWAITING_DRAFT,
        DraftsData(page=shown.number),
        (Outgoing(text, (*rows, home.home_row())),),
    )


async def _chosen(ctx: Context, draft: Draft) -> Turn:
    agency = ctx.catalog.agencies.get(draft.agency_id)
    text = Text(
        "drafts.chosen",
        {
            "label": _label(ctx, draft),
            "agency": agency_text(agency) if agency else "",
        },
    )
    buttons = (
        (main_btn("drafts.continue", payloads.do("continue")),),
        (btn("drafts.delete", payloads.do("delete")),),
        (btn("btn.back", payloads.do("back")),),
    )
    return Turn(
        NAME, DraftsState.DRAFT_CHOSEN, DraftsData(draft_id=draft.id), (Outgoing(text, buttons),)
    )


async def _pick(c: Call[DraftsData], draft_id: str) -> Turn | None:
    draft = await _own_draft(c.ctx, draft_id)
    return await _chosen(c.ctx, draft) if draft else None


async def _own_draft(ctx: Context, draft_id: str) -> Draft | None:
    """A draft, only if it belongs to this chat or its citizen."""
    draft = await ctx.drafts.get(draft_id)
    return draft if draft is not None and _mine(ctx, draft) else None


def _mine(ctx: Context, draft: Draft) -> bool:
    """The citizen's draft, or an anonymous one of this chat: a draft of a citizen who logged
    out of this chat is not shown to a guest or to the next login (their data is in it)."""
    return belongs_to(ctx.address.key, ctx.citizen_id, draft.owner, draft.citizen_id)


def _on_draft(
    act: Callable[[Context, Draft], Awaitable[Turn]],
) -> Callable[[Call[DraftsData]], Awaitable[Turn]]:
    """A button of the chosen draft: the list again, saying so, if it is gone meanwhile."""

    async def pressed(c: Call[DraftsData]) -> Turn:
        draft = await _own_draft(c.ctx, c.data.draft_id)
        if draft is None:
            return (await show(c.ctx)).saying(say("form.draft_gone"))
        return await act(c.ctx, draft)

    return pressed


async def _delete(ctx: Context, draft: Draft) -> Turn:
    await ctx.drafts.delete(draft.id)
    return (await show(ctx)).saying(say("drafts.deleted"))


async def _prompt_chosen(c: Call[DraftsData]) -> Turn:
    draft = await _own_draft(c.ctx, c.data.draft_id)
    return await _chosen(c.ctx, draft) if draft else await show(c.ctx)


DIALOG = plain(
    {
        DraftsState.AWAITING_DRAFT: Window(
            lambda c: show(c.ctx, c.data.page),
            Pager(DRAFTS, lambda c, page: show(c.ctx, page)),
            Select(DRAFTS, _pick),
        ),
        DraftsState.DRAFT_CHOSEN: Window(
            _prompt_chosen,
            Back(lambda c: show(c.ctx)),
            Do("continue", _on_draft(form.resume)),
            Do("delete", _on_draft(_delete)),
        ),
    }
)
FLOW: Flow[DraftsData] = Flow(
    name=NAME, data_type=DraftsData, steps=DIALOG.steps, prompts=DIALOG.prompts
)
