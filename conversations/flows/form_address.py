"""Address fields, asked in three steps of the two-level administration (since 1 July 2025):
province (the configured one offered first) → commune/ward (a typed name filters) → detail.
"""

from __future__ import annotations

from dataclasses import replace

from conversations import payloads
from conversations.flow import Context, Turn
from conversations.flows import form as walk
from conversations.flows import form_identity
from conversations.flows.form_state import NAME, Filling, FormData, FormState, nav_row, save
from conversations.form_fields import question
from conversations.messages import Outgoing, Text, btn, say
from conversations.place_lists import province_rows, ward_rows
from services.catalog import Procedure
from services.drafts import Draft


def ask_province(ctx: Context, proc: Procedure, draft: Draft, data: FormData) -> Turn:
    spec = proc.field(data.field)
    assert spec is not None
    key, rows = province_rows(ctx.places, ctx.settings.province_code, data.query)
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
    text, rows, page = ward_rows(ctx.places, data.province, data.query, data.page)
    buttons = (*rows, nav_row(data.editing))
    return Turn(
        NAME, FormState.AWAITING_WARD, replace(data, page=page.number), (Outgoing(text, buttons),)
    )


def ask_detail(ctx: Context, data: FormData) -> Turn:
    ward = ctx.places.ward(data.ward)
    text = Text("form.address_detail", {"ward": ward.name if ward else ""})
    return Turn(NAME, FormState.AWAITING_DETAIL, data, (Outgoing(text, (nav_row(data.editing),)),))


def province_filter(c: Filling, text: str) -> Turn:
    """A typed name filters the provinces."""
    return ask_province(c.ctx, c.proc, c.draft, replace(c.data, query=text.strip()[:100]))


def province_picked(c: Filling, code: str) -> Turn | None:
    """A province chosen: its communes and wards."""
    if c.ctx.places.province(code) is None:
        return None
    return ask_ward(c.ctx, replace(c.data, province=code, query="", page=0))


def ward_filter(c: Filling, text: str) -> Turn:
    """A typed name filters the wards."""
    return ask_ward(c.ctx, replace(c.data, query=text.strip()[:100], page=0))


def ward_page(c: Filling, page: int) -> Turn:
    """Another page of wards."""
    return ask_ward(c.ctx, replace(c.data, page=page))


def ward_picked(c: Filling, code: str) -> Turn | None:
    """A ward of the chosen province: the house number and street next."""
    ward = c.ctx.places.ward(code)
    if ward is None or ward.province_code != c.data.province:
        return None
    return ask_detail(c.ctx, replace(c.data, ward=ward.code, query=""))


def back_to_province(c: Filling) -> Turn:
    """From the wards back to the provinces."""
    return ask_province(c.ctx, c.proc, c.draft, replace(c.data, province="", query="", page=0))


def back_to_ward(c: Filling) -> Turn:
    """From the detail back to the wards."""
    return ask_ward(c.ctx, replace(c.data, ward="", query="", page=0))


async def detail_missing(c: Filling) -> Turn | None:
    """The question, again, when the field, province or ward no longer exists."""
    places, data = c.ctx.places, c.data
    if c.proc.field(data.field) and places.province(data.province) and places.ward(data.ward):
        return None
    return await walk.ask(c.ctx, c.proc, c.draft, data)


async def detail_typed(c: Filling, text: str) -> Turn:
    """House number, street, hamlet: the address is complete."""
    ctx, data = c.ctx, c.data
    spec, province = c.proc.field(data.field), ctx.places.province(data.province)
    ward = ctx.places.ward(data.ward)
    assert spec is not None and province is not None and ward is not None  # detail_missing
    detail = " ".join(text.split())
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
    return await walk.next_field(ctx, c.proc, await save(ctx, c.draft, spec, value), data)
