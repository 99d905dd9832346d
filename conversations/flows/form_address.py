"""Address fields, asked in three steps of the two-level administration (since 1 July 2025):
province (the configured one offered first) → commune/ward (a typed name filters) → detail.
"""

from __future__ import annotations

from dataclasses import replace

from conversations import payloads
from conversations.flow import Context, Turn
from conversations.flows import form as walk
from conversations.flows import form_identity
from conversations.flows.form_state import NAME, FormData, FormState, gone, load, nav_row, save
from conversations.form_fields import question
from conversations.messages import Incoming, IncomingKind, Outgoing, Text, btn, raw, say
from conversations.payloads import Verb
from conversations.picker import list_buttons
from services.catalog import Procedure
from services.drafts import Draft

PROVINCES, WARDS = "v", "w"


def ask_province(ctx: Context, proc: Procedure, draft: Draft, data: FormData) -> Turn:
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
    fixed = form_identity.locked(ctx, proc, draft.answers)  # not asked, so not counted
    asked = question(proc, spec, draft.answers, data.editing, fixed=fixed)[0]
    text = Text(key, {"question": asked, "query": data.query})
    buttons = (*rows, *((tuple(extra),) if extra else ()), nav_row(data.editing))
    return Turn(NAME, FormState.AWAITING_PROVINCE, data, (Outgoing(text, buttons),))


def ask_ward(ctx: Context, data: FormData) -> Turn:
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
    buttons = (*rows, nav_row(data.editing))
    return Turn(
        NAME, FormState.AWAITING_WARD, replace(data, page=page.number), (Outgoing(text, buttons),)
    )


def ask_detail(ctx: Context, data: FormData) -> Turn:
    ward = ctx.places.ward(data.ward)
    text = Text("form.address_detail", {"ward": ward.name if ward else ""})
    return Turn(NAME, FormState.AWAITING_DETAIL, data, (Outgoing(text, (nav_row(data.editing),)),))


async def step_province(ctx: Context, data: FormData, event: Incoming) -> Turn | None:
    loaded = await load(ctx, data)
    if loaded is None:
        return gone()
    proc, draft = loaded
    if event.kind is IncomingKind.TEXT:
        return ask_province(ctx, proc, draft, replace(data, query=event.text.strip()[:100]))
    action = payloads.parse(event.payload)
    if action and action.verb is Verb.PICK and action.args[0] == PROVINCES:
        if ctx.places.province(action.args[1]) is None:
            return None
        return ask_ward(ctx, replace(data, province=action.args[1], query="", page=0))
    return await walk.navigate(ctx, proc, draft, data, action)


async def step_ward(ctx: Context, data: FormData, event: Incoming) -> Turn | None:
    loaded = await load(ctx, data)
    if loaded is None:
        return gone()
    proc, draft = loaded
    if event.kind is IncomingKind.TEXT:
        return ask_ward(ctx, replace(data, query=event.text.strip()[:100], page=0))
    action = payloads.parse(event.payload)
    if action is None:
        return None
    if action.verb is Verb.PAGE and action.args[0] == WARDS and action.args[1].isdigit():
        return ask_ward(ctx, replace(data, page=int(action.args[1])))
    if action.verb is Verb.PICK and action.args[0] == WARDS:
        ward = ctx.places.ward(action.args[1])
        if ward is None or ward.province_code != data.province:
            return None
        return ask_detail(ctx, replace(data, ward=ward.code, query=""))
    if action.verb is Verb.DO and action.arg == "back":
        return ask_province(ctx, proc, draft, replace(data, province="", query="", page=0))
    return await walk.navigate(ctx, proc, draft, data, action)


async def step_detail(ctx: Context, data: FormData, event: Incoming) -> Turn | None:
    loaded = await load(ctx, data)
    if loaded is None:
        return gone()
    proc, draft = loaded
    spec = proc.field(data.field)
    province, ward = ctx.places.province(data.province), ctx.places.ward(data.ward)
    if spec is None or province is None or ward is None:
        return await walk.ask(ctx, proc, draft, data)
    if event.kind is IncomingKind.TEXT:
        detail = " ".join(event.text.split())
        if not detail:
            return ask_detail(ctx, data)
        if len(detail) > 200:
            error = Text("error.too_long", {"max": 200, "length": len(detail)})
            return ask_detail(ctx, data).saying(say("form.invalid", reason=error))
        value: dict[str, str] = {
            "province_code": province.code,
            "province": province.name,
            "ward_code": ward.code,
            "ward": ward.name,
            "detail": detail,
        }
        return await walk.next_field(ctx, proc, await save(ctx, draft, spec, value), data)
    action = payloads.parse(event.payload)
    if action and action.verb is Verb.DO and action.arg == "back":
        return ask_ward(ctx, replace(data, ward="", query="", page=0))
    return await walk.navigate(ctx, proc, draft, data, action)


async def prompt_province(ctx: Context, data: FormData) -> Turn:
    loaded = await load(ctx, data)
    if loaded is None:
        return gone()
    return ask_province(ctx, loaded[0], loaded[1], data)


async def prompt_ward(ctx: Context, data: FormData) -> Turn:
    return ask_ward(ctx, data)


async def prompt_detail(ctx: Context, data: FormData) -> Turn:
    return ask_detail(ctx, data)
