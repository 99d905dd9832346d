"""Identity fields a logged-in citizen's registry data filled in: confirmed in one tap."""

from __future__ import annotations

from conversations import payloads
from conversations.cards import both
from conversations.flow import Turn
from conversations.flows import form as walk
from conversations.flows import form_identity
from conversations.flows.form_review import review
from conversations.flows.form_state import NAME, Filling, FormData, FormState
from conversations.form_fields import display
from conversations.messages import Lines, Outgoing, Text, btn, main_btn
from services.catalog import Procedure
from services.drafts import Draft


def confirm_prefill(proc: Procedure, draft: Draft, field: str = "") -> Turn:
    """Show what the population registry filled in, to confirm in one tap; `field` is the
    question to go back to afterwards (after a login in the middle of the form)."""
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
        (main_btn("form.prefill_ok", payloads.do("prefill_ok")),),
        (btn("form.prefill_edit", payloads.do("prefill_edit")),),
        (btn("btn.cancel", payloads.do("cancel")),),
    )
    text = Text("form.prefilled", {"lines": lines})
    data = FormData(draft.id, field)
    return Turn(NAME, FormState.CONFIRMING_PREFILL, data, (Outgoing(text, buttons),))


async def edit_prefilled(c: Filling) -> Turn:
    """Change the filled answers: from the first field the citizen may change."""
    ctx, proc, draft = c.ctx, c.proc, c.draft
    fixed = form_identity.locked(ctx, proc, draft.answers)
    first = next((f for f in proc.shown_fields(draft.answers) if f.key not in fixed), None)
    if first is None:
        return await review(ctx, proc, draft, c.data)
    return await walk.ask(ctx, proc, draft, FormData(draft.id, first.key))


async def prefill_ok(c: Filling) -> Turn:
    """Confirmed: back to the question left for the login, else the first one unanswered."""
    ctx, proc, draft, data = c.ctx, c.proc, c.draft, c.data
    shown = proc.shown_fields(draft.answers)
    if data.field and any(f.key == data.field for f in shown):
        return await walk.ask(ctx, proc, draft, FormData(draft.id, data.field))
    spec = next((f for f in shown if f.key not in draft.answers), None)
    if spec is None:
        return await review(ctx, proc, draft, data)
    return await walk.ask(ctx, proc, draft, FormData(draft.id, spec.key))
