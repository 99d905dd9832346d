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
from conversations.flow import Context, Flow, Turn
from conversations.flows import dossiers, home
from conversations.flows.course_access import Owner, owned, owner, status_now
from conversations.messages import (
    Button,
    Expects,
    Incoming,
    IncomingKind,
    Outgoing,
    Text,
    btn,
    main_btn,
    say,
)
from conversations.place_lists import PROVINCES, WARDS, province_rows, ward_rows
from conversations.steps import Dialog, Window, unreachable
from conversations.validation_texts import phone_error_text
from conversations.widgets import AnyEvent, Cancel, Pager, Select, Typed
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


Changing = Owner[ContactData]


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
    key, rows = province_rows(ctx.places, ctx.settings.province_code, data.query)
    text = Text(key, {"question": Text("course.address_question"), "query": data.query})
    message = Outgoing(text, (*rows, _cancel_row()))
    return Turn(NAME, ContactState.AWAITING_PROVINCE, data, (message,))


def _ask_ward(ctx: Context, data: ContactData) -> Turn:
    text, rows, page = ward_rows(ctx.places, data.province, data.query, data.page)
    message = Outgoing(text, (*rows, _cancel_row()))
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


async def _cancel(c: Changing) -> Turn:
    card = await dossiers.open_mine(c.ctx, c.dossier.id) or home.show()
    return _prepend(card, say("course.contact_cancelled"))


def _province(c: Changing, code: str) -> Turn | None:
    if c.ctx.places.province(code) is None:
        return None
    return _ask_ward(c.ctx, replace(c.data, province=code, query="", page=0))


def _ward(c: Changing, code: str) -> Turn | None:
    ward = c.ctx.places.ward(code)
    if ward is None or ward.province_code != c.data.province:
        return None
    return _ask_detail(c.ctx, replace(c.data, ward=ward.code, query=""))


def _detail(c: Changing, typed: str) -> Turn | None:
    ctx, data = c.ctx, c.data
    province, ward = ctx.places.province(data.province), ctx.places.ward(data.ward)
    if province is None or ward is None:
        return None
    detail = " ".join(typed.split())
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
    return _confirm(c.dossier, replace(data, address=value))


def _phone(c: Changing, typed: str) -> Turn:
    phone = normalise_mobile(typed)
    if phone is None:
        return _ask_phone(c.dossier, c.data, say("form.invalid", reason=phone_error_text(typed)))
    return _confirm(c.dossier, replace(c.data, phone=phone))


def _shared(c: Changing, event: Incoming) -> Turn:
    return _phone(c, event.contact.phone if event.contact is not None else event.text)


DIALOG: Dialog[ContactData, Changing] = Dialog(
    owner,
    unreachable,
    {
        ContactState.AWAITING_PROVINCE: Window(
            lambda c: _ask_province(c.ctx, c.data),
            Typed(
                lambda c, typed: _ask_province(c.ctx, replace(c.data, query=typed.strip()[:100]))
            ),
            Select(PROVINCES, _province),
        ),
        ContactState.AWAITING_WARD: Window(
            lambda c: _ask_ward(c.ctx, c.data),
            Typed(
                lambda c, typed: _ask_ward(
                    c.ctx, replace(c.data, query=typed.strip()[:100], page=0)
                )
            ),
            Pager(WARDS, lambda c, page: _ask_ward(c.ctx, replace(c.data, page=page))),
            Select(WARDS, _ward),
        ),
        ContactState.AWAITING_DETAIL: Window(lambda c: _ask_detail(c.ctx, c.data), Typed(_detail)),
        ContactState.AWAITING_PHONE: Window(
            lambda c: _ask_phone(c.dossier, c.data),
            Typed(_phone),
            AnyEvent(IncomingKind.CONTACT, _shared),
        ),
        ContactState.AWAITING_CONFIRM: Window(lambda c: _confirm(c.dossier, c.data)),
    },
    common=(Cancel(_cancel),),
)
FLOW: Flow[ContactData] = Flow(
    name=NAME,
    data_type=ContactData,
    steps=DIALOG.steps,
    prompts=DIALOG.prompts,
    answers=frozenset(
        {ContactState.AWAITING_PROVINCE, ContactState.AWAITING_WARD, ContactState.AWAITING_DETAIL}
    ),
    typed=frozenset({ContactState.AWAITING_PHONE}),
)
