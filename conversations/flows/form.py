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

from dataclasses import replace

from conversations import payloads
from conversations.cards import agency_text, procedure_name
from conversations.flow import Context, Flow, Step, Turn
from conversations.flows import (
    documents,
    draft_sync,
    form_address,
    form_identity,
    form_prefill,
    form_review,
    home,
)
from conversations.flows.form_state import NAME, FormData, FormState, gone, load, save

__all__ = [
    "FLOW",
    "NAME",
    "FormData",
    "FormState",
    "ask",
    "navigate",
    "next_field",
    "resume",
    "start",
]
from conversations.form_fields import OPTION_LIST, expects, question
from conversations.messages import (
    Incoming,
    IncomingKind,
    Outgoing,
    say,
)
from conversations.payloads import Action, Verb
from conversations.validation_texts import error_text
from services.answers import AnswerError
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


async def navigate(
    ctx: Context, proc: Procedure, draft: Draft, data: FormData, action: Action | None
) -> Turn | None:
    """Navigation shared by every asking state: back, skip, keep, cancel."""
    if action is None or action.verb is not Verb.DO:
        return None
    spec = proc.field(data.field)
    if spec is None:
        return None
    match action.arg:
        case "back":
            return await _back(ctx, proc, draft, data)
        case "cancel":
            return home.show(say("form.cancelled", procedure=procedure_name(proc)))
        case "skip":
            if spec.required:
                turn = await ask(ctx, proc, draft, data)
                return turn.saying(say("form.required"))
            return await next_field(ctx, proc, await save(ctx, draft, spec, None), data)
        case "keep" if spec.key in draft.answers:
            return await next_field(ctx, proc, draft, data)
        case "login" if ctx.citizen is None:
            return await form_identity.start_login(ctx, data)
    return None


async def _step_answer(ctx: Context, data: FormData, event: Incoming) -> Turn | None:
    loaded = await load(ctx, data)
    if loaded is None:
        return gone()
    proc, draft = loaded
    spec = proc.field(data.field)
    if spec is None:
        return await form_review.review(ctx, proc, draft, data)
    if spec.key in form_identity.locked(ctx, proc, draft.answers):
        return await ask(ctx, proc, draft, data)  # moves on: the login's value stands
    action = payloads.parse(event.payload) if event.kind is IncomingKind.BUTTON else None
    if event.kind is IncomingKind.TEXT:
        try:
            value = validate_answer(proc, spec, event.text, today(ctx.clock), draft.answers)
        except AnswerError as error:
            turn = await ask(ctx, proc, draft, data)
            return turn.saying(say("form.invalid", reason=error_text(proc, spec, error)))
        return await next_field(ctx, proc, await save(ctx, draft, spec, value), data)
    if action is None:
        return None
    if action.verb is Verb.OPTION and action.args[0] == spec.key and action.args[1].isdigit():
        index = int(action.args[1])
        if index < len(spec.options):
            return await next_field(
                ctx, proc, await save(ctx, draft, spec, spec.options[index].value), data
            )
    if action.verb is Verb.YESNO and action.args[0] == spec.key and spec.type is FieldType.YESNO:
        return await next_field(
            ctx, proc, await save(ctx, draft, spec, action.args[1] == "1"), data
        )
    if action.verb is Verb.PAGE and action.args[0] == OPTION_LIST and action.args[1].isdigit():
        return await ask(ctx, proc, draft, replace(data, page=int(action.args[1])))
    return await navigate(ctx, proc, draft, data, action)


async def _prompt(ctx: Context, data: FormData) -> Turn:
    loaded = await load(ctx, data)
    if loaded is None:
        return gone()
    proc, draft = loaded
    return await ask(ctx, proc, draft, data)


def _after_login(step: Step[FormData]) -> Step[FormData]:
    """Every form state takes the action a login replays: offer the registry's data."""

    async def stepped(ctx: Context, data: FormData, event: Incoming) -> Turn | None:
        if form_identity.wants_registry(event):
            return await form_identity.offer_registry(ctx, data)
        return await step(ctx, data, event)

    return stepped


FLOW: Flow[FormData] = Flow(
    name=NAME,
    data_type=FormData,
    steps={
        state: _after_login(step)
        for state, step in (
            (FormState.CONFIRMING_PREFILL, form_prefill.step_prefill),
            (FormState.AWAITING_ANSWER, _step_answer),
            (FormState.AWAITING_PROVINCE, form_address.step_province),
            (FormState.AWAITING_WARD, form_address.step_ward),
            (FormState.AWAITING_DETAIL, form_address.step_detail),
            (FormState.REVIEWING, form_review.step_review),
            (FormState.COMPLETED, form_review.step_completed),
        )
    },
    prompts={
        FormState.CONFIRMING_PREFILL: form_prefill.prompt_prefill,
        FormState.AWAITING_ANSWER: _prompt,
        FormState.AWAITING_PROVINCE: form_address.prompt_province,
        FormState.AWAITING_WARD: form_address.prompt_ward,
        FormState.AWAITING_DETAIL: form_address.prompt_detail,
        FormState.REVIEWING: form_review.prompt_review,
        FormState.COMPLETED: form_review.prompt_completed,
    },
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
    "FLOW", "NAME", "FormData", "FormState", "ask", "navigate", "next_field", "resume", "start",
]  # fmt: skip
