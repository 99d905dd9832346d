"""The form engine: walks a procedure's e-form field by field, for any procedure.

States and what each awaits:
    CONFIRMING_PREFILL the applicant block filled from the registry, to confirm (form_prefill)
    AWAITING_ANSWER   the answer to field `data.field` (typed, or a choice button)
    AWAITING_PROVINCE an address field: its province (the configured one offered first)
    AWAITING_WARD     an address field: its commune/ward (typed name filters the list)
    AWAITING_DETAIL   an address field: house number, street, hamlet       (form_address)
    REVIEWING         the summary: edit any answer, or confirm              (form_review)
    COMPLETED         the confirmed form (the next steps of filing start from here)

The applicant's identity follows the login (form_identity): locked when filing for oneself,
typed for someone else, offered from the registry after a login started anywhere in the form.

Every answer is saved to the draft in the same transaction as the chat state, so a restart
resumes at the same question with earlier answers intact. Back, skip (optional fields only),
cancel, keep-current and edit are handled once here for every field type.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import replace

from conversations import place_lists
from conversations.cards import agency_text, procedure_name
from conversations.flow import Context, Flow, Turn
from conversations.flows import (
    documents,
    draft_sync,
    form_address,
    form_identity,
    form_prefill,
    form_review,
    home,
)
from conversations.flows.form_state import NAME, Filling, FormData, FormState, filling, gone, save

__all__ = [
    "FLOW",
    "NAME",
    "FormData",
    "FormState",
    "ask",
    "next_field",
    "resume",
    "start",
]
from conversations.form_fields import OPTION_LIST, expects, question
from conversations.messages import Outgoing, say
from conversations.steps import Dialog, Window
from conversations.validation_texts import error_text
from conversations.widgets import Back, Cancel, Choice, Do, Edit, Only, Pager, Select, Typed, YesNo
from services.answers import AnswerError, JsonValue
from services.applicant import RELATION_FIELD
from services.catalog import Agency, FieldSpec, FieldType, Procedure
from services.clock import today
from services.drafts import Draft, DraftStatus
from services.field_rules import validate_answer
from services.form_checks import expected_fields


async def start(ctx: Context, proc: Procedure, agency: Agency) -> Turn:
    """Open a new draft for `proc` at `agency` and ask the first question."""
    now = ctx.clock.now()
    first = proc.fields[0].key if proc.fields else ""
    answers = form_identity.initial_answers(proc, ctx.citizen.person) if ctx.citizen else {}
    draft = Draft(
        id=ctx.ids.new_id(),
        owner=ctx.address.key,
        procedure_id=proc.id,
        agency_id=agency.id,
        created_at=now,
        updated_at=now,
        cursor=first,
        citizen_id=ctx.citizen_id,
        answers=answers,
    )
    await ctx.drafts.add(draft)
    locked_keys = form_identity.locked(ctx, proc, answers)
    intro = say(
        "form.started",
        procedure=procedure_name(proc),
        agency=agency_text(agency),
        count=len([f for f in expected_fields(proc, answers, first) if f.key not in locked_keys]),
    )
    if answers:
        return await draft_sync.stamped(
            ctx, form_prefill.confirm_prefill(proc, draft).saying(intro)
        )
    turn = await ask(ctx, proc, draft, FormData(draft.id, first))
    return await draft_sync.stamped(ctx, turn.saying(intro))


async def resume(
    ctx: Context, draft: Draft, note: str = "form.resumed", to_review: bool = False
) -> Turn:
    """Continue a saved draft where it stands now, saying `note` first; `to_review` opens
    a confirmed form's review (to change an answer) rather than its documents."""
    if draft.status is DraftStatus.SUBMITTED:  # from another chat: never submitted twice
        return await draft_sync.already_submitted(ctx, draft)
    proc = ctx.catalog.procedure(draft.procedure_id)
    if proc is None:
        return home.show(say("form.procedure_gone"))
    return await draft_sync.stamped(ctx, await _resume(ctx, proc, draft, note, to_review))


async def _resume(
    ctx: Context, proc: Procedure, draft: Draft, note_key: str, to_review: bool = False
) -> Turn:
    notes = [say(note_key, procedure=procedure_name(proc))]
    draft, replaced = await form_identity.reconcile(ctx, proc, draft, offer=False)
    if replaced:  # begun before a login, or by someone else: the registry's identity now
        notes.append(form_identity.replaced_message(replaced, draft.answers))
    if draft.status is DraftStatus.COMPLETE and not replaced and not to_review:
        return (await documents.start(ctx, proc, draft)).saying(*notes)
    if draft.status in (DraftStatus.REVIEW, DraftStatus.COMPLETE) or not proc.fields:
        return (await form_review.review(ctx, proc, draft, FormData(draft.id))).saying(*notes)
    spec = proc.field(draft.cursor) or _first_unanswered(proc, draft)
    data = FormData(draft.id, spec.key if spec else "")
    return (await ask(ctx, proc, draft, data)).saying(*notes)


