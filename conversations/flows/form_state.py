"""The form engine's shared pieces: its states, its data, and loading the draft."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from conversations import payloads
from conversations.flow import Context, Turn
from conversations.flows import home
from conversations.messages import Button, btn, say
from services.answers import JsonValue
from services.catalog import FieldSpec, Procedure
from services.drafts import Draft

NAME = "form"


class FormState(StrEnum):
    """What the form awaits."""

    CONFIRMING_PREFILL = "CONFIRMING_PREFILL"
    AWAITING_ANSWER = "AWAITING_ANSWER"
    AWAITING_PROVINCE = "AWAITING_PROVINCE"
    AWAITING_WARD = "AWAITING_WARD"
    AWAITING_DETAIL = "AWAITING_DETAIL"
    REVIEWING = "REVIEWING"
    COMPLETED = "COMPLETED"


@dataclass(frozen=True, slots=True)
class FormData:
    """The draft being filled and where in it we are."""

    draft_id: str
    field: str = ""
    editing: bool = False  # answering from the summary: return there afterwards
    page: int = 0  # page of a long option or ward list
    province: str = ""  # address step: the chosen province
    ward: str = ""  # address step: the chosen ward
    query: str = ""  # address step: typed filter for provinces or wards
    seen: int = -1  # the draft's version as this chat last showed it (draft_sync)


async def load(ctx: Context, data: FormData) -> tuple[Procedure, Draft] | None:
    """The draft and its procedure, or None when the draft is gone."""
    draft = await ctx.drafts.get(data.draft_id)
    if draft is None:
        return None
    proc = ctx.catalog.procedure(draft.procedure_id)
    return (proc, draft) if proc else None


@dataclass(frozen=True, slots=True)
class Filling:
    """What a form step works on: the chat's context and data, the procedure and its draft."""

    ctx: Context
    data: FormData
    proc: Procedure
    draft: Draft


async def filling(ctx: Context, data: FormData) -> Filling | None:
    """The form step's call, or None when the draft is gone (the dialog then says so)."""
    loaded = await load(ctx, data)
    return Filling(ctx, data, *loaded) if loaded else None


def gone(ctx: Context | None = None, data: object = None) -> Turn:
    """Back to the menu: the draft was deleted (perhaps from another chat)."""
    return home.show(say("form.draft_gone"))


def nav_row(editing: bool) -> tuple[Button, ...]:
    """Back (or back to the summary when editing) and cancel."""
    return (
        btn("btn.back_to_review" if editing else "btn.back", payloads.do("back")),
        btn("btn.cancel", payloads.do("cancel")),
    )


async def save(ctx: Context, draft: Draft, spec: FieldSpec, value: JsonValue | None) -> Draft:
    """Store one answer in the draft (None clears it): that field only, on the draft as
    stored now, never an older copy of the answers (the repository compares versions)."""
    current = await ctx.drafts.get(draft.id) or draft
    updated = current.answer(spec.key, value, ctx.clock.now())
    await ctx.drafts.update(updated)
    return updated
