"""Identity fields a logged-in citizen's registry data filled in: confirmed in one tap."""

from __future__ import annotations

from conversations import payloads
from conversations.cards import both, procedure_name
from conversations.flow import Context, Turn
from conversations.flows import form as walk
from conversations.flows import home
from conversations.flows.form_review import review
from conversations.flows.form_state import NAME, FormData, FormState, gone, load
from conversations.form_fields import display
from conversations.messages import Incoming, IncomingKind, Lines, Outgoing, Text, btn, say
from conversations.payloads import Verb
from services.catalog import Procedure
from services.drafts import Draft


def confirm_prefill(proc: Procedure, draft: Draft) -> Turn:
    """Show what the population registry filled in, to confirm in one tap."""
    filled = [spec for spec in proc.shown_fields(draft.answers) if spec.key in draft.answers]
    lines = Lines(
        tuple(
            Text(
                "form.summary_line",
                {"label": both(s.label), "value": display(s, draft.answers[s.key])},
            )
            for s in filled
        )
    )
    buttons = (
        (btn("form.prefill_ok", payloads.do("prefill_ok")),),
        (btn("form.prefill_edit", payloads.do("prefill_edit")),),
        (btn("btn.cancel", payloads.do("cancel")),),
    )
    text = Text("form.prefilled", {"lines": lines})
    return Turn(NAME, FormState.CONFIRMING_PREFILL, FormData(draft.id), (Outgoing(text, buttons),))


async def step_prefill(ctx: Context, data: FormData, event: Incoming) -> Turn | None:
    loaded = await load(ctx, data)
    if loaded is None:
        return gone()
    proc, draft = loaded
    action = payloads.parse(event.payload) if event.kind is IncomingKind.BUTTON else None
    if action is None or action.verb is not Verb.DO:
        return None
    if action.arg == "cancel":
        return home.show(say("form.cancelled", procedure=procedure_name(proc)))
    if action.arg == "prefill_edit":
        return await walk.ask(ctx, proc, draft, FormData(draft.id, proc.fields[0].key))
    if action.arg == "prefill_ok":
        spec = next(
            (f for f in proc.shown_fields(draft.answers) if f.key not in draft.answers), None
        )
        if spec is None:
            return await review(ctx, proc, draft, data)
        return await walk.ask(ctx, proc, draft, FormData(draft.id, spec.key))
    return None


async def prompt_prefill(ctx: Context, data: FormData) -> Turn:
    loaded = await load(ctx, data)
    if loaded is None:
        return gone()
    return confirm_prefill(*loaded)