def _first_unanswered(proc: Procedure, draft: Draft) -> FieldSpec | None:
    shown = proc.shown_fields(draft.answers)
    for spec in shown:
        if spec.key not in draft.answers:
            return spec
    return shown[0] if shown else None


# ---------------------------------------------------------------- asking


async def ask(ctx: Context, proc: Procedure, draft: Draft, data: FormData) -> Turn:
    spec = proc.field(data.field)
    if spec is None:
        return await form_review.review(ctx, proc, draft, data)
    if spec.key in form_identity.locked(ctx, proc, draft.answers):  # from the login
        if data.editing:
            turn = await form_review.review(ctx, proc, draft, data)
            return turn.saying(say("identity.locked"))
        return await next_field(ctx, proc, draft, data)
    if draft.cursor != spec.key and not data.editing:
        draft = replace(draft, cursor=spec.key, updated_at=ctx.clock.now())
        await ctx.drafts.update(draft)
    if spec.type is FieldType.ADDRESS:
        return form_address.ask_province(ctx, proc, draft, replace(data, query="", page=0))
    fixed = form_identity.locked(ctx, proc, draft.answers)
    text, buttons = question(proc, spec, draft.answers, data.editing, data.page, fixed)
    buttons = (*form_identity.login_row(ctx, proc, spec, draft.answers), *buttons)
    message = Outgoing(text, buttons, expects=expects(spec.type))
    return Turn(NAME, FormState.AWAITING_ANSWER, data, (message,))


# ---------------------------------------------------------------- moving on


async def next_field(ctx: Context, proc: Procedure, draft: Draft, data: FormData) -> Turn:
    """After an answer: the next field; when editing, back to the summary — unless the
    answer brought in fields that still need one (postal delivery asks for a recipient).
    Fields filled from the login are passed over."""
    if data.field == RELATION_FIELD:
        draft = await form_identity.apply_relation(ctx, proc, draft)
    shown = proc.shown_fields(draft.answers)
    keys = [spec.key for spec in shown]
    position = keys.index(data.field) if data.field in keys else -1
    fixed = form_identity.locked(ctx, proc, draft.answers)
    if data.editing:
        # Only a question that still needs an answer: not every optional one skipped before.
        revealed = next(
            (s for s in shown[position + 1 :] if s.required and s.key not in draft.answers), None
        )
        if revealed is None:
            return await form_review.review(ctx, proc, draft, data)
        return await ask(ctx, proc, draft, FormData(draft.id, revealed.key, editing=True))
    following = [s for s in shown[position + 1 :] if s.key not in fixed]
    if not following:
        return await form_review.review(ctx, proc, draft, data)
    return await ask(ctx, proc, draft, FormData(draft.id, following[0].key))


async def _back(ctx: Context, proc: Procedure, draft: Draft, data: FormData) -> Turn:
    if data.editing:
        return await form_review.review(ctx, proc, draft, data)
    fixed = form_identity.locked(ctx, proc, draft.answers)
    keys = [spec.key for spec in proc.shown_fields(draft.answers)]
    position = keys.index(data.field) if data.field in keys else 0
    earlier = [key for key in keys[:position] if key not in fixed]
    if not earlier:
        first = next((key for key in keys if key not in fixed), keys[0])
        turn = await ask(ctx, proc, draft, FormData(draft.id, first))
        return turn.saying(say("form.first_question"))
    return await ask(ctx, proc, draft, FormData(draft.id, earlier[-1]))


# ---------------------------------------------------------------- the states


def _asked(c: Filling) -> FieldSpec | None:
    return c.proc.field(c.data.field)


async def _skip(c: Filling) -> Turn:
    spec = _asked(c)
    assert spec is not None  # NAVIGATION is Only(_asked)
    if spec.required:
        return (await ask(c.ctx, c.proc, c.draft, c.data)).saying(say("form.required"))
    return await next_field(c.ctx, c.proc, await save(c.ctx, c.draft, spec, None), c.data)


def _keep(c: Filling) -> Awaitable[Turn] | None:
    kept = c.data.field in c.draft.answers
    return next_field(c.ctx, c.proc, c.draft, c.data) if kept else None


def _login(c: Filling) -> Awaitable[Turn] | None:
    return form_identity.start_login(c.ctx, c.data) if c.ctx.citizen is None else None


