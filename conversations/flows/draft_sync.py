"""One draft, several chats: a chat notices when another chat changed or submitted its draft.

The data of the flows that act on a draft (form, submission) remembers the version of the
draft the chat last showed (`seen`). Before a step or a prompt acts, the guard compares it
with the stored draft, whose last change names the chat that made it:

    another chat changed it  ──▶ the action is NOT applied; "changed in another chat", then
                                 the draft's current position (its question, review, …)
    it became a dossier      ──▶ "already submitted as dossier CODE" with its status, or its
                                 payment screen while the fee is due; never a second dossier
    otherwise                ──▶ the step runs; its turn is stamped with the version of the
                                 draft as it will be stored

`seen == -1` (a chat state saved before this existed) skips the comparison once.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from typing import Any, TypeVar

from conversations.flow import Context, Flow, Prompt, Step, Turn
from conversations.flows import home
from conversations.messages import Incoming, say
from services.dossiers import Phase
from services.drafts import Draft, DraftStatus

D = TypeVar("D")
CHANGED = "sync.changed"


async def stamped(ctx: Context, turn: Turn) -> Turn:
    """The turn, its draft data marked with what the chat now shows of the draft."""
    data: Any = turn.data
    draft_id = getattr(data, "draft_id", "")
    if not draft_id or not hasattr(data, "seen"):
        return turn
    draft = await ctx.drafts.get(draft_id)
    if draft is None or data.seen == draft.version:
        return turn
    return replace(turn, data=replace(data, seen=draft.version))


async def intercept(ctx: Context, data: Any, changes: bool = True) -> Turn | None:
    """What to show instead of acting, when the draft was submitted (or, with `changes`,
    changed) from another chat since this chat showed it; None to go ahead."""
    draft_id = getattr(data, "draft_id", "")
    draft = await ctx.drafts.get(draft_id) if draft_id else None
    if draft is None:
        return None  # the step itself says the draft is gone
    if draft.status is DraftStatus.SUBMITTED:
        return await already_submitted(ctx, draft)
    seen = getattr(data, "seen", -1)
    elsewhere = draft.changed_by != ctx.address.key  # this chat's own changes are not news
    if changes and seen >= 0 and elsewhere and seen != draft.version:
        return await changed_elsewhere(ctx, draft)
    return None


async def changed_elsewhere(ctx: Context, draft: Draft) -> Turn:
    """Told, then shown where the draft stands now (not where this chat had left it)."""
    from conversations.flows import form  # the form imports this module

    return await form.resume(ctx, draft, note=CHANGED)


async def already_submitted(ctx: Context, draft: Draft) -> Turn:
    """The dossier the draft became: its code and status, or its payment while due."""
    from conversations.flows import dossiers, submission  # they import this module

    dossier = await ctx.repos.dossiers.get(draft.dossier_id) if draft.dossier_id else None
    if dossier is None:
        return home.show(say("form.draft_gone"))
    note = say("sync.submitted", code=dossier.code, status=dossiers.status_text(dossier))
    if dossier.phase is Phase.AWAITING_PAYMENT:
        return (await submission.show_payment(ctx, dossier)).saying(note)
    return home.show(note)


async def claimed_elsewhere(ctx: Context, draft_id: str) -> Turn:
    """After a refused claim: another chat submitted, changed or deleted the draft first."""
    current = await ctx.drafts.get(draft_id)
    if current is None:
        return home.show(say("form.draft_gone"))
    if current.status is DraftStatus.SUBMITTED:
        return await already_submitted(ctx, current)
    return await changed_elsewhere(ctx, current)


def guarded(flow: Flow[D], states: Collection[str] | None = None, changes: bool = True) -> Flow[D]:
    """The flow with the guard before its steps and prompts (of `states`, or all), each
    turn stamped; `changes=False` stops only at a submitted draft."""
    chosen = flow.steps.keys() if states is None else states
    steps = {s: _guard_step(f, changes) if s in chosen else f for s, f in flow.steps.items()}
    prompts = {s: _guard_prompt(f, changes) if s in chosen else f for s, f in flow.prompts.items()}
    return replace(flow, steps=steps, prompts=prompts)


def _guard_step(step: Step[D], changes: bool) -> Step[D]:
    async def run(ctx: Context, data: D, event: Incoming) -> Turn | None:
        instead = await intercept(ctx, data, changes)
        if instead is not None:
            return instead
        turn = await step(ctx, data, event)
        return await stamped(ctx, turn) if turn is not None else None

    return run


def _guard_prompt(prompt: Prompt[D], changes: bool) -> Prompt[D]:
    async def run(ctx: Context, data: D) -> Turn:
        instead = await intercept(ctx, data, changes)
        return instead if instead is not None else await stamped(ctx, await prompt(ctx, data))

    return run
