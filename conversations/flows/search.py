"""Finding a procedure: free-text search or browsing by sector, its card, then the agency.

States and what each awaits:
    AWAITING_QUERY   ──text──▶ AWAITING_PICK (results)      AWAITING_SECTOR ──pick──▶ AWAITING_PICK
    AWAITING_PICK    ──pick──▶ VIEWING (procedure card)     ──page / new text──▶ itself
    VIEWING          ──apply─▶ AWAITING_WARD (commune-level) or the form (province-level)
    AWAITING_WARD    ──text filters, pick──▶ the form flow
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass, replace
from enum import StrEnum

from conversations import payloads
from conversations.cards import both, card, procedure_name
from conversations.flow import Context, Flow, Turn
from conversations.flows import form, login
from conversations.flows.home import home_row
from conversations.messages import (
    Button,
    Lines,
    Outgoing,
    Text,
    btn,
    main_btn,
    raw,
    say,
)
from conversations.picker import list_buttons
from conversations.steps import Call, Window, plain
from conversations.widgets import Back, Do, Pager, Select, Typed
from services.catalog import Level, Procedure
from services.codec import to_json

NAME = "search"
MAX_RESULTS = 30
CLOSEST = 3  # neighbours shown, labelled as such, when nothing fits
RESULTS, SECTORS, WARDS = "r", "s", "w"


class SearchState(StrEnum):
    """What the search awaits."""

    AWAITING_QUERY = "AWAITING_QUERY"
    AWAITING_SECTOR = "AWAITING_SECTOR"
    AWAITING_PICK = "AWAITING_PICK"
    VIEWING = "VIEWING"
    AWAITING_WARD = "AWAITING_WARD"


@dataclass(frozen=True, slots=True)
class SearchData:
    """The query or sector, its results, the page shown and the procedure chosen."""

    query: str = ""
    sector: str = ""
    results: tuple[str, ...] = ()
    page: int = 0
    procedure: str = ""
    ward_query: str = ""
    ward_page: int = 0


async def ask(ctx: Context) -> Turn:
    """Ask what to search for."""
    return Turn(
        NAME,
        SearchState.AWAITING_QUERY,
        SearchData(),
        (
            say(
                "search.ask",
                ((btn("menu.browse", payloads.menu("browse")),), home_row()),
            ),
        ),
    )


async def browse(ctx: Context) -> Turn:
    """List the sectors to browse."""
    return await _prompt_sector(ctx, SearchData())


async def run_query(ctx: Context, query: str) -> Turn:
    """Search and show the first page of results (or say honestly that nothing fits)."""
    query = " ".join(query.split())[:200]
    hits = ctx.catalog.search(query, MAX_RESULTS) if query else []
    if not hits:
        return _nothing_fits(ctx, query)
    if hits[0].score == float("inf"):  # a national code: straight to its card
        data = SearchData(query=query, results=(hits[0].procedure.id,), procedure="")
        return await _show_card(ctx, data, hits[0].procedure)
    data = SearchData(query=query, results=tuple(hit.procedure.id for hit in hits))
    return await _prompt_pick(ctx, data)


def _nothing_fits(ctx: Context, query: str) -> Turn:
    """No procedure answers: say so, explain where such matters go, offer what is near."""
    elsewhere = ctx.catalog.elsewhere(query) if query else []
    closest = [] if elsewhere or not query else ctx.catalog.closest(query, CLOSEST)
    details: list[Text] = [
        Text("search.elsewhere", {"where": both(t.where), "explain": both(t.explain)})
        for t in elsewhere
    ]
    sectors = []
    for hit in closest:
        sector = ctx.catalog.sector(hit.procedure.sector_id)
        if sector is not None and sector not in sectors:
            sectors.append(sector)
    if closest:
        details.append(Text("search.closest"))
    details += [Text("search.try_again"), Text("search.ask_person")]
    buttons: list[tuple[Button, ...]] = [(btn("menu.browse", payloads.menu("browse")),)]
    buttons += [
        (
            btn(
                "search.closest_button",
                payloads.pick(RESULTS, hit.procedure.id),
                name=procedure_name(hit.procedure),
            ),
        )
        for hit in closest
    ]
    buttons += [
        (btn("search.sector_button", payloads.pick(SECTORS, sector.id), sector=both(sector.name)),)
        for sector in sectors[:CLOSEST]
    ]
    buttons.append((btn("human.button", payloads.menu("human")),))  # a person may help
    buttons.append(home_row())
    data = SearchData(query=query, results=tuple(hit.procedure.id for hit in closest))
    text = Text("search.none", {"query": query, "details": Lines(tuple(details))})
    return Turn(NAME, SearchState.AWAITING_QUERY, data, (Outgoing(text, tuple(buttons)),))


async def _prompt_query(ctx: Context, data: SearchData) -> Turn:
    return await ask(ctx)


async def _prompt_sector(ctx: Context, data: SearchData) -> Turn:
    items = [(s.id, Text("raw", {"text": s.name.get(ctx.lang)})) for s in ctx.catalog.sectors]
    rows, _ = list_buttons(SECTORS, items, data.page, 20)
    turn_data = replace(data, sector="", results=())
    return Turn(
        NAME,
        SearchState.AWAITING_SECTOR,
        turn_data,
        (say("search.sectors", (*rows, home_row())),),
    )


async def _prompt_pick(ctx: Context, data: SearchData) -> Turn:
    procedures = [p for p in (ctx.catalog.procedure(i) for i in data.results) if p]
    items = [(p.id, procedure_name(p)) for p in procedures]
    rows, page = list_buttons(RESULTS, items, data.page, ctx.settings.page_size)
    sector = ctx.catalog.sector(data.sector) if data.sector else None
    if sector is not None:
        header = Text("search.sector_results", {"sector": both(sector.name), "count": len(items)})
    else:
        header = Text("search.results", {"query": data.query, "count": len(items)})
    text = Text(
        "search.results_page",
        {"header": header, "page": page.number + 1, "pages": page.count},
    )
    buttons = (*rows, (btn("btn.new_search", payloads.menu("search")),), home_row())
    return Turn(
        NAME,
        SearchState.AWAITING_PICK,
        replace(data, page=page.number),
        (Outgoing(text, buttons),),
    )


async def _show_card(ctx: Context, data: SearchData, proc: Procedure) -> Turn:
    data = replace(data, procedure=proc.id, ward_query="", ward_page=0)
    return await _prompt_viewing(ctx, data)


async def _prompt_viewing(ctx: Context, data: SearchData) -> Turn:
    proc = ctx.catalog.procedure(data.procedure)
    if proc is None:
        return await ask(ctx)
    buttons: list[tuple[Button, ...]] = [(main_btn("search.apply", payloads.do("apply")),)]
    if len(data.results) > 1:
        buttons.append((btn("btn.back_to_results", payloads.do("back")),))
    buttons.append(home_row())
    return Turn(
        NAME,
        SearchState.VIEWING,
        data,
        (Outgoing(card(proc, ctx), tuple(buttons)),),
    )


async def _prompt_ward(ctx: Context, data: SearchData) -> Turn:
    province = ctx.places.province(ctx.settings.province_code)
    if data.ward_query:
        wards = ctx.places.find_wards(ctx.settings.province_code, data.ward_query)
    else:
        wards = list(ctx.places.wards(ctx.settings.province_code))
    items = [(w.code, raw(w.name)) for w in wards]
    rows, page = list_buttons(WARDS, items, data.ward_page, 8, per_row=2)
    key = "search.ward_matches" if data.ward_query else "search.ward_ask"
    if data.ward_query and not wards:
        key = "search.ward_none"
    text = Text(
        key,
        {
            "province": province.name if province else "",
            "query": data.ward_query,
            "page": page.number + 1,
            "pages": page.count,
        },
    )
    buttons = (*rows, (btn("btn.back", payloads.do("back")),), home_row())
    return Turn(
        NAME,
        SearchState.AWAITING_WARD,
        replace(data, ward_page=page.number),
        (Outgoing(text, buttons),),
    )


async def _query(c: Call[SearchData], text: str) -> Turn:
    return await run_query(c.ctx, text)


async def _sector(c: Call[SearchData], sector_id: str) -> Turn | None:
    sector = c.ctx.catalog.sector(sector_id)
    if sector is None:
        return None
    results = tuple(p.id for p in c.ctx.catalog.in_sector(sector.id))
    return await _prompt_pick(c.ctx, SearchData(sector=sector.id, results=results))


async def _result(c: Call[SearchData], procedure_id: str) -> Turn | None:
    proc = c.ctx.catalog.procedure(procedure_id) if procedure_id in c.data.results else None
    return await _show_card(c.ctx, c.data, proc) if proc else None


async def _apply(c: Call[SearchData], how: str) -> Turn | None:
    ctx, data = c.ctx, c.data
    proc = ctx.catalog.procedure(data.procedure)
    if proc is None:
        return None
    if ctx.citizen is None and (how == "apply" or not await login.has_consent(ctx)):
        # Logged in, the applicant block is filled from the registry; a guest may go on.
        resume = login.Resume(NAME, SearchState.VIEWING, to_json(data), "d:apply", "d:guest")
        return await login.offer(ctx, resume)
    if proc.level is Level.COMMUNE:
        return await _prompt_ward(ctx, data)
    agency = ctx.catalog.agencies.provincial(proc)
    if agency is None:
        return Turn(NAME, SearchState.VIEWING, data, (say("proc.agency_missing"),))
    return await form.start(ctx, proc, agency)


async def _back_to_results(c: Call[SearchData]) -> Turn | None:
    if len(c.data.results) > 1 and c.ctx.catalog.procedure(c.data.procedure):
        return await _prompt_pick(c.ctx, c.data)
    return None


async def _ward(c: Call[SearchData], ward_code: str) -> Turn | None:
    ctx, data = c.ctx, c.data
    proc = ctx.catalog.procedure(data.procedure)
    ward = ctx.places.ward(ward_code)
    if proc is None or ward is None or ward.province_code != ctx.settings.province_code:
        return None
    agency = ctx.catalog.agencies.for_ward(proc, ward.code)
    if agency is None:
        return Turn(NAME, SearchState.AWAITING_WARD, data, (say("proc.agency_missing"),))
    return await form.start(ctx, proc, agency)


def _has_procedure(c: Call[SearchData]) -> bool:
    """Buttons about the chosen procedure mean nothing once it left the catalogue."""
    return c.ctx.catalog.procedure(c.data.procedure) is not None


def _ward_page(c: Call[SearchData], page: int) -> Awaitable[Turn] | None:
    return _prompt_ward(c.ctx, replace(c.data, ward_page=page)) if _has_procedure(c) else None


def _ward_filter(c: Call[SearchData], text: str) -> Awaitable[Turn]:
    return _prompt_ward(c.ctx, replace(c.data, ward_query=text[:100], ward_page=0))


QUERY, SECTOR = Typed(_query), Select(SECTORS, _sector)
RESULT = Select(RESULTS, _result)
PAGES: Pager[Call[SearchData]] = Pager(
    RESULTS, lambda c, page: _prompt_pick(c.ctx, replace(c.data, page=page))
)
DIALOG = plain(
    {
        SearchState.AWAITING_QUERY: Window(lambda c: ask(c.ctx), QUERY, SECTOR, PAGES, RESULT),
        SearchState.AWAITING_SECTOR: Window(lambda c: _prompt_sector(c.ctx, c.data), QUERY, SECTOR),
        SearchState.AWAITING_PICK: Window(
            lambda c: _prompt_pick(c.ctx, c.data),
            QUERY,
            PAGES,
            RESULT,
        ),
        SearchState.VIEWING: Window(
            lambda c: _prompt_viewing(c.ctx, c.data),
            QUERY,
            Back(_back_to_results),
            Do("apply", lambda c: _apply(c, "apply")),
            Do("guest", lambda c: _apply(c, "guest")),
        ),
        SearchState.AWAITING_WARD: Window(
            lambda c: _prompt_ward(c.ctx, c.data),
            Typed(_ward_filter),
            Back(lambda c: _prompt_viewing(c.ctx, c.data) if _has_procedure(c) else None),
            Pager(WARDS, _ward_page),
            Select(WARDS, _ward),
        ),
    }
)
FLOW: Flow[SearchData] = Flow(
    name=NAME,
    data_type=SearchData,
    steps=DIALOG.steps,
    prompts=DIALOG.prompts,
    typed=frozenset(SearchState),  # typed text is a new query (or a ward's name)
)
