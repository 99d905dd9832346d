"""The applicant's identity in the form: from the login, locked, re-checked before submission.

- Filed for oneself and logged in, the identity fields (name, date of birth, sex, ID number)
  hold the registry's values: they are never asked, their edit buttons are not offered, and
  an edit is refused with a reason.
- Not logged in, a question on an identity field offers the login; after any login (that
  button, or `/login` typed anywhere in the form) the form comes back to the same question with
  the registry's data offered, and the answers it replaced are named.
- Filed for someone else (the `relation` block), the identity fields are that person's and are
  typed; answers that were the filer's own are cleared when the relation changes.
- Before commitment and again when the dossier is built, the draft is re-checked against the
  logged-in citizen: a mismatch goes back to the review, never to a dossier.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from conversations import payloads
from conversations.cards import both
from conversations.flow import Context, Turn
from conversations.flows import form_prefill, form_review, login
from conversations.flows.form_state import NAME, Filling, FormData, FormState, gone, load
from conversations.form_fields import display
from conversations.messages import Button, Lines, Outgoing, Text, btn, say
from conversations.prefill import prefilled_answers
from conversations.widgets import Do
from services.answers import JsonValue
from services.applicant import (
    RELATION_FIELD,
    ApplicantMismatch,
    Party,
    Relation,
    for_self,
    identity_fields,
    parties,
    registry_value,
)
from services.catalog import FieldSpec, Procedure
from services.citizens import Person
from services.codec import to_json
from services.drafts import Draft

REGISTRY = "registry"  # the action replayed after a login started from the form
Replaced = tuple[tuple[FieldSpec, JsonValue], ...]


def locked(ctx: Context, proc: Procedure, answers: Mapping[str, JsonValue]) -> frozenset[str]:
    """Keys of the fields the citizen cannot answer: their identity, filing for themself
    (not yet known while "for whom" is unanswered: then they count as questions to come)."""
    if ctx.citizen is None or not for_self(answers) or _relation_pending(proc, answers):
        return frozenset()
    return frozenset(spec.key for spec in identity_fields(proc))


def _relation_pending(proc: Procedure, answers: Mapping[str, JsonValue]) -> bool:
    return proc.field(RELATION_FIELD) is not None and RELATION_FIELD not in answers


def initial_answers(proc: Procedure, person: Person) -> dict[str, JsonValue]:
    """What the registry fills in a new draft; the identity waits for "for whom" if asked."""
    answers = prefilled_answers(proc, person)
    if _relation_pending(proc, answers):
        for spec in identity_fields(proc):
            answers.pop(spec.key, None)
    return answers


async def reconcile(
    ctx: Context, proc: Procedure, draft: Draft, offer: bool = True
) -> tuple[Draft, Replaced]:
    """After a login: the identity from the registry (filing for oneself), empty fields
    offered from it (`offer`), the draft joined to the citizen; and the answers replaced."""
    if ctx.citizen is None:
        return draft, ()
    answers = dict(draft.answers)
    replaced: list[tuple[FieldSpec, JsonValue]] = []
    own = for_self(answers) and not _relation_pending(proc, answers)
    for key, value in prefilled_answers(proc, ctx.citizen.person).items():
        spec = proc.field(key)
        if spec is None or not spec.identity:
            if offer:
                answers.setdefault(key, value)
        elif own:
            old = answers.get(key)
            if old is not None and old != value:
                replaced.append((spec, old))
            answers[key] = value
    if answers != draft.answers or draft.citizen_id != ctx.citizen_id:
        draft = replace(
            draft, answers=answers, citizen_id=ctx.citizen_id, updated_at=ctx.clock.now()
        )
        await ctx.drafts.update(draft)
    return draft, tuple(replaced)


async def apply_relation(ctx: Context, proc: Procedure, draft: Draft) -> Draft:
    """Once "for whom" is answered: oneself takes the registry's identity; someone else
    starts from empty identity fields (the filer's own values are cleared)."""
    if ctx.citizen is None:
        return draft
    if for_self(draft.answers):
        return (await reconcile(ctx, proc, draft))[0]
    person, answers = ctx.citizen.person, dict(draft.answers)
    for spec in identity_fields(proc):
        if answers.get(spec.key) == registry_value(spec, person):
            answers.pop(spec.key, None)
    if answers == draft.answers:
        return draft
    draft = replace(draft, answers=answers, updated_at=ctx.clock.now())
    await ctx.drafts.update(draft)
    return draft


def replaced_message(replaced: Replaced, answers: Mapping[str, JsonValue]) -> Outgoing:
    """Which answers the registry replaced: field, typed value, registry value."""
    lines = tuple(
        Text(
            "identity.replaced_line",
            {
                "label": both(spec.label),
                "old": display(spec, old),
                "new": display(spec, answers.get(spec.key)),
            },
        )
        for spec, old in replaced
    )
    return say("identity.replaced", lines=Lines(lines))


def login_row(
    ctx: Context, proc: Procedure, spec: FieldSpec, answers: Mapping[str, JsonValue]
) -> tuple[tuple[Button, ...], ...]:
    """A login button under a guest's question on their own identity."""
    if ctx.citizen is not None or not spec.identity or not for_self(answers):
        return ()
    if _relation_pending(proc, answers):
        return ()
    return ((btn("identity.login_button", payloads.do("login")),),)


async def start_login(ctx: Context, data: FormData) -> Turn:
    """Log in from the form; back to the same question with the registry's data offered."""
    resume = login.Resume(NAME, FormState.AWAITING_ANSWER, to_json(data), payloads.do(REGISTRY))
    return await login.start(ctx, resume)


def resume_here(flow: str, state: str, data: object) -> login.Resume:
    """Where `/login` typed in a flow returns: the same state; in the form, with the
    registry's data offered (the action the form's login button replays too)."""
    payload = payloads.do(REGISTRY) if flow == NAME else ""
    return login.Resume(flow, state, data if isinstance(data, dict) else {}, payload)


async def offer_registry(ctx: Context, data: FormData) -> Turn:
    """Just logged in: the registry's data filled in and shown, replaced answers named; the
    confirmation leads back to the question the citizen was on."""
    loaded = await load(ctx, data)
    if loaded is None:
        return gone()
    proc, draft = loaded
    draft, replaced = await reconcile(ctx, proc, draft)
    turn = form_prefill.confirm_prefill(proc, draft, data.field)
    if replaced:
        return turn.saying(replaced_message(replaced, draft.answers))
    return turn


# The action replayed after a login started in the form: the registry's data offered.
AFTER_LOGIN: Do[Filling] = Do(REGISTRY, lambda c: offer_registry(c.ctx, c.data))


async def recheck(ctx: Context, proc: Procedure, draft: Draft) -> Turn | None:
    """Before commitment: None when the draft's applicant is the logged-in citizen (or a
    declared other person); else the review again, saying what changed and why."""
    other_account = draft.citizen_id not in (None, ctx.citizen_id)
    draft, replaced = await reconcile(ctx, proc, draft, offer=False)
    notes: list[Outgoing] = []
    if other_account:
        notes.append(say("identity.other_account"))
    if replaced:
        notes.append(replaced_message(replaced, draft.answers))
    if ctx.citizen is not None:
        try:
            parties(proc, draft.answers, ctx.citizen.id, ctx.citizen.person)
        except ApplicantMismatch as mismatch:
            key = "identity.subject_is_filer" if mismatch.subject_is_filer else "identity.mismatch"
            notes.append(say(key))
    if not notes:
        return None
    return (await form_review.review(ctx, proc, draft, FormData(draft.id))).saying(*notes)


async def checked_parties(
    ctx: Context, proc: Procedure, draft: Draft
) -> tuple[Party, Party, Relation] | Turn:
    """The filer, subject and relation of a dossier about to be created, or the review when
    the draft fails the check (the last guard: no dossier without it)."""
    if ctx.citizen is None:
        return await form_review.review(ctx, proc, draft, FormData(draft.id))
    turn = await recheck(ctx, proc, draft)
    if turn is not None:
        return turn
    return parties(proc, draft.answers, ctx.citizen.id, ctx.citizen.person)
