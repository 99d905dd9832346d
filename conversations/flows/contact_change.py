"""Changing the delivery address or the contact phone of a submitted dossier, before the
result is sent; validated as the form validates them, confirmed, kept with the old value.

    (card "Đổi địa chỉ") ──▶ AWAITING_PROVINCE ──pick (or type to filter)──▶ AWAITING_WARD
                              ──pick (or type to filter)──▶ AWAITING_DETAIL ──text──┐
    (card "Đổi số điện thoại") ──▶ AWAITING_PHONE ──a valid mobile number──────────┤
                                                       AWAITING_CONFIRM ◀───────────┘
                                                       ──confirm──▶ changed, card

The phone changed is the applicant's mobile (so_dien_thoai), or the recipient's
(sdt_nguoi_nhan) on a form without one. Which statuses allow it: services.dossier_course.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from conversations import payloads
from conversations.course_cards import CONTACT_CONFIRM, contact_value, field_name
from conversations.flow import Context, Flow, Prompt, Step, Turn
from conversations.flows import dossiers, home
from conversations.flows.course_access import owned, status_now
from conversations.messages import (
    Button,
    Expects,
    Incoming,
    IncomingKind,
    Outgoing,
    Text,
    btn,
    main_btn,
    raw,
    say,
)
from conversations.payloads import Verb
from conversations.picker import list_buttons
from conversations.validation_texts import phone_error_text
from services.dossier_course import (
    ADDRESS_KEY,
    PHONE_KEYS,
    CourseRefused,
    can_change_contact,
    change_contact,
    contact_keys,
)
from services.dossiers import Dossier
from services.identity import normalise_mobile

NAME = "contact"
PROVINCES, WARDS = "v", "w"
MAX_DETAIL = 200


class ContactState(StrEnum):
    """What the change awaits."""

    AWAITING_PROVINCE = "AWAITING_PROVINCE"
    AWAITING_WARD = "AWAITING_WARD"
    AWAITING_DETAIL = "AWAITING_DETAIL"
    AWAITING_PHONE = "AWAITING_PHONE"
    AWAITING_CONFIRM = "AWAITING_CONFIRM"


@dataclass(frozen=True, slots=True)
class ContactData:
    """The dossier, the answer changed, the address parts chosen, the new value."""

    dossier_id: str
    key: str
    province: str = ""
    ward: str = ""
    query: str = ""
    page: int = 0
    address: dict[str, str] = field(default_factory=dict)
    phone: str = ""


def _cancel_row() -> tuple[Button, ...]:
    return (btn("btn.cancel", payloads.do("cancel")),)


async def start(ctx: Context, dossier_id: str, address: bool) -> Turn:
    """The card's "change the address" / "change the phone" buttons."""
    found = await owned(ctx, dossier_id)
    if isinstance(found, Turn):
        return found
    if not can_change_contact(found):
        return home.show(status_now(found), say("course.contact_not_allowed"))
    keys = contact_keys(found)
    wanted = (ADDRESS_KEY,) if address else PHONE_KEYS
    key = next((k for k in keys if k in wanted), None)
    if key is None:
        return home.show(say("course.contact_none", code=found.code))
    data = ContactData(found.id, key)
    return _ask_province(ctx, data) if address else _ask_phone(found, data)


def _ask_province(ctx: Context, data: ContactData) -> Turn:
    if data.query:
        provinces = ctx.places.find_provinces(data.query)
        key = "form.address_province_matches" if provinces else "form.address_province_none"
    else:
        home_province = ctx.places.province(ctx.settings.province_code)
        provinces = [home_province] if home_province else []
        key = "form.address_province"
    rows, _ = list_buttons(PROVINCES, [(p.code, raw(p.name)) for p in provinces], 0, 8, 2)
    text = Text(key, {"question": Text("course.address_question"), "query": data.query})
    message = Outgoing(text, (*rows, _cancel_row()))
    return Turn(NAME, ContactState.AWAITING_PROVINCE, data, (message,))


