"""Choosing who a broadcast goes to: everyone; the residents of one commune/ward (its name or
code, found in the same administrative units the address questions use); the owners and
followers of dossiers of one procedure (searched like the citizen search); or one platform.

Each choice returns the data with the audience when it is complete: the broadcast flow
then shows the preview; else the next question (or None: not applicable).
"""

from __future__ import annotations

from dataclasses import replace

from conversations import payloads
from conversations.cards import procedure_name
from conversations.flow import Context, Turn
from conversations.flows.broadcast_state import BroadcastData, BroadcastState, ask
from conversations.messages import Button, Outgoing, Text, btn, raw, say
from conversations.picker import list_buttons
from services.broadcasts import PLATFORMS, Audience, AudienceKind
from services.text_folding import fold

WARDS, PROCEDURES, PLATFORM = "bw", "bp", "bf"
MAX_FOUND = 30
_ASKING = {
    AudienceKind.WARD: BroadcastState.AWAITING_WARD,
    AudienceKind.PROCEDURE: BroadcastState.AWAITING_PROCEDURE,
    AudienceKind.PLATFORM: BroadcastState.AWAITING_PLATFORM,
}
# (ask, found, nothing found) for the searched audiences.
_SEARCH_TEXTS = {
    AudienceKind.WARD: ("broadcast.ask_ward", "broadcast.found_ward", "broadcast.none_ward"),
    AudienceKind.PROCEDURE: (
        "broadcast.ask_procedure",
        "broadcast.found_procedure",
        "broadcast.none_procedure",
    ),
}
PLATFORM_NAMES = {
    "telegram": "broadcast.platform_telegram",
    "zalo": "broadcast.platform_zalo",
    "web": "broadcast.platform_web",
}


def of(data: BroadcastData) -> Audience:
    """The audience chosen."""
    return Audience(AudienceKind(data.kind or AudienceKind.ALL.value), data.value)


def platform_name(platform: str) -> Text:
    """Telegram, Zalo or the web chat."""
    return Text(PLATFORM_NAMES.get(platform, "broadcast.platform_web"))


def describe(ctx: Context, data: BroadcastData) -> Text:
    """Who the audience is, in words."""
    chosen = of(data)
    if chosen.kind is AudienceKind.WARD:
        ward = ctx.places.ward(chosen.value)
        return Text("broadcast.audience_ward", {"ward": ward.name if ward else chosen.value})
    if chosen.kind is AudienceKind.PROCEDURE:
        proc = ctx.catalog.procedure(chosen.value)
        name = procedure_name(proc) if proc else raw(chosen.value)
        return Text("broadcast.audience_procedure", {"procedure": name})
    if chosen.kind is AudienceKind.PLATFORM:
        return Text("broadcast.audience_platform", {"platform": platform_name(chosen.value)})
    return Text("broadcast.audience_all")


def _back_row() -> tuple[Button, ...]:
    return (btn("btn.back", payloads.do("back")), btn("btn.cancel", payloads.do("cancel")))


def ask_kind(data: BroadcastData, *before: Outgoing) -> Turn:
    """Everyone, a commune/ward, a procedure's people, or a platform?"""
    rows = (
        (btn("broadcast.audience_all_button", payloads.pick("ba", AudienceKind.ALL.value)),),
        (btn("broadcast.audience_ward_button", payloads.pick("ba", AudienceKind.WARD.value)),),
        (
            btn(
                "broadcast.audience_procedure_button",
                payloads.pick("ba", AudienceKind.PROCEDURE.value),
            ),
        ),
        (
            btn(
                "broadcast.audience_platform_button",
                payloads.pick("ba", AudienceKind.PLATFORM.value),
            ),
        ),
        _back_row(),
    )
    fresh = replace(data, kind="", value="", query="", results=(), page=0)
    return ask(
        BroadcastState.AWAITING_AUDIENCE, fresh, *before, say("broadcast.ask_audience", rows)
    )


