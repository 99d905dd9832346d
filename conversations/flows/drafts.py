"""Saved drafts ("Hồ sơ nháp"): list them, continue one, or delete it.

AWAITING_DRAFT ──pick──▶ DRAFT_CHOSEN ──continue──▶ the form flow
                                      ──delete────▶ AWAITING_DRAFT (list again)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from conversations import payloads
from conversations.cards import agency_text, procedure_name
from conversations.flow import Context, Flow, Turn
from conversations.flows import form, home
from conversations.messages import Day, Incoming, IncomingKind, Outgoing, Text, btn, main_btn, say
from conversations.payloads import Verb
from conversations.picker import list_buttons
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


async def _step_list(ctx: Context, data: DraftsData, event: Incoming) -> Turn | None:
    action = payloads.parse(event.payload) if event.kind is IncomingKind.BUTTON else None
    if action is None:
        return None
    if action.verb is Verb.PAGE and action.args[0] == DRAFTS and action.args[1].isdigit():
        return await show(ctx, int(action.args[1]))
    if action.verb is Verb.PICK and action.args[0] == DRAFTS:
        draft = await _own_draft(ctx, action.args[1])
        return await _chosen(ctx, draft) if draft else None
    return None


async def _own_draft(ctx: Context, draft_id: str) -> Draft | None:
    """A draft, only if it belongs to this chat or its citizen."""
    draft = await ctx.drafts.get(draft_id)
    return draft if draft is not None and _mine(ctx, draft) else None


def _mine(ctx: Context, draft: Draft) -> bool:
    """The citizen's draft, or an anonymous one of this chat: a draft of a citizen who logged
    out of this chat is not shown to a guest or to the next login (their data is in it)."""
    return belongs_to(ctx.address.key, ctx.citizen_id, draft.owner, draft.citizen_id)


async def _step_chosen(ctx: Context, data: DraftsData, event: Incoming) -> Turn | None:
    action = payloads.parse(event.payload) if event.kind is IncomingKind.BUTTON else None
    if action is None or action.verb is not Verb.DO:
        return None
    if action.arg == "back":
        return await show(ctx)
    draft = await _own_draft(ctx, data.draft_id)
    if draft is None:
        return (await show(ctx)).saying(say("form.draft_gone"))
    if action.arg == "continue":
        return await form.resume(ctx, draft)
    if action.arg == "delete":
        await ctx.drafts.delete(draft.id)
        return (await show(ctx)).saying(say("drafts.deleted"))
    return None


async def _prompt_list(ctx: Context, data: DraftsData) -> Turn:
    return await show(ctx, data.page)


async def _prompt_chosen(ctx: Context, data: DraftsData) -> Turn:
    draft = await _own_draft(ctx, data.draft_id)
    return await _chosen(ctx, draft) if draft else await show(ctx)


FLOW: Flow[DraftsData] = Flow(
    name=NAME,
    data_type=DraftsData,
    steps={DraftsState.AWAITING_DRAFT: _step_list, DraftsState.DRAFT_CHOSEN: _step_chosen},
    prompts={DraftsState.AWAITING_DRAFT: _prompt_list, DraftsState.DRAFT_CHOSEN: _prompt_chosen},
)
