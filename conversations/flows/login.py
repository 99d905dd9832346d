"""Login by one-time code, with the personal-data notice first when it has not been answered.

    OFFERED ──login──▶ (AWAITING_CONSENT) ──▶ AWAITING_ID ──▶ AWAITING_PHONE ──▶ AWAITING_CODE
            └─guest──▶ (AWAITING_CONSENT) ──▶ back where the citizen was (without login)
    AWAITING_CODE ──right code──▶ logged in, back where the citizen was (the interrupted
                                  action carries on)
    AWAITING_CODE ──resend / change phone──▶ AWAITING_CODE / AWAITING_PHONE

"ID and phone match nobody" and "wrong code" get the same answers: see services.otp.
A refused request goes back to the code question only when a live code was sent for this
very ID and phone (after "change phone" none was: the phone question is asked again).
`/login` typed in a form, the documents, the submission or a procedure card comes back to the
same step; the form then offers the registry's data (conversations.flows.form_identity).
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from conversations import payloads
from conversations.flow import Context, Flow, Turn
from conversations.flows import home
from conversations.messages import (
    Button,
    Expects,
    Incoming,
    IncomingKind,
    Outgoing,
    Text,
    btn,
    say,
)
from conversations.steps import Call, Window, plain
from conversations.validation_texts import phone_error_text
from conversations.widgets import AnyEvent, Back, Cancel, Do, TextInput, Typed, number
from services.citizens import Citizen, Person
from services.clock import today
from services.codec import CodecError, from_json
from services.consent import NOTICE_VERSION, Consent
from services.identity import IdNumberError, mask_phone, normalise_mobile, parse_id_number
from services.otp import RequestStatus, VerifyStatus

NAME = "login"


class LoginState(StrEnum):
    """What the login awaits."""

    OFFERED = "OFFERED"
    AWAITING_CONSENT = "AWAITING_CONSENT"
    AWAITING_ID = "AWAITING_ID"
    AWAITING_PHONE = "AWAITING_PHONE"
    AWAITING_CODE = "AWAITING_CODE"


@dataclass(frozen=True, slots=True)
class Resume:
    """Where to return after login: a state, its data, and the action to carry on with."""

    flow: str
    state: str
    data: dict[str, Any] = field(default_factory=dict)
    payload: str = ""  # replayed after a login
    guest_payload: str = ""  # replayed when the citizen goes on without logging in


@dataclass(frozen=True, slots=True)
class LoginData:
    """The ID number and phone typed so far, and where to go back."""

    id_number: str = ""
    phone: str = ""
    guest: bool = False  # consent asked on the way to continue without login
    resume: Resume | None = None


async def offer(ctx: Context, resume: Resume) -> Turn:
    """Suggest logging in before an action that goes better logged in (filing a form)."""
    buttons = (
        (btn("login.do_login", payloads.do("login")),),
        (btn("login.as_guest", payloads.do("guest")),),
        (btn("btn.back", payloads.do("back")),),
    )
    data = LoginData(resume=resume)
    return Turn(NAME, LoginState.OFFERED, data, (say("login.offer", buttons),))


async def start(ctx: Context, resume: Resume | None = None) -> Turn:
    """Begin the login (after the personal-data notice, when it has not been answered)."""
    data = LoginData(resume=resume)
    if not await has_consent(ctx):
        return _ask_consent(data)
    return _ask_id(data)


async def has_consent(ctx: Context) -> bool:
    """This chat accepted the notice in force."""
    consent = await ctx.repos.consents.get(ctx.address.key)
    return consent is not None and consent.current


def _ask_consent(data: LoginData) -> Turn:
    buttons = (
        (btn("consent.accept", payloads.do("accept")),),
        (btn("consent.decline", payloads.do("decline")),),
    )
    return Turn(NAME, LoginState.AWAITING_CONSENT, data, (say("consent.notice", buttons),))


def _ask_id(data: LoginData) -> Turn:
    buttons = ((btn("btn.cancel", payloads.do("cancel")),),)
    ask = Outgoing(Text("login.ask_id"), buttons, expects=Expects.ID_NUMBER)
    return Turn(NAME, LoginState.AWAITING_ID, data, (ask,))


def _ask_phone(data: LoginData) -> Turn:
    buttons: tuple[tuple[Button, ...], ...] = (
        (btn("btn.back", payloads.do("back")), btn("btn.cancel", payloads.do("cancel"))),
    )
    if data.phone:  # a send was refused for now: offer to try again without retyping
        buttons = ((btn("login.retry_send", payloads.do("resend")),), *buttons)
    message = Outgoing(
        Text("login.ask_phone"), buttons, request_contact=True, expects=Expects.PHONE
    )
    return Turn(NAME, LoginState.AWAITING_PHONE, data, (message,))


def _code_buttons() -> tuple[tuple[Button, ...], ...]:
    return (
        (btn("login.resend", payloads.do("resend")),),
        (btn("login.change_phone", payloads.do("back")), btn("btn.cancel", payloads.do("cancel"))),
    )


def _ask_code(data: LoginData, *before: Outgoing) -> Turn:
    text = Text("login.ask_code", {"phone": mask_phone(data.phone)})
    ask = Outgoing(text, _code_buttons(), expects=Expects.CODE)
    return Turn(NAME, LoginState.AWAITING_CODE, data, (*before, ask))


def back_to(resume: Resume | None, payload: str = "", *before: Outgoing) -> Turn:
    """Return where the citizen was, carrying on with `payload` if given, else re-asking."""
    if resume is None:
        return home.show(*before)
    return Turn(resume.flow, resume.state, resume.data, before, then=payload, prompt=not payload)


def _cancel(data: LoginData) -> Turn:
    return back_to(data.resume, "", say("login.cancelled"))


def cancel_typed(raw: object) -> Turn:
    """`/cancel` typed during a login: back where it began (the form's question), as the
    cancel button does; the main menu when that is unknown."""
    try:
        data = from_json(LoginData, raw)
    except CodecError:
        return home.show(say("login.cancelled"))
    return _cancel(data)


async def _guest(c: Call[LoginData]) -> Turn:
    if not await has_consent(c.ctx):
        return _ask_consent(replace(c.data, guest=True))
    resume = c.data.resume
    return back_to(resume, resume.guest_payload if resume else "")


async def _consent(c: Call[LoginData], accepted: bool) -> Turn:
    ctx, data = c.ctx, c.data
    await ctx.repos.consents.record(
        Consent(ctx.address.key, NOTICE_VERSION, accepted, ctx.clock.now(), ctx.citizen_id)
    )
    if not accepted:
        return back_to(data.resume, "", say("consent.declined"))
    if data.guest:
        resume = data.resume
        return back_to(resume, resume.guest_payload if resume else "", say("consent.thanks"))
    return _ask_id(data).saying(say("consent.thanks"))


def _id_typed(c: Call[LoginData], text: str) -> Turn:
    try:
        number = parse_id_number(text, today(c.ctx.clock))
    except IdNumberError as error:
        reason = Text(f"error.cccd_{error.problem.value}", dict(error.params))
        return _ask_id(c.data).saying(say("form.invalid", reason=reason))
    return _ask_phone(replace(c.data, id_number=number.number))


def _phone_typed(c: Call[LoginData], text: str) -> Awaitable[Turn] | Turn:
    phone = normalise_mobile(text)
    if phone is None:  # say the real problem: letters, a landline, a digit short…
        return _ask_phone(c.data).saying(say("form.invalid", reason=phone_error_text(text)))
    return _request(c.ctx, replace(c.data, phone=phone))


def _contact_shared(c: Call[LoginData], event: Incoming) -> Awaitable[Turn] | Turn | None:
    if event.contact is None:
        return None
    if not event.contact.own:
        return _ask_phone(c.data).saying(say("login.not_own_contact"))
    phone = normalise_mobile(event.contact.phone)
    if phone is None:
        return _ask_phone(c.data).saying(say("form.invalid", reason=Text("error.phone")))
    return _request(c.ctx, replace(c.data, phone=phone))


async def _request(ctx: Context, data: LoginData) -> Turn:
    result = await ctx.otp.request(ctx.address.key, data.id_number, data.phone, ctx.source or None)
    if result.status is RequestStatus.SENT:
        sent = say("login.code_sent", phone=mask_phone(data.phone), minutes=result.valid_minutes)
        return _ask_code(data, sent)
    key = {
        RequestStatus.WAIT: "login.wait_resend",
        RequestStatus.LIMIT: "login.too_many_codes",
        RequestStatus.LOCKED: "login.locked",
    }[result.status]
    refused = say(key, seconds=result.wait, minutes=-(-result.wait // 60))
    # Back to the code only when a live code was sent for this very ID and phone: after
    # "change phone" the chat's open code is for the old number, and none went to this one.
    if await ctx.otp.pending(ctx.address.key, data.id_number, data.phone):
        return _ask_code(data, refused)
    return _ask_phone(data).saying(refused)


def _six_digits(text: str) -> str | None:
    code = "".join(text.split())
    return code if len(code) == 6 and code.isascii() and number(code) is not None else None


async def _code_typed(c: Call[LoginData], code: str) -> Turn:
    ctx, data = c.ctx, c.data
    result = await ctx.otp.verify(ctx.address.key, data.id_number, data.phone, code)
    if result.status is VerifyStatus.OK and result.person is not None:
        return await _logged_in(ctx, data, result.person)
    message = {
        VerifyStatus.WRONG: say("login.code_wrong", left=result.attempts_left),
        VerifyStatus.EXPIRED: say("login.code_expired"),
        VerifyStatus.EXHAUSTED: say("login.code_exhausted"),
        VerifyStatus.LOCKED: say(
            "login.locked", seconds=result.wait, minutes=-(-result.wait // 60)
        ),
    }[result.status]
    if result.status is VerifyStatus.WRONG and result.wait:
        message = say("login.code_wrong_wait", seconds=result.wait)
    return _ask_code(data, message)


async def _logged_in(ctx: Context, data: LoginData, person: Person) -> Turn:
    """Create or refresh the citizen, link this chat, claim its anonymous drafts."""
    now = ctx.clock.now()
    citizen = await ctx.repos.citizens.find(person.id_number)
    citizen = Citizen(citizen.id if citizen else ctx.ids.new_id(), person)
    await ctx.repos.citizens.save(citizen, now)
    await ctx.repos.citizens.link(citizen.id, ctx.address.key, now)
    for draft in await ctx.drafts.list_for(ctx.address.key, None):
        if draft.citizen_id is None:
            await ctx.drafts.update(replace(draft, citizen_id=citizen.id))
    consent = await ctx.repos.consents.get(ctx.address.key)
    if consent is not None:
        await ctx.repos.consents.record(replace(consent, citizen_id=citizen.id))
    welcome = say("login.success", name=person.full_name)
    turn = back_to(data.resume, data.resume.payload if data.resume else "", welcome)
    return replace(turn, login=citizen.id)


def _resume_or_home(data: LoginData) -> Resume:
    return data.resume or Resume(home.NAME, home.MenuState.AWAITING_CHOICE)


CANCEL: Do[Call[LoginData]] = Cancel(lambda c: _cancel(c.data))
RESEND: Do[Call[LoginData]] = Do(
    "resend", lambda c: _request(c.ctx, c.data) if c.data.phone else None
)
DIALOG = plain(
    {
        LoginState.OFFERED: Window(
            lambda c: offer(c.ctx, _resume_or_home(c.data)),
            Do("login", lambda c: start(c.ctx, c.data.resume)),
            Do("guest", _guest),
            Back(lambda c: back_to(c.data.resume)),
        ),
        LoginState.AWAITING_CONSENT: Window(
            lambda c: _ask_consent(c.data),
            Do("accept", lambda c: _consent(c, True)),
            Do("decline", lambda c: _consent(c, False)),
        ),
        LoginState.AWAITING_ID: Window(lambda c: _ask_id(c.data), Typed(_id_typed), CANCEL),
        LoginState.AWAITING_PHONE: Window(
            lambda c: _ask_phone(c.data),
            Typed(_phone_typed),
            AnyEvent(IncomingKind.CONTACT, _contact_shared),
            RESEND,
            Back(lambda c: _ask_id(replace(c.data, id_number="", phone=""))),
            CANCEL,
        ),
        LoginState.AWAITING_CODE: Window(
            lambda c: _ask_code(c.data),
            RESEND,
            Back(lambda c: _ask_phone(replace(c.data, phone=""))),
            CANCEL,
            TextInput(
                _code_typed, _six_digits, lambda c, _: _ask_code(c.data, say("login.code_format"))
            ),
        ),
    }
)
FLOW: Flow[LoginData] = Flow(
    name=NAME,
    data_type=LoginData,
    steps=DIALOG.steps,
    prompts=DIALOG.prompts,
    typed=frozenset({LoginState.AWAITING_ID, LoginState.AWAITING_PHONE, LoginState.AWAITING_CODE}),
)
