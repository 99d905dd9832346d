"""The end of the form: the review with an edit button per field, then the confirmed form."""

from __future__ import annotations

from dataclasses import replace

from conversations import payloads
from conversations.cards import agency_text, procedure_name
from conversations.flow import Context, Turn
from conversations.flows import documents, form_identity, home
from conversations.flows import form as walk
from conversations.flows.form_state import NAME, Filling, FormData, FormState
from conversations.form_fields import edit_rows, summary_lines
from conversations.messages import Outgoing, Text, btn, main_btn, raw, say
from conversations.validation_texts import error_text, problems_notice
from services.catalog import FieldSpec, Procedure
from services.clock import today
from services.drafts import Draft, DraftStatus
from services.field_rules import FieldProblem, form_problems
from services.form_checks import CheckError


async def review(ctx: Context, proc: Procedure, draft: Draft, data: FormData) -> Turn:
    if draft.status is not DraftStatus.REVIEW:
        draft = replace(draft, status=DraftStatus.REVIEW, updated_at=ctx.clock.now())
        await ctx.drafts.update(draft)
    text = Text(
        "form.review",
        {"procedure": procedure_name(proc), "lines": summary_lines(proc, draft.answers)},
    )
    buttons = (
        *edit_rows(proc, draft.answers, form_identity.locked(ctx, proc, draft.answers)),
        (main_btn("btn.confirm_form", payloads.do("confirm")),),
        (btn("btn.cancel", payloads.do("cancel")),),
    )
    # An edit may have broken a rule that held when it was checked: say so before the summary.
    fixed = form_identity.locked(ctx, proc, draft.answers)
    notice = problems_notice(proc, *open_problems(ctx, proc, draft), fixed=fixed)
    messages = (notice, Outgoing(text, buttons)) if notice else (Outgoing(text, buttons),)
    return Turn(NAME, FormState.REVIEWING, FormData(draft.id), messages)


async def completed(ctx: Context, proc: Procedure, draft: Draft) -> Turn:
    """The confirmed form, then straight on to its documents."""
    agency = ctx.catalog.agencies.get(draft.agency_id)
    text = Text(
        "form.final",
        {
            "procedure": procedure_name(proc),
            "agency": agency_text(agency) if agency else "",
            "lines": summary_lines(proc, draft.answers),
        },
    )
    return (await documents.start(ctx, proc, draft)).saying(Outgoing(text))


def open_problems(
    ctx: Context, proc: Procedure, draft: Draft
) -> tuple[tuple[FieldProblem, ...], tuple[CheckError, ...]]:
    """The broken rules the citizen can fix: not those only about fields locked to the
    registry's data (the registry is the reference there; the officer sees the dossier)."""
    fixed = form_identity.locked(ctx, proc, draft.answers)
    fields, checks = form_problems(proc, draft.answers, today(ctx.clock))
    return (
        tuple(p for p in fields if p.spec.key not in fixed),
        tuple(c for c in checks if not set(c.fields) <= fixed),
    )


def first_problem(ctx: Context, proc: Procedure, draft: Draft) -> tuple[FieldSpec, Text] | None:
    """The first answer that is missing or no longer valid (answers can change in review)."""
    for spec in proc.shown_fields(draft.answers):
        if draft.answers.get(spec.key) is None and spec.required:
            return spec, Text("form.missing_required", {"label": raw(spec.label.get(ctx.lang))})
    fields, _ = open_problems(ctx, proc, draft)
    if fields:
        return fields[0].spec, error_text(proc, fields[0].spec, fields[0].error)
    return None


async def edit(c: Filling, field: str) -> Turn | None:
    """An edit button of the summary: that question, then back to the summary."""
    if c.proc.field(field) is None:
        return None
    return await walk.ask(c.ctx, c.proc, c.draft, FormData(c.draft.id, field, editing=True))


async def confirm(c: Filling) -> Turn:
    """Confirm the form: the first problem left, or the confirmed form and its documents."""
    ctx, proc, draft = c.ctx, c.proc, c.draft
    problem = first_problem(ctx, proc, draft)
    if problem is not None:
        spec, reason = problem
        turn = await walk.ask(ctx, proc, draft, FormData(draft.id, spec.key, editing=True))
        return turn.saying(say("form.invalid", reason=reason))
    if open_problems(ctx, proc, draft)[1]:  # a cross-field rule is broken
        return await review(ctx, proc, draft, c.data)
    draft = replace(draft, status=DraftStatus.COMPLETE, updated_at=ctx.clock.now())
    await ctx.drafts.update(draft)
    return await completed(ctx, proc, draft)


def cancel(c: Filling) -> Turn:
    """Cancel the form (the draft stays among the drafts)."""
    return home.show(say("form.cancelled", procedure=procedure_name(c.proc)))