# Back, skip, keep, cancel and the login button: the same in every asking state.
NAVIGATION: Only[Filling] = Only(
    _asked,
    Back(lambda c: _back(c.ctx, c.proc, c.draft, c.data)),
    Cancel(form_review.cancel),
    Do("skip", _skip),
    Do("keep", _keep),
    Do("login", _login),
)


async def _not_asked_here(c: Filling) -> Turn | None:
    if _asked(c) is None:
        return await form_review.review(c.ctx, c.proc, c.draft, c.data)
    if c.data.field in form_identity.locked(c.ctx, c.proc, c.draft.answers):
        return await ask(c.ctx, c.proc, c.draft, c.data)  # moves on: the login's value stands
    return None


async def _answer(c: Filling, value: JsonValue) -> Turn:
    spec = _asked(c)
    assert spec is not None  # _not_asked_here
    return await next_field(c.ctx, c.proc, await save(c.ctx, c.draft, spec, value), c.data)


async def _typed(c: Filling, text: str) -> Turn:
    spec = _asked(c)
    assert spec is not None  # _not_asked_here
    try:
        value = validate_answer(c.proc, spec, text, today(c.ctx.clock), c.draft.answers)
    except AnswerError as error:
        turn = await ask(c.ctx, c.proc, c.draft, c.data)
        return turn.saying(say("form.invalid", reason=error_text(c.proc, spec, error)))
    return await _answer(c, value)


def _chosen(c: Filling, key: str, index: int) -> Awaitable[Turn] | None:
    spec = _asked(c)
    if spec is None or key != spec.key or index >= len(spec.options):
        return None
    return _answer(c, spec.options[index].value)


def _yes_no(c: Filling, key: str, value: bool) -> Awaitable[Turn] | None:
    spec = _asked(c)
    if spec is None or key != spec.key or spec.type is not FieldType.YESNO:
        return None
    return _answer(c, value)


def _question(c: Filling) -> Awaitable[Turn]:
    return ask(c.ctx, c.proc, c.draft, c.data)


DIALOG = Dialog(
    filling,
    gone,
    common=(form_identity.AFTER_LOGIN,),
    windows={
        FormState.CONFIRMING_PREFILL: Window(
            lambda c: form_prefill.confirm_prefill(c.proc, c.draft, c.data.field),
            Cancel(form_review.cancel),
            Do("prefill_edit", form_prefill.edit_prefilled),
            Do("prefill_ok", form_prefill.prefill_ok),
        ),
        FormState.AWAITING_ANSWER: Window(
            _question,
            Typed(_typed),
            Choice(_chosen),
            YesNo(_yes_no),
            Pager(
                OPTION_LIST, lambda c, page: ask(c.ctx, c.proc, c.draft, replace(c.data, page=page))
            ),
            NAVIGATION,
            before=_not_asked_here,
        ),
        FormState.AWAITING_PROVINCE: Window(
            lambda c: form_address.ask_province(c.ctx, c.proc, c.draft, c.data),
            Typed(form_address.province_filter),
            Select(place_lists.PROVINCES, form_address.province_picked),
            NAVIGATION,
        ),
        FormState.AWAITING_WARD: Window(
            lambda c: form_address.ask_ward(c.ctx, c.data),
            Typed(form_address.ward_filter),
            Pager(place_lists.WARDS, form_address.ward_page),
            Select(place_lists.WARDS, form_address.ward_picked),
            Back(form_address.back_to_province),
            NAVIGATION,
        ),
        FormState.AWAITING_DETAIL: Window(
            lambda c: form_address.ask_detail(c.ctx, c.data),
            Typed(form_address.detail_typed),
            Back(form_address.back_to_ward),
            NAVIGATION,
            before=form_address.detail_missing,
        ),
        FormState.REVIEWING: Window(
            lambda c: form_review.review(c.ctx, c.proc, c.draft, c.data),
            Edit(form_review.edit),
            Cancel(form_review.cancel),
            Do("confirm", form_review.confirm),
        ),
        FormState.COMPLETED: Window(lambda c: form_review.completed(c.ctx, c.proc, c.draft)),
    },
)


FLOW: Flow[FormData] = Flow(
    name=NAME,
    data_type=FormData,
    steps=DIALOG.steps,
    prompts=DIALOG.prompts,
    # A form answer is never taken for anything else: not a code, not a word, not a label.
    answers=frozenset(
        {
            FormState.AWAITING_ANSWER,
            FormState.AWAITING_PROVINCE,
            FormState.AWAITING_WARD,
            FormState.AWAITING_DETAIL,
        }
    ),
)

# One draft, several chats: a stale view is told, not applied (draft_sync).
FLOW = draft_sync.guarded(FLOW)


__all__ = [
    "FLOW", "NAME", "FormData", "FormState", "ask", "next_field", "resume", "start",
]  # fmt: skip
