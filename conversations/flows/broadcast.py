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
from conversations.flow import Context, Flow, Prompt, Step, Turn
from conversations.flows import broadcast_audience as audience
from conversations.flows import home
from conversations.flows.broadcast_state import NAME, BroadcastData, BroadcastState, ask
from conversations.messages import Incoming, IncomingKind, Outgoing, Text, btn, say
from conversations.payloads import Verb
from conversations.upload_texts import file_kind, rejection
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


def _take_image(ctx: Context, data: BroadcastData, event: Incoming) -> Turn:
    upload = event.upload
    assert upload is not None
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


def _action(event: Incoming) -> str:
    """The step action (back, skip, confirm…) of a button, "" for anything else."""
    action = payloads.parse(event.payload) if event.kind is IncomingKind.BUTTON else None
    return action.arg if action is not None and action.verb is Verb.DO else ""


async def _step_text(ctx: Context, data: BroadcastData, event: Incoming) -> Turn | None:
    if event.kind is IncomingKind.TEXT:
        return _take_text(data, event.text)
    return None


async def _step_image(ctx: Context, data: BroadcastData, event: Incoming) -> Turn | None:
    if event.kind is IncomingKind.UPLOAD and event.upload is not None:
        return _take_image(ctx, data, event)
    match _action(event):
        case "skip":
            return audience.ask_kind(replace(data, image_ref="", image_name="", broadcast_id=""))
        case "back":
            return ask_text(data)
    return None


async def _step_audience(
    ctx: Context, state: BroadcastState, data: BroadcastData, event: Incoming
) -> Turn | None:
    if state is BroadcastState.AWAITING_AUDIENCE and _action(event) == "back":
        return ask_image(data)
    outcome = await audience.step(ctx, state, data, event)
    if isinstance(outcome, BroadcastData):
        return await preview(ctx, replace(outcome, broadcast_id=""))
    return outcome


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


async def _step_confirm(ctx: Context, data: BroadcastData, event: Incoming) -> Turn | None:
    match _action(event):
        case "confirm":
            return await _confirm(ctx, data)
        case "audience":
            return audience.ask_kind(data)
        case "edit":
            return ask_text(data)
    return None


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


def _step(state: BroadcastState) -> Step[BroadcastData]:
    """The step of `state`, refused in a chat that is no longer an admin chat; cancelling
    works from every screen."""

    async def run(ctx: Context, data: BroadcastData, event: Incoming) -> Turn | None:
        if not ctx.is_admin:
            return home.show(say("admin.refused"))
        if _action(event) == "cancel":
            return home.show(say("broadcast.discarded"))
        match state:
            case BroadcastState.AWAITING_TEXT:
                return await _step_text(ctx, data, event)
            case BroadcastState.AWAITING_IMAGE:
                return await _step_image(ctx, data, event)
            case BroadcastState.CONFIRMING:
                return await _step_confirm(ctx, data, event)
        return await _step_audience(ctx, state, data, event)

    return run


def _prompt(state: BroadcastState) -> Prompt[BroadcastData]:
    """Ask again what `state` awaits (refused in a chat no longer an admin chat)."""

    async def run(ctx: Context, data: BroadcastData) -> Turn:
        if not ctx.is_admin:
            return home.show(say("admin.refused"))
        match state:
            case BroadcastState.AWAITING_TEXT:
                return ask_text(data)
            case BroadcastState.AWAITING_IMAGE:
                return ask_image(data)
            case BroadcastState.CONFIRMING:
                return await preview(ctx, data)
        return audience.prompt(ctx, data, state)

    return run


FLOW: Flow[BroadcastData] = Flow(
    name=NAME,
    data_type=BroadcastData,
    steps={state: _step(state) for state in BroadcastState},
    prompts={state: _prompt(state) for state in BroadcastState},
    answers=frozenset(
        {
            BroadcastState.AWAITING_TEXT,
            BroadcastState.AWAITING_WARD,
            BroadcastState.AWAITING_PROCEDURE,
            BroadcastState.AWAITING_PLATFORM,
        }
    ),
)