def _ward_items(ctx: Context, data: BroadcastData) -> list[tuple[str, Text]]:
    found = [ctx.places.ward(code) for code in data.results]
    return [(w.code, raw(f"{w.name} ({w.code})")) for w in found if w is not None]


def _procedure_items(ctx: Context, data: BroadcastData) -> list[tuple[str, Text]]:
    found = [ctx.catalog.procedure(pid) for pid in data.results]
    return [(p.id, procedure_name(p)) for p in found if p is not None]


def ask_value(ctx: Context, data: BroadcastData, *before: Outgoing) -> Turn:
    """Ask for the ward, the procedure or the platform, with what the last query found."""
    kind = AudienceKind(data.kind)
    state = _ASKING[kind]
    if kind is AudienceKind.PLATFORM:
        rows = tuple((Button(platform_name(p), payloads.pick(PLATFORM, p)),) for p in PLATFORMS)
        return ask(state, data, *before, say("broadcast.ask_platform", (*rows, _back_row())))
    list_id, items = (
        (WARDS, _ward_items(ctx, data))
        if kind is AudienceKind.WARD
        else (PROCEDURES, _procedure_items(ctx, data))
    )
    buttons, page = list_buttons(list_id, items, data.page, ctx.settings.page_size)
    asking, found, nothing = _SEARCH_TEXTS[kind]
    key = (found if items else nothing) if data.query else asking
    message = say(key, (*buttons, _back_row()), query=data.query, count=len(items))
    return ask(state, replace(data, page=page.number), *before, message)


def _search(ctx: Context, data: BroadcastData, typed: str) -> BroadcastData:
    """Find wards or procedures; an exact code or a single hit is chosen at once."""
    query = " ".join(typed.split())[:100]
    if data.kind == AudienceKind.WARD.value:
        exact = ctx.places.ward(query)
        if exact is not None:
            return replace(data, value=exact.code)
        wards = ctx.places.find_wards(ctx.settings.province_code, query, MAX_FOUND)
        results = tuple(w.code for w in wards)
    else:
        hits = ctx.catalog.search(query, MAX_FOUND) if query else []
        if hits and hits[0].score == float("inf"):  # a national procedure code
            return replace(data, value=hits[0].procedure.id)
        results = tuple(hit.procedure.id for hit in hits)
    return replace(data, query=query, results=results, page=0, value="")


def _platform(typed: str) -> str | None:
    folded = fold(typed).strip()
    return next((p for p in PLATFORMS if folded == p), None)


def picked(ctx: Context, data: BroadcastData, list_id: str, value: str) -> BroadcastData | None:
    """The audience complete with a platform, ward or procedure picked from its list."""
    if list_id == PLATFORM and value in PLATFORMS:
        return replace(data, value=value)
    if list_id == WARDS and value in data.results and ctx.places.ward(value):
        return replace(data, value=value)
    if list_id == PROCEDURES and value in data.results and ctx.catalog.procedure(value):
        return replace(data, value=value)
    return None


def choose_kind(ctx: Context, data: BroadcastData, value: str) -> Turn | BroadcastData | None:
    """Everyone (complete at once), or the question of the ward, procedure or platform."""
    kind = next((k for k in AudienceKind if k.value == value), None)
    if kind is None:
        return None
    chosen = replace(data, kind=kind.value, value="", query="", results=(), page=0)
    return chosen if kind is AudienceKind.ALL else ask_value(ctx, chosen)


def typed(ctx: Context, data: BroadcastData, text: str) -> Turn | BroadcastData | None:
    """A platform's name, or a ward or procedure searched for."""
    if data.kind == AudienceKind.PLATFORM.value:
        platform = _platform(text)
        return replace(data, value=platform) if platform else None
    found = _search(ctx, data, text)
    return found if found.value else ask_value(ctx, found)


def prompt(ctx: Context, data: BroadcastData, state: BroadcastState) -> Turn:
    """Ask again what the audience screen awaits."""
    if state is BroadcastState.AWAITING_AUDIENCE or not data.kind or data.kind == "all":
        return ask_kind(data)
    return ask_value(ctx, data)
