"""The citizen's dossiers (/mydossiers), the status of any dossier by its code ("Tra cứu hồ
sơ", /status) and the document store (/documents).

LISTING ──pick──▶ VIEWING (status, due date, history) ──pay──▶ the payment screen
AWAITING_CODE ──a dossier code──▶ its card (mine) or what anyone may see of it
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from conversations import course_cards, payloads
from conversations.cards import both
from conversations.flow import Context, Flow, Turn
from conversations.flows import home, submission
from conversations.flows.documents import my_documents
from conversations.handover_messages import with_remote_code
from conversations.ledger_texts import payment_block
from conversations.messages import (
    At,
    Both,
    Button,
    Day,
    Lines,
    Outgoing,
    OutgoingKind,
    Text,
    btn,
    say,
)
from conversations.picker import list_buttons
from conversations.status_messages import FOLLOW, UNFOLLOW, resolve_code
from conversations.steps import Call, Window, plain
from conversations.widgets import Back, Do, Pager, Select, Typed
from services.documents import DocumentSource
from services.dossier_codes import DossierStatus
from services.dossiers import Dossier, Phase
from services.personal_data import belongs_to

NAME = "dossiers"
DOSSIERS = "ds"
RESULTS_SENT = 5  # the latest result files are sent along with the list
EXAMPLE_CODE = "000.01.50.H04-251125-0001"


class DossiersState(StrEnum):
    """What the dossier screens await."""

    LISTING = "LISTING"
    VIEWING = "VIEWING"
    AWAITING_CODE = "AWAITING_CODE"


@dataclass(frozen=True, slots=True)
class DossiersData:
    """The page of the list, or the dossier shown."""

    page: int = 0
    dossier_id: str = ""


def status_text(dossier: Dossier) -> Text:
    """The dossier's status as the citizen reads it."""
    if dossier.phase is Phase.AWAITING_PAYMENT or dossier.status is None:
        return Text("dossiers.awaiting_payment")
    return Text("raw_both", {"text": Both(dossier.status.label("vi"), dossier.status.label("en"))})


def _procedure(ctx: Context, dossier: Dossier) -> Text | str:
    proc = ctx.catalog.procedure(dossier.procedure_id)
    return Text("raw_both", {"text": both(proc.name)}) if proc else dossier.procedure_id


async def show(ctx: Context, page: int = 0) -> Turn:
    """The dossiers of this chat and, when logged in, of the citizen on every chat."""
    listed = await ctx.repos.dossiers.list_for(ctx.address.key, ctx.citizen_id)
    dossiers = [d for d in listed if is_mine(ctx, d)]
    if not dossiers:  # a guest sees none of a citizen's dossiers, even on the chat used
        return home.show(say("dossiers.none" if ctx.citizen_id else "identity.dossiers_login"))
    items = [
        (
            d.id,
            Text(
                "dossiers.item",
                {"code": d.code, "procedure": _procedure(ctx, d), "status": status_text(d)},
            ),
        )
        for d in dossiers
    ]
    rows, shown = list_buttons(DOSSIERS, items, page, ctx.settings.page_size)
    text = Text(
        "dossiers.list", {"count": len(dossiers), "page": shown.number + 1, "pages": shown.count}
    )
    return Turn(
        NAME,
        DossiersState.LISTING,
        DossiersData(page=shown.number),
        (Outgoing(text, (*rows, home.home_row())),),
    )


async def _card(ctx: Context, dossier: Dossier) -> Turn:
    agency = ctx.catalog.agencies.get(dossier.agency_id)
    rating = await ctx.repos.ratings.get(dossier.id)
    block = payment_block(dossier)
    fee = (block,) if isinstance(block, Text) else ()
    history = Lines(
        tuple(
            Text(
                "dossiers.history_line",
                {
                    "at": At(entry.at),
                    "status": Text(
                        "raw_both",
                        {
                            "text": Both(
                                DossierStatus(entry.status).label("vi"),
                                DossierStatus(entry.status).label("en"),
                            )
                        },
                    ),
                },
            )
            for entry in dossier.history
        )
    )
    text = Text(
        "dossiers.card",
        {
            "code": dossier.code,
            "procedure": _procedure(ctx, dossier),
            "agency": Text("raw_both", {"text": both(agency.name)}) if agency else "",
            "status": status_text(dossier),
            "due": Day(dossier.due_date) if dossier.due_date else "—",
            "history": history,
            "payment": Lines((*fee, *course_cards.card_block(ctx.catalog, dossier, rating).items),
                             separator=""),
        },
    )  # fmt: skip
    text = with_remote_code(text, dossier)
    buttons: list[tuple[Button, ...]] = []
    if dossier.phase is Phase.AWAITING_PAYMENT:
        buttons.append((btn("dossiers.pay", payloads.do("pay")),))
    buttons.extend(course_cards.card_buttons(dossier, rating is not None))
    buttons.append(
        (btn("btn.back_to_results", payloads.do("back")), btn("btn.menu", payloads.menu("home")))
    )
    data = DossiersData(dossier_id=dossier.id)
    return Turn(NAME, DossiersState.VIEWING, data, (Outgoing(text, tuple(buttons)),))


async def _mine(ctx: Context, dossier_id: str) -> Dossier | None:
    dossier = await ctx.repos.dossiers.get(dossier_id)
    return dossier if dossier is not None and is_mine(ctx, dossier) else None


async def _pick(c: Call[DossiersData], dossier_id: str) -> Turn | None:
    dossier = await _mine(c.ctx, dossier_id)
    return await _card(c.ctx, dossier) if dossier else None