def _ask_ward(ctx: Context, data: ContactData) -> Turn:
    province = ctx.places.province(data.province)
    if data.query:
        wards = ctx.places.find_wards(data.province, data.query)
        key = "form.address_ward_matches" if wards else "form.address_ward_none"
    else:
        wards = list(ctx.places.wards(data.province))
        key = "form.address_ward"
    rows, page = list_buttons(WARDS, [(w.code, raw(w.name)) for w in wards], data.page, 8, 2)
    params: dict[str, str | int] = {
        "province": province.name if province else "",
        "query": data.query,
        "page": page.number + 1,
        "pages": page.count,
    }
    message = Outgoing(Text(key, params), (*rows, _cancel_row()))
    data = replace(data, page=page.number)
    return Turn(NAME, ContactState.AWAITING_WARD, data, (message,))


def _ask_detail(ctx: Context, data: ContactData, *notes: Outgoing) -> Turn:
    ward = ctx.places.ward(data.ward)
    text = Text("form.address_detail", {"ward": ward.name if ward else ""})
    message = Outgoing(text, (_cancel_row(),))
    return Turn(NAME, ContactState.AWAITING_DETAIL, data, (*notes, message))


def _ask_phone(dossier: Dossier, data: ContactData, *notes: Outgoing) -> Turn:
    text = Text("course.phone_question", {"old": contact_value(dossier.answers[data.key])})
    message = Outgoing(text, (_cancel_row(),), expects=Expects.PHONE)
    return Turn(NAME, ContactState.AWAITING_PHONE, data, (*notes, message))


def _confirm(dossier: Dossier, data: ContactData) -> Turn:
    new = data.address if data.key == ADDRESS_KEY else data.phone
    buttons = (
        (main_btn("course.contact_yes", payloads.pick(CONTACT_CONFIRM, dossier.id)),),
        _cancel_row(),
    )
    text = say(
        "course.contact_confirm",
        buttons,
        code=dossier.code,
        field=field_name(data.key),
        old=contact_value(dossier.answers.get(data.key, "")),
        new=contact_value(new),
    )
    return Turn(NAME, ContactState.AWAITING_CONFIRM, data, (text,))


async def confirmed(ctx: Context, data: ContactData, dossier_id: str) -> Turn:
    """The confirm button: record the change if it is the one being confirmed."""
    found = await owned(ctx, dossier_id)
    if isinstance(found, Turn):
        return found
    new = data.address if data.key == ADDRESS_KEY else data.phone
    if data.dossier_id != dossier_id or not new:
        return await stale_confirm(ctx, dossier_id)
    locked = await ctx.repos.dossiers.by_code(found.code) or found
    try:
        updated = await change_contact(ctx.repos, locked, data.key, new, ctx.clock.now())
    except CourseRefused as refused:
        key = "course.contact_unchanged" if refused.reason == "unchanged" else ""
        notes = (say(key),) if key else (status_now(locked), say("course.contact_not_allowed"))
        return _prepend(await dossiers.open_mine(ctx, locked.id) or home.show(), *notes)
    done = say("course.contact_changed", code=updated.code, field=field_name(data.key))
    return _prepend(await dossiers.open_mine(ctx, updated.id) or home.show(), done)


async def stale_confirm(ctx: Context, dossier_id: str) -> Turn:
    """A confirm button from an earlier screen: nothing pending; the card shows what holds."""
    found = await owned(ctx, dossier_id)
    if isinstance(found, Turn):
        return found
    card = await dossiers.open_mine(ctx, found.id) or home.show()
    return _prepend(card, say("course.contact_stale", code=found.code))


def _prepend(turn: Turn, *messages: Outgoing) -> Turn:
    return replace(turn, messages=(*messages, *turn.messages))


def _cancelled(event: Incoming) -> bool:
    action = payloads.parse(event.payload) if event.kind is IncomingKind.BUTTON else None
    return action is not None and action.verb is Verb.DO and action.arg == "cancel"


async def _cancel(ctx: Context, dossier: Dossier) -> Turn:
    card = await dossiers.open_mine(ctx, dossier.id) or home.show()
    return _prepend(card, say("course.contact_cancelled"))


async def _step_province(ctx: Context, data: ContactData, event: Incoming) -> Turn | None:
    if event.kind is IncomingKind.TEXT:
        return _ask_province(ctx, replace(data, query=event.text.strip()[:100]))
    action = payloads.parse(event.payload) if event.kind is IncomingKind.BUTTON else None
    if action and action.verb is Verb.PICK and action.args[0] == PROVINCES:
        if ctx.places.province(action.args[1]) is None:
            return None
        return _ask_ward(ctx, replace(data, province=action.args[1], query="", page=0))
    return None


