"""The form engine: walks a procedure's e-form field by field, for any procedure.

States and what each awaits:
    AWAITING_ANSWER   the answer to field `data.field` (typed, or a choice button)
    AWAITING_PROVINCE an address field: its province (the configured one offered first)
    AWAITING_WARD     an address field: its commune/ward (typed name filters the list)
    AWAITING_DETAIL   an address field: house number, street, hamlet
    REVIEWING         the summary: edit any answer, or confirm
    COMPLETED         the confirmed form (the next steps of filing start from here)

Every answer is saved to the draft in the same transaction as the chat state, so a restart
resumes at the same question with earlier answers intact. Back, skip (optional fields only),
cancel, keep-current and edit are handled once here for every field type.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from conversations import payloads
from conversations.cards import agency_text, both, procedure_name
from conversations.flow import Context, Flow, Turn
from conversations.flows import home
from conversations.form_fields import OPTION_LIST, display, edit_rows, question, summary_lines
from conversations.messages import (
    Button,
    Incoming,
    IncomingKind,
    Lines,
    Outgoing,
    Text,
    btn,
    raw,
    say,
)
from conversations.payloads import Action, Verb
from conversations.picker import list_buttons
from conversations.prefill import prefilled_answers
from services.answers import AnswerError, JsonValue, parse_answer
from services.catalog import Agency, FieldSpec, FieldType, Procedure
from services.clock import today
from services.drafts import Draft, DraftStatus

NAME = "form"
PROVINCES, WARDS = "v", "w"


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


async def start(ctx: Context, proc: Procedure, agency: Agency) -> Turn:
    """Open a new draft for `proc` at `agency` and ask the first question."""
    now = ctx.clock.now()
    first = proc.fields[0].key if proc.fields else ""
    answers = prefilled_answers(proc, ctx.citizen.person) if ctx.citizen else {}
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
    intro = say(
        "form.started",
        procedure=procedure_name(proc),
        agency=agency_text(agency),
        count=len(proc.fields),
    )
    if answers:
        return _confirm_prefill(proc, draft).saying(intro)
    turn = await _ask(ctx, proc, draft, FormData(draft.id, first))
    return turn.saying(intro)


def _confirm_prefill(proc: Procedure, draft: Draft) -> Turn:
    """Show what the population registry filled in, to confirm in one tap."""
    filled = [spec for spec in proc.fields if spec.key in draft.answers]
    lines = Lines(
        tuple(
            Text(
                "form.summary_line",
                {"label": both(s.label), "value": display(s, draft.answers[s.key])},
            )
            for s in filled
        )
    )
    buttons = (
        (btn("form.prefill_ok", payloads.do("prefill_ok")),),
        (btn("form.prefill_edit", payloads.do("prefill_edit")),),
        (btn("btn.cancel", payloads.do("cancel")),),
    )
    text = Text("form.prefilled", {"lines": lines})
    return Turn(NAME, FormState.CONFIRMING_PREFILL, FormData(draft.id), (Outgoing(text, buttons),))


async def _step_prefill(ctx: Context, data: FormData, event: Incoming) -> Turn | None:
    loaded = await _load(ctx, data)
    if loaded is None:
        return _gone()
    proc, draft = loaded
    action = payloads.parse(event.payload) if event.kind is IncomingKind.BUTTON else None
    if action is None or action.verb is not Verb.DO:
        return None
    if action.arg == "cancel":
        return home.show(say("form.cancelled", procedure=procedure_name(proc)))
    if action.arg == "prefill_edit":
        return await _ask(ctx, proc, draft, FormData(draft.id, proc.fields[0].key))
    if action.arg == "prefill_ok":
        spec = next((f for f in proc.fields if f.key not in draft.answers), None)
        if spec is None:
            return await _review(ctx, proc, draft, data)
        return await _ask(ctx, proc, draft, FormData(draft.id, spec.key))
    return None


async def _prompt_prefill(ctx: Context, data: FormData) -> Turn:
    loaded = await _load(ctx, data)
    if loaded is None:
        return _gone()
    return _confirm_prefill(*loaded)


async def resume(ctx: Context, draft: Draft) -> Turn:
    """Continue a saved draft where it was left."""
    proc = ctx.catalog.procedure(draft.procedure_id)
    if proc is None:
        return home.show(say("form.procedure_gone"))
    note = say("form.resumed", procedure=procedure_name(proc))
    if draft.status in (DraftStatus.REVIEW, DraftStatus.COMPLETE) or not proc.fields:
        return (await _review(ctx, proc, draft, FormData(draft.id))).saying(note)
    spec = proc.field(draft.cursor) or _first_unanswered(proc, draft)
    data = FormData(draft.id, spec.key if spec else "")
    return (await _ask(ctx, proc, draft, data)).saying(note)


def _first_unanswered(proc: Procedure, draft: Draft) -> FieldSpec | None:
    for spec in proc.fields:
        if spec.key not in draft.answers:
            return spec
    return proc.fields[0] if proc.fields else None


async def _load(ctx: Context, data: FormData) -> tuple[Procedure, Draft] | None:
    draft = await ctx.drafts.get(data.draft_id)
    if draft is None:
        return None
    proc = ctx.catalog.procedure(draft.procedure_id)
    return (proc, draft) if proc else None


def _gone() -> Turn:
    return home.show(say("form.draft_gone"))


# ---------------------------------------------------------------- asking


async def _ask(ctx: Context, proc: Procedure, draft: Draft, data: FormData) -> Turn:
    spec = proc.field(data.field)
    if spec is None:
        return await _review(ctx, proc, draft, data)
    if draft.cursor != spec.key and not data.editing:
        draft = replace(draft, cursor=spec.key, updated_at=ctx.clock.now())
        await ctx.drafts.update(draft)
    if spec.type is FieldType.ADDRESS:
        return _ask_province(ctx, proc, draft, replace(data, query="", page=0))
    text, buttons = question(proc, spec, draft.answers, data.editing, data.page)
    return Turn(NAME, FormState.AWAITING_ANSWER, data, (Outgoing(text, buttons),))


def _nav_row(editing: bool) -> tuple[Button, ...]:
    return (
        btn("btn.back_to_review" if editing else "btn.back", payloads.do("back")),
        btn("btn.cancel", payloads.do("cancel")),
    )


def _ask_province(ctx: Context, proc: Procedure, draft: Draft, data: FormData) -> Turn:
    spec = proc.field(data.field)
    assert spec is not None
    if data.query:
        provinces = ctx.places.find_provinces(data.query)
        key = "form.address_province_matches" if provinces else "form.address_province_none"
    else:
        home_province = ctx.places.province(ctx.settings.province_code)
        provinces = [home_province] if home_province else []
        key = "form.address_province"
    rows, _ = list_buttons(PROVINCES, [(p.code, raw(p.name)) for p in provinces], 0, 8, 2)
    current = draft.answers.get(spec.key)
    extra = [btn("btn.keep", payloads.do("keep"))] if isinstance(current, dict) else []
    if not spec.required:
        extra.append(btn("btn.skip", payloads.do("skip")))
    text = Text(
        key, {"question": question(proc, spec, draft.answers, data.editing)[0], "query": data.query}
    )
    buttons = (*rows, *((tuple(extra),) if extra else ()), _nav_row(data.editing))
    return Turn(NAME, FormState.AWAITING_PROVINCE, data, (Outgoing(text, buttons),))


def _ask_ward(ctx: Context, data: FormData) -> Turn:
    province = ctx.places.province(data.province)
    if data.query:
        wards = ctx.places.find_wards(data.province, data.query)
        key = "form.address_ward_matches" if wards else "form.address_ward_none"
    else:
        wards = list(ctx.places.wards(data.province))
        key = "form.address_ward"
    rows, page = list_buttons(WARDS, [(w.code, raw(w.name)) for w in wards], data.page, 8, 2)
    text = Text(
        key,
        {
            "province": province.name if province else "",
            "query": data.query,
            "page": page.number + 1,
            "pages": page.count,
        },
    )
    buttons = (*rows, _nav_row(data.editing))
    return Turn(
        NAME, FormState.AWAITING_WARD, replace(data, page=page.number), (Outgoing(text, buttons),)
    )


def _ask_detail(ctx: Context, data: FormData) -> Turn:
    ward = ctx.places.ward(data.ward)
    text = Text("form.address_detail", {"ward": ward.name if ward else ""})
    return Turn(NAME, FormState.AWAITING_DETAIL, data, (Outgoing(text, (_nav_row(data.editing),)),))


async def _review(ctx: Context, proc: Procedure, draft: Draft, data: FormData) -> Turn:
    if draft.status is not DraftStatus.REVIEW:
        draft = replace(draft, status=DraftStatus.REVIEW, updated_at=ctx.clock.now())
        await ctx.drafts.update(draft)
    text = Text(
        "form.review",
        {"procedure": procedure_name(proc), "lines": summary_lines(proc, draft.answers)},
    )
    buttons = (
        *edit_rows(proc),
        (btn("btn.confirm_form", payloads.do("confirm")),),
        (btn("btn.cancel", payloads.do("cancel")),),
    )
    return Turn(NAME, FormState.REVIEWING, FormData(draft.id), (Outgoing(text, buttons),))


def _completed(ctx: Context, proc: Procedure, draft: Draft) -> Turn:
    agency = ctx.catalog.agencies.get(draft.agency_id)
    text = Text(
        "form.final",
        {
            "procedure": procedure_name(proc),
            "agency": agency_text(agency) if agency else "",
            "lines": summary_lines(proc, draft.answers),
        },
    )
    buttons = ((btn("btn.menu", payloads.menu("home")),),)
    return Turn(NAME, FormState.COMPLETED, FormData(draft.id), (Outgoing(text, buttons),))


# ---------------------------------------------------------------- moving on


async def _save(ctx: Context, draft: Draft, spec: FieldSpec, value: JsonValue | None) -> Draft:
    updated = draft.answer(spec.key, value, ctx.clock.now())
    await ctx.drafts.update(updated)
    return updated


async def _next(ctx: Context, proc: Procedure, draft: Draft, data: FormData) -> Turn:
    """After an answer: back to the summary when editing, else the next field."""
    if data.editing:
        return await _review(ctx, proc, draft, data)
    keys = [spec.key for spec in proc.fields]
    position = keys.index(data.field) if data.field in keys else -1
    if position + 1 >= len(keys):
        return await _review(ctx, proc, draft, data)
    return await _ask(ctx, proc, draft, FormData(draft.id, keys[position + 1]))


async def _back(ctx: Context, proc: Procedure, draft: Draft, data: FormData) -> Turn:
    if data.editing:
        return await _review(ctx, proc, draft, data)
    keys = [spec.key for spec in proc.fields]
    position = keys.index(data.field) if data.field in keys else 0
    if position == 0:
        turn = await _ask(ctx, proc, draft, FormData(draft.id, keys[0]))
        return turn.saying(say("form.first_question"))
    return await _ask(ctx, proc, draft, FormData(draft.id, keys[position - 1]))


async def _common(
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
                turn = await _ask(ctx, proc, draft, data)
                return turn.saying(say("form.required"))
            return await _next(ctx, proc, await _save(ctx, draft, spec, None), data)
        case "keep" if spec.key in draft.answers:
            return await _next(ctx, proc, draft, data)
    return None


async def _step_answer(ctx: Context, data: FormData, event: Incoming) -> Turn | None:
    loaded = await _load(ctx, data)
    if loaded is None:
        return _gone()
    proc, draft = loaded
    spec = proc.field(data.field)
    if spec is None:
        return await _review(ctx, proc, draft, data)
    action = payloads.parse(event.payload) if event.kind is IncomingKind.BUTTON else None
    if event.kind is IncomingKind.TEXT:
        try:
            value = parse_answer(spec, event.text, today(ctx.clock), draft.answers)
        except AnswerError as error:
            turn = await _ask(ctx, proc, draft, data)
            return turn.saying(
                say("form.invalid", reason=Text(f"error.{error.reason}", dict(error.params)))
            )
        return await _next(ctx, proc, await _save(ctx, draft, spec, value), data)
    if action is None:
        return None
    if action.verb is Verb.OPTION and action.args[0] == spec.key and action.args[1].isdigit():
        index = int(action.args[1])
        if index < len(spec.options):
            return await _next(
                ctx, proc, await _save(ctx, draft, spec, spec.options[index].value), data
            )
    if action.verb is Verb.YESNO and action.args[0] == spec.key and spec.type is FieldType.YESNO:
        return await _next(ctx, proc, await _save(ctx, draft, spec, action.args[1] == "1"), data)
    if action.verb is Verb.PAGE and action.args[0] == OPTION_LIST and action.args[1].isdigit():
        return await _ask(ctx, proc, draft, replace(data, page=int(action.args[1])))
    return await _common(ctx, proc, draft, data, action)


async def _step_province(ctx: Context, data: FormData, event: Incoming) -> Turn | None:
    loaded = await _load(ctx, data)
    if loaded is None:
        return _gone()
    proc, draft = loaded
    if event.kind is IncomingKind.TEXT:
        return _ask_province(ctx, proc, draft, replace(data, query=event.text.strip()[:100]))
    action = payloads.parse(event.payload)
    if action and action.verb is Verb.PICK and action.args[0] == PROVINCES:
        if ctx.places.province(action.args[1]) is None:
            return None
        return _ask_ward(ctx, replace(data, province=action.args[1], query="", page=0))
    return await _common(ctx, proc, draft, data, action)


async def _step_ward(ctx: Context, data: FormData, event: Incoming) -> Turn | None:
    loaded = await _load(ctx, data)
    if loaded is None:
        return _gone()
    proc, draft = loaded
    if event.kind is IncomingKind.TEXT:
        return _ask_ward(ctx, replace(data, query=event.text.strip()[:100], page=0))
    action = payloads.parse(event.payload)
    if action is None:
        return None
    if action.verb is Verb.PAGE and action.args[0] == WARDS and action.args[1].isdigit():
        return _ask_ward(ctx, replace(data, page=int(action.args[1])))
    if action.verb is Verb.PICK and action.args[0] == WARDS:
        ward = ctx.places.ward(action.args[1])
        if ward is None or ward.province_code != data.province:
            return None
        return _ask_detail(ctx, replace(data, ward=ward.code, query=""))
    if action.verb is Verb.DO and action.arg == "back":
        return _ask_province(ctx, proc, draft, replace(data, province="", query="", page=0))
    return await _common(ctx, proc, draft, data, action)


async def _step_detail(ctx: Context, data: FormData, event: Incoming) -> Turn | None:
    loaded = await _load(ctx, data)
    if loaded is None:
        return _gone()
    proc, draft = loaded
    spec = proc.field(data.field)
    province, ward = ctx.places.province(data.province), ctx.places.ward(data.ward)
    if spec is None or province is None or ward is None:
        return await _ask(ctx, proc, draft, data)
    if event.kind is IncomingKind.TEXT:
        detail = " ".join(event.text.split())
        if not detail:
            return _ask_detail(ctx, data)
        if len(detail) > 200:
            error = Text("error.too_long", {"max": 200, "length": len(detail)})
            return _ask_detail(ctx, data).saying(say("form.invalid", reason=error))
        value: dict[str, str] = {
            "province_code": province.code,
            "province": province.name,
            "ward_code": ward.code,
            "ward": ward.name,
            "detail": detail,
        }
        return await _next(ctx, proc, await _save(ctx, draft, spec, value), data)
    action = payloads.parse(event.payload)
    if action and action.verb is Verb.DO and action.arg == "back":
        return _ask_ward(ctx, replace(data, ward="", query="", page=0))
    return await _common(ctx, proc, draft, data, action)


def _problem(ctx: Context, proc: Procedure, draft: Draft) -> tuple[FieldSpec, Text] | None:
    """The first answer that is missing or no longer valid (answers can change in review)."""
    for spec in proc.fields:
        value = draft.answers.get(spec.key)
        if value is None:
            if spec.required:
                return spec, Text("form.missing_required", {"label": raw(spec.label.get(ctx.lang))})
            continue
        if spec.type is FieldType.CCCD and isinstance(value, str):
            try:
                parse_answer(spec, value, today(ctx.clock), draft.answers)
            except AnswerError as error:
                return spec, Text(f"error.{error.reason}", dict(error.params))
    return None


async def _step_review(ctx: Context, data: FormData, event: Incoming) -> Turn | None:
    loaded = await _load(ctx, data)
    if loaded is None:
        return _gone()
    proc, draft = loaded
    action = payloads.parse(event.payload) if event.kind is IncomingKind.BUTTON else None
    if action is None:
        return None
    if action.verb is Verb.EDIT and proc.field(action.arg) is not None:
        return await _ask(ctx, proc, draft, FormData(draft.id, action.arg, editing=True))
    if action.verb is not Verb.DO:
        return None
    if action.arg == "cancel":
        return home.show(say("form.cancelled", procedure=procedure_name(proc)))
    if action.arg != "confirm":
        return None
    problem = _problem(ctx, proc, draft)
    if problem is not None:
        spec, reason = problem
        turn = await _ask(ctx, proc, draft, FormData(draft.id, spec.key, editing=True))
        return turn.saying(say("form.invalid", reason=reason))
    draft = replace(draft, status=DraftStatus.COMPLETE, updated_at=ctx.clock.now())
    await ctx.drafts.update(draft)
    return _completed(ctx, proc, draft)


async def _step_completed(ctx: Context, data: FormData, event: Incoming) -> Turn | None:
    return None


async def _prompt(ctx: Context, data: FormData) -> Turn:
    loaded = await _load(ctx, data)
    if loaded is None:
        return _gone()
    proc, draft = loaded
    return await _ask(ctx, proc, draft, data)


async def _prompt_province(ctx: Context, data: FormData) -> Turn:
    loaded = await _load(ctx, data)
    if loaded is None:
        return _gone()
    return _ask_province(ctx, loaded[0], loaded[1], data)


async def _prompt_ward(ctx: Context, data: FormData) -> Turn:
    return _ask_ward(ctx, data)


async def _prompt_detail(ctx: Context, data: FormData) -> Turn:
    return _ask_detail(ctx, data)


async def _prompt_review(ctx: Context, data: FormData) -> Turn:
    loaded = await _load(ctx, data)
    if loaded is None:
        return _gone()
    return await _review(ctx, loaded[0], loaded[1], data)


async def _prompt_completed(ctx: Context, data: FormData) -> Turn:
    loaded = await _load(ctx, data)
    if loaded is None:
        return _gone()
    return _completed(ctx, loaded[0], loaded[1])


FLOW: Flow[FormData] = Flow(
    name=NAME,
    data_type=FormData,
    steps={
        FormState.CONFIRMING_PREFILL: _step_prefill,
        FormState.AWAITING_ANSWER: _step_answer,
        FormState.AWAITING_PROVINCE: _step_province,
        FormState.AWAITING_WARD: _step_ward,
        FormState.AWAITING_DETAIL: _step_detail,
        FormState.REVIEWING: _step_review,
        FormState.COMPLETED: _step_completed,
    },
    prompts={
        FormState.CONFIRMING_PREFILL: _prompt_prefill,
        FormState.AWAITING_ANSWER: _prompt,
        FormState.AWAITING_PROVINCE: _prompt_province,
        FormState.AWAITING_WARD: _prompt_ward,
        FormState.AWAITING_DETAIL: _prompt_detail,
        FormState.REVIEWING: _prompt_review,
        FormState.COMPLETED: _prompt_completed,
    },
)
