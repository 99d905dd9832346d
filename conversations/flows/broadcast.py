"""/thongbao (/broadcast) for admins: compose, choose the audience, preview, confirm.

    AWAITING_TEXT ──text (≤ 1000 characters)──▶ AWAITING_IMAGE ──photo / skip──▶
    AWAITING_AUDIENCE ──all──────────────────────────────────────────────▶ CONFIRMING
                      ──commune/ward──▶ AWAITING_WARD (name or code) ──pick──▶ CONFIRMING
                      ──procedure──▶ AWAITING_PROCEDURE (search) ──pick──▶ CONFIRMING
                      ──platform──▶ AWAITING_PLATFORM ──pick──▶ CONFIRMING
    CONFIRMING (the message exactly as recipients get it, and how many) ──confirm──▶ queued

The broadcast's id is chosen with the preview, so a confirm pressed twice (or redelivered)
starts it once. Confirmed, it is recorded for the scheduler, which queues it in the outbox
and keeps a live progress message in this chat, with a "cancel sending" button.
"""

from __future__ import annotations

from dataclasses import replace

from conversations import payloads
from conversations.broadcast_messages import (
    MAX_TEXT,
    broadcast_message,
    cancel_button,
    progress_outgoing,
    state_text,
)
from conversations.flow import Context, Flow, Turn
from conversations.flows import broadcast_audience as audience
from conversations.flows import home
from conversations.flows.broadcast_state import NAME, BroadcastData, BroadcastState, ask
from conversations.messages import Outgoing, Text, Upload, btn, say
from conversations.steps import Call, Dialog, Window
from conversations.upload_texts import file_kind, rejection
from conversations.widgets import Back, Cancel, Do, FileInput, Pager, Reply, Select, Typed, Widget
from services import broadcasts
from services.broadcasts import BroadcastState as Sending
from services.codec import to_json
from services.files import JPEG, PNG, UploadRejected, check_upload, sanitise_name

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_ID = 40
FINISHED = (Sending.DONE, Sending.CANCELLED)


async def start(ctx: Context, argument: str) -> Turn:
    """/thongbao [text]: begin composing (the text may follow the command)."""
    if argument.strip():
        return _take_text(BroadcastData(), argument)
    return ask_text(BroadcastData())


def ask_text(data: BroadcastData, *before: Outgoing) -> Turn:
    """Ask for the text recipients will read."""
    buttons = ((btn("btn.cancel", payloads.do("cancel")),),)
    message = say("broadcast.ask_text", buttons, max=MAX_TEXT)
    return ask(BroadcastState.AWAITING_TEXT, data, *before, message)