async def _step_ward(ctx: Context, data: ContactData, event: Incoming) -> Turn | None:
    if event.kind is IncomingKind.TEXT:
        return _ask_ward(ctx, replace(data, query=event.text.strip()[:100], page=0))
    action = payloads.parse(event.payload) if event.kind is IncomingKind.BUTTON else None
    if action is None:
        return None
    if action.verb is Verb.PAGE and action.args[0] == WARDS and action.args[1].isdigit():
        return _ask_ward(ctx, replace(data, page=int(action.args[1])))
    if action.verb is Verb.PICK and action.args[0] == WARDS:
        ward = ctx.places.ward(action.args[1])
        if ward is None or ward.province_code != data.province:
            return None
        return _ask_detail(ctx, replace(data, ward=ward.code, query=""))
    return None


async def _step_detail(ctx: Context, data: ContactData, event: Incoming) -> Turn | None:
    province, ward = ctx.places.province(data.province), ctx.places.ward(data.ward)
    if event.kind is not IncomingKind.TEXT or province is None or ward is None:
        return None
    detail = " ".join(event.text.split())
    if not detail:
        return _ask_detail(ctx, data)
    if len(detail) > MAX_DETAIL:
        error = Text("error.too_long", {"max": MAX_DETAIL, "length": len(detail)})
        return _ask_detail(ctx, data, say("form.invalid", reason=error))
    value = {
        "province_code": province.code,
        "province": province.name,
        "ward_code": ward.code,
        "ward": ward.name,
        "detail": detail,
    }
    found = await owned(ctx, data.dossier_id)
    return found if isinstance(found, Turn) else _confirm(found, replace(data, address=value))


async def _step_phone(ctx: Context, data: ContactData, event: Incoming) -> Turn | None:
    if event.kind not in (IncomingKind.TEXT, IncomingKind.CONTACT):
        return None
    found = await owned(ctx, data.dossier_id)
    if isinstance(found, Turn):
        return found
    typed = event.contact.phone if event.contact is not None else event.text
    phone = normalise_mobile(typed)
    if phone is None:
        return _ask_phone(found, data, say("form.invalid", reason=phone_error_text(typed)))
    return _confirm(found, replace(data, phone=phone))


async def _step(
    ctx: Context, data: ContactData, event: Incoming, state: ContactState
) -> Turn | None:
    found = await owned(ctx, data.dossier_id)
    if isinstance(found, Turn):
        return found
    if _cancelled(event):
        return await _cancel(ctx, found)
    match state:
        case ContactState.AWAITING_PROVINCE:
            return await _step_province(ctx, data, event)
        case ContactState.AWAITING_WARD:
            return await _step_ward(ctx, data, event)
        case ContactState.AWAITING_DETAIL:
            return await _step_detail(ctx, data, event)
        case ContactState.AWAITING_PHONE:
            return await _step_phone(ctx, data, event)
    return None


async def _prompt(ctx: Context, data: ContactData, state: ContactState) -> Turn:
    found = await owned(ctx, data.dossier_id)
    if isinstance(found, Turn):
        return found
    match state:
        case ContactState.AWAITING_WARD:
            return _ask_ward(ctx, data)
        case ContactState.AWAITING_DETAIL:
            return _ask_detail(ctx, data)
        case ContactState.AWAITING_PHONE:
            return _ask_phone(found, data)
        case ContactState.AWAITING_CONFIRM:
            return _confirm(found, data)
    return _ask_province(ctx, data)


def _state_step(state: ContactState) -> Step[ContactData]:
    async def step(ctx: Context, data: ContactData, event: Incoming) -> Turn | None:
        return await _step(ctx, data, event, state)

    return step


def _state_prompt(state: ContactState) -> Prompt[ContactData]:
    async def prompt(ctx: Context, data: ContactData) -> Turn:
        return await _prompt(ctx, data, state)

    return prompt


FLOW: Flow[ContactData] = Flow(
    name=NAME,
    data_type=ContactData,
    steps={state: _state_step(state) for state in ContactState},
    prompts={state: _state_prompt(state) for state in ContactState},
    answers=frozenset(
        {ContactState.AWAITING_PROVINCE, ContactState.AWAITING_WARD, ContactState.AWAITING_DETAIL}
    ),
    typed=frozenset({ContactState.AWAITING_PHONE}),
)