async def _pay(c: Call[DossiersData]) -> Turn | None:
    dossier = await _mine(c.ctx, c.data.dossier_id)
    if dossier is not None and dossier.phase is Phase.AWAITING_PAYMENT:
        return await submission.show_payment(c.ctx, dossier)
    return None


async def status(ctx: Context, text: str) -> Turn:
    """`/status CODE` for anyone: a non-owner sees procedure, agency, status and dates only."""
    found = await lookup(ctx, text)
    return home.show(found) if isinstance(found, Outgoing) else found


async def lookup(ctx: Context, text: str) -> Turn | Outgoing:
    """The dossier of a typed code: my dossier's card (a screen of its own), else one message
    (what anyone may see of it, or why there is nothing to show)."""
    code = resolve_code(ctx.catalog, text)
    if code is None:
        return say("status.bad_code", example=EXAMPLE_CODE)
    dossier = await ctx.repos.dossiers.by_code(code)
    if dossier is None:
        return say("status.not_found", code=code)
    if is_mine(ctx, dossier):
        return await _card(ctx, dossier)
    return await public_card(ctx, dossier)


def ask_code(*before: Outgoing) -> Turn:
    """Ask for the code of the dossier to look up (the main menu's "Tra cứu hồ sơ")."""
    return Turn(
        NAME,
        DossiersState.AWAITING_CODE,
        DossiersData(),
        (*before, say("dossiers.ask_code", (home.home_row(),), example=EXAMPLE_CODE)),
    )


async def _code(c: Call[DossiersData], typed: str) -> Turn:
    # A well-formed code never gets here: it is read anywhere as /status (conversations.anywhere).
    if resolve_code(c.ctx.catalog, typed) is not None:
        return await status(c.ctx, typed)
    return ask_code(say("dossiers.code_unreadable", example=EXAMPLE_CODE))


async def is_following(ctx: Context, dossier: Dossier) -> bool:
    """Whether this chat follows the dossier (and gets its pushes); a lookup by a follower
    counts as interest, so its following does not expire (services.following)."""
    limits, now = ctx.settings.follow, ctx.clock.now()
    active = await ctx.repos.dossiers.followers(
        dossier.id, limits.active_since(now), limits.per_dossier
    )
    return ctx.address.key in active and await ctx.repos.dossiers.seen(
        dossier.id, ctx.address.key, now
    )


def is_mine(ctx: Context, dossier: Dossier) -> bool:
    """Filed by the citizen logged in here (or, filed anonymously, from this chat)."""
    return belongs_to(ctx.address.key, ctx.citizen_id, dossier.owner, dossier.citizen_id)


async def public_card(ctx: Context, dossier: Dossier) -> Outgoing:
    """What anyone may see of a dossier, with a follow (or unfollow) button."""
    agency = ctx.catalog.agencies.get(dossier.agency_id)
    text_out = Text(
        "status.public",
        {
            "code": dossier.code,
            "procedure": _procedure(ctx, dossier),
            "agency": Text("raw_both", {"text": both(agency.name)}) if agency else "",
            "status": status_text(dossier),
            "submitted": Day(dossier.submitted_at) if dossier.submitted_at else "—",
            "due": Day(dossier.due_date) if dossier.due_date else "—",
        },
    )
    following = await is_following(ctx, dossier)
    button = (
        btn("push.unfollow", payloads.pick(UNFOLLOW, dossier.id))
        if following
        else btn("follow.button", payloads.pick(FOLLOW, dossier.id))
    )
    return Outgoing(text_out, ((button,),))


async def open_mine(ctx: Context, dossier_id: str) -> Turn | None:
    """The card of one of my dossiers (the button under a push); None if not mine."""
    dossier = await _mine(ctx, dossier_id)
    return await _card(ctx, dossier) if dossier else None


async def show_documents(ctx: Context) -> Turn:
    """The document store: every file kept for this chat and citizen."""
    stored = await my_documents(ctx)
    if not stored:
        return home.show(say("documents.none"))
    lines = Lines(
        tuple(
            Text(
                "documents.line",
                {"label": d.label or d.component, "name": d.name, "day": Day(d.created_at)},
            )
            for d in stored
        )
    )
    results = [
        Outgoing(
            Text("documents.result_caption", {"name": d.name})
            if d.source is DocumentSource.RESULT
            else Text("documents.paper_caption", {"label": d.label, "name": d.name}),
            kind=OutgoingKind.DOCUMENT,
            media_ref=d.ref,
            media_name=d.name,
        )
        for d in stored
        if d.source in (DocumentSource.RESULT, DocumentSource.PAPER)
    ][:RESULTS_SENT]
    return home.show(say("documents.list", count=len(stored), lines=lines), *results)


async def _prompt_view(c: Call[DossiersData]) -> Turn:
    dossier = await _mine(c.ctx, c.data.dossier_id)
    return await _card(c.ctx, dossier) if dossier else await show(c.ctx)


DIALOG = plain(
    {
        DossiersState.LISTING: Window(
            lambda c: show(c.ctx, c.data.page),
            Pager(DOSSIERS, lambda c, page: show(c.ctx, page)),
            Select(DOSSIERS, _pick),
        ),
        DossiersState.VIEWING: Window(_prompt_view, Back(lambda c: show(c.ctx)), Do("pay", _pay)),
        DossiersState.AWAITING_CODE: Window(lambda c: ask_code(), Typed(_code)),
    }
)
FLOW: Flow[DossiersData] = Flow(
    name=NAME,
    data_type=DossiersData,
    steps=DIALOG.steps,
    prompts=DIALOG.prompts,
    typed=frozenset({DossiersState.AWAITING_CODE}),
)