def ask_image(data: BroadcastData, *before: Outgoing) -> Turn:
    """Ask for an optional photo."""
    buttons = (
        (btn("broadcast.no_image", payloads.do("skip")),),
        (btn("btn.back", payloads.do("back")), btn("btn.cancel", payloads.do("cancel"))),
    )
    message = say("broadcast.ask_image", buttons, max_mb=MAX_IMAGE_BYTES // (1024 * 1024))
    return ask(BroadcastState.AWAITING_IMAGE, data, *before, message)


def _take_text(data: BroadcastData, typed: str) -> Turn:
    text = typed.strip()
    if not text:
        return ask_text(data)
    if len(text) > MAX_TEXT:
        return ask_text(data, say("broadcast.too_long", max=MAX_TEXT, length=len(text)))
    return ask_image(replace(data, text=text, broadcast_id=""))


def _take_image(ctx: Context, data: BroadcastData, upload: Upload) -> Turn:
    head = ctx.uploads.head(upload.ref) if upload.ref else b""
    try:
        check_upload(upload.name, upload.size, head, (JPEG, PNG), MAX_IMAGE_BYTES)
    except UploadRejected as refused:
        if upload.ref:
            ctx.uploads.reject(upload.ref)
        return ask_image(data, say("docs.rejected", reason=_image_rejection(refused)))
    stored = ctx.uploads.accept(upload.ref)
    chosen = replace(data, image_ref=stored, image_name=sanitise_name(upload.name), broadcast_id="")
    return audience.ask_kind(chosen, say("broadcast.image_received", name=chosen.image_name))


def _image_rejection(refused: UploadRejected) -> Text:
    """Why a photo was refused; for its type, in words and without PDF among the choices."""
    if refused.reason != "type":
        return rejection(refused)
    detected = file_kind(str(refused.params.get("detected", "unknown")))
    return Text("broadcast.image_type", {"name": str(refused.params.get("name", "")),
                                         "detected": detected})  # fmt: skip


async def preview(ctx: Context, data: BroadcastData) -> Turn:
    """The message exactly as recipients will get it, how many will, and confirm/cancel."""
    chosen = audience.of(data)
    count = await ctx.repos.chats.count(chosen)
    data = replace(data, broadcast_id=data.broadcast_id or ctx.ids.new_id())
    rows = [(btn("broadcast.confirm", payloads.do("confirm")),)] if count else []
    rows.append((btn("broadcast.change_audience", payloads.do("audience")),))
    rows.append((btn("broadcast.edit_text", payloads.do("edit")),))
    rows.append((btn("btn.cancel", payloads.do("cancel")),))
    summary = say(
        "broadcast.preview" if count else "broadcast.preview_nobody",
        tuple(rows),
        count=count,
        audience=audience.describe(ctx, data),
    )
    message = broadcast_message(data.text, data.image_ref, data.image_name)
    intro = say("broadcast.preview_intro")
    return ask(BroadcastState.CONFIRMING, data, intro, message, summary)


async def _confirm(ctx: Context, data: BroadcastData) -> Turn:
    if await ctx.repos.broadcasts.get(data.broadcast_id) is not None:
        return home.show(say("broadcast.already_queued", id=data.broadcast_id))
    chosen = audience.of(data)
    count = await ctx.repos.chats.count(chosen)
    if not count:
        return await preview(ctx, data)
    message = to_json(broadcast_message(data.text, data.image_ref, data.image_name))
    await broadcasts.start(
        ctx.repos,
        data.broadcast_id,
        ctx.address.key,
        chosen,
        message,
        ctx.clock.now(),
        progress_chat=ctx.address.key,
    )
    buttons = ((cancel_button(data.broadcast_id),),)
    return home.show(say("broadcast.queued", buttons, id=data.broadcast_id, count=count))


async def stop(ctx: Context, broadcast_id: str) -> tuple[Outgoing, ...]:
    """Cancel a broadcast: the messages not yet sent are dropped, and the live progress
    message shows the final figures (in place where the platform can)."""
    if not ctx.is_admin:
        return (say("admin.refused"),)
    found = await ctx.repos.broadcasts.get(broadcast_id) if broadcast_id else None
    if found is None:
        return (say("broadcast.not_found", id=broadcast_id or "—"),)
    if found.state in FINISHED:
        finished = say("broadcast.already_finished", id=found.id, state=state_text(found.state))
        return (finished,)
    stopped = await broadcasts.cancel(ctx.repos, found, ctx.clock.now())
    figures = await broadcasts.progress(ctx.repos, stopped)
    done = say("broadcast.cancelled", id=found.id, count=figures.cancelled)
    return done, progress_outgoing(stopped, figures)


async def cancel_command(ctx: Context, argument: str) -> Turn:
    """/huythongbao ID (/broadcast_cancel ID)."""
    broadcast_id = argument.strip()
    if not broadcast_id:
        return home.show(say("broadcast.cancel_usage"))
    return home.show(*await stop(ctx, broadcast_id[:MAX_ID]))


async def _admin_only(ctx: Context, data: BroadcastData) -> Call[BroadcastData] | None:
    return Call(ctx, data) if ctx.is_admin else None


def _complete(c: Call[BroadcastData], outcome: Turn | BroadcastData | None) -> Reply:
    """The preview once the audience is complete, else the choice's own answer."""
    if isinstance(outcome, BroadcastData):
        return preview(c.ctx, replace(outcome, broadcast_id=""))
    return outcome


def _from_list(list_id: str) -> Select[Call[BroadcastData]]:
    return Select(
        list_id, lambda c, value: _complete(c, audience.picked(c.ctx, c.data, list_id, value))
    )


def _audience_value(*widgets: Widget[Call[BroadcastData]]) -> Window[Call[BroadcastData]]:
    """The ward, procedure or platform question (a data-less chat is asked the kind)."""
    return Window(
        lambda c: audience.prompt(c.ctx, c.data, BroadcastState.AWAITING_WARD),
        Typed(lambda c, text: _complete(c, audience.typed(c.ctx, c.data, text))),
        Back(lambda c: audience.ask_kind(c.data)),
        *widgets,
    )


def _page(list_id: str) -> Pager[Call[BroadcastData]]:
    return Pager(list_id, lambda c, page: audience.ask_value(c.ctx, replace(c.data, page=page)))


DIALOG = Dialog(
    _admin_only,
    lambda ctx, data: home.show(say("admin.refused")),
    # Cancelling works from every screen.
    common=(Cancel(lambda c: home.show(say("broadcast.discarded"))),),
    windows={
        BroadcastState.AWAITING_TEXT: Window(
            lambda c: ask_text(c.data), Typed(lambda c, text: _take_text(c.data, text))
        ),
        BroadcastState.AWAITING_IMAGE: Window(
            lambda c: ask_image(c.data),
            FileInput(lambda c, upload: _take_image(c.ctx, c.data, upload)),
            Do(
                "skip",
                lambda c: audience.ask_kind(
                    replace(c.data, image_ref="", image_name="", broadcast_id="")
                ),
            ),
            Back(lambda c: ask_text(c.data)),
        ),
        BroadcastState.AWAITING_AUDIENCE: Window(
            lambda c: audience.ask_kind(c.data),
            Select("ba", lambda c, kind: _complete(c, audience.choose_kind(c.ctx, c.data, kind))),
            Back(lambda c: ask_image(c.data)),
        ),
        BroadcastState.AWAITING_WARD: _audience_value(
            _page(audience.WARDS), _from_list(audience.WARDS)
        ),
        BroadcastState.AWAITING_PROCEDURE: _audience_value(
            _page(audience.PROCEDURES), _from_list(audience.PROCEDURES)
        ),
        BroadcastState.AWAITING_PLATFORM: _audience_value(_from_list(audience.PLATFORM)),
        BroadcastState.CONFIRMING: Window(
            lambda c: preview(c.ctx, c.data),
            Do("confirm", lambda c: _confirm(c.ctx, c.data)),
            Do("audience", lambda c: audience.ask_kind(c.data)),
            Do("edit", lambda c: ask_text(c.data)),
        ),
    },
)


FLOW: Flow[BroadcastData] = Flow(
    name=NAME,
    data_type=BroadcastData,
    steps=DIALOG.steps,
    prompts=DIALOG.prompts,
    answers=frozenset(
        {
            BroadcastState.AWAITING_TEXT,
            BroadcastState.AWAITING_WARD,
            BroadcastState.AWAITING_PROCEDURE,
            BroadcastState.AWAITING_PLATFORM,
        }
    ),
)
