"""The citizen's profile and personal-data rights: /profile, /mydata, /deletemydata.

VIEWING ──refresh──▶ VIEWING (re-read from the population registry, address converted)
        ──logout───▶ menu
MYDATA  ──erase────▶ CONFIRMING_ERASE ──confirm──▶ menu (everything erased, logged out)
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass, replace
from enum import StrEnum

from conversations import payloads
from conversations.flow import Context, Flow, Turn
from conversations.flows import home, login
from conversations.messages import Day, Lines, Outgoing, Text, btn, say
from conversations.steps import Call, Window, plain
from conversations.widgets import Back, Do
from services import personal_data
from services.citizens import Citizen
from services.identity import Sex, mask_id, mask_phone

NAME = "profile"


class ProfileState(StrEnum):
    """What the profile screens await."""

    VIEWING = "VIEWING"
    MYDATA = "MYDATA"
    CONFIRMING_ERASE = "CONFIRMING_ERASE"


@dataclass(frozen=True, slots=True)
class ProfileData:
    """The profile screens keep no data."""


def _card(ctx: Context, citizen: Citizen, *before: Outgoing) -> Turn:
    person = citizen.person
    address = person.address
    text = Text(
        "profile.card",
        {
            "name": person.full_name,
            "birth": Day(person.birth_date),
            "sex": Text("profile.sex_female" if person.sex is Sex.FEMALE else "profile.sex_male"),
            "id": mask_id(person.id_number),
            "phone": mask_phone(person.phone),
            "address": address.line() or "—",
            "address_note": "" if address.is_two_level else Text("profile.address_old"),
        },
    )
    buttons = (
        (btn("profile.refresh", payloads.do("refresh")),),
        (btn("profile.mydata", payloads.do("mydata")),),
        (btn("profile.logout", payloads.do("logout")), btn("btn.menu", payloads.menu("home"))),
    )
    return Turn(NAME, ProfileState.VIEWING, ProfileData(), (*before, Outgoing(text, buttons)))


async def show(ctx: Context) -> Turn:
    """The profile, after a login if needed."""
    if ctx.citizen is None:
        return await login.start(ctx, login.Resume(NAME, ProfileState.VIEWING))
    return _card(ctx, ctx.citizen)


async def show_mydata(ctx: Context) -> Turn:
    """What is held about this chat (and the citizen, when logged in)."""
    held = await personal_data.holdings(ctx.repos, ctx.address.key, ctx.citizen_id)
    consent = held.consent
    lines = [
        Text("mydata.profile", {"name": ctx.citizen.person.full_name})
        if ctx.citizen
        else Text("mydata.no_profile"),
        *((Text("mydata.chats", {"count": len(held.chats)}),) if ctx.citizen else ()),
        Text("mydata.drafts", {"count": held.drafts}),
        Text(
            "mydata.consent_yes" if consent and consent.accepted else "mydata.consent_no",
            {"day": Day(consent.at)} if consent else {},
        )
        if consent
        else Text("mydata.consent_none"),
    ]
    buttons = (
        (btn("mydata.erase", payloads.do("erase")),),
        (btn("btn.menu", payloads.menu("home")),),
    )
    text = Text("mydata.list", {"lines": Lines(tuple(lines))})
    return Turn(NAME, ProfileState.MYDATA, ProfileData(), (Outgoing(text, buttons),))


def confirm_erase() -> Turn:
    """Ask before erasing."""
    buttons = (
        (btn("mydata.erase_confirm", payloads.do("erase_confirm")),),
        (btn("btn.cancel", payloads.do("back")),),
    )
    return Turn(
        NAME, ProfileState.CONFIRMING_ERASE, ProfileData(), (say("mydata.erase_ask", buttons),)
    )


def logout(ctx: Context) -> Turn:
    """Log this chat out (other chats of the citizen stay logged in)."""
    return replace(home.show(say("login.logged_out")), logout=True)


async def _refresh(ctx: Context, citizen: Citizen) -> Turn:
    person = await ctx.registry.lookup(citizen.person.id_number)
    if person is None:
        return _card(ctx, citizen, say("profile.not_in_registry"))
    notes: list[Outgoing] = [say("profile.refreshed")]
    if not person.address.is_two_level and person.address.legacy:
        converted = ctx.addresses.to_two_level(person.address.legacy)
        if converted is not None:
            person = replace(person, address=converted)
            notes.append(
                say("profile.address_converted", old=converted.legacy, new=converted.line())
            )
        else:
            notes.append(say("profile.address_unconverted"))
    updated = Citizen(citizen.id, person)
    await ctx.repos.citizens.save(updated, ctx.clock.now())
    return _card(ctx, updated, *notes)


async def _erase(c: Call[ProfileData]) -> Turn:
    erased = await personal_data.erase(c.ctx.repos, c.ctx.address.key, c.ctx.citizen_id)
    return replace(home.show(say("mydata.erased", drafts=erased)), logout=True)


def _logged_out(c: Call[ProfileData]) -> Awaitable[Turn] | None:
    """Logged out meanwhile (elsewhere, or idle): the profile screen says so."""
    return show(c.ctx) if c.ctx.citizen is None else None


async def _refreshed(c: Call[ProfileData]) -> Turn:
    assert c.ctx.citizen is not None  # _logged_out
    return await _refresh(c.ctx, c.ctx.citizen)


DIALOG = plain(
    {
        ProfileState.VIEWING: Window(
            lambda c: show(c.ctx),
            Do("refresh", _refreshed),
            Do("mydata", lambda c: show_mydata(c.ctx)),
            Do("logout", lambda c: logout(c.ctx)),
            before=_logged_out,
        ),
        ProfileState.MYDATA: Window(
            lambda c: show_mydata(c.ctx), Do("erase", lambda c: confirm_erase())
        ),
        ProfileState.CONFIRMING_ERASE: Window(
            lambda c: confirm_erase(),
            Back(lambda c: show_mydata(c.ctx)),
            Do("erase_confirm", _erase),
        ),
    }
)
FLOW: Flow[ProfileData] = Flow(
    name=NAME, data_type=ProfileData, steps=DIALOG.steps, prompts=DIALOG.prompts
)
