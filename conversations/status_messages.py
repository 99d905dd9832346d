"""The messages of status pushes and reminders (built here, queued by the scheduler's jobs).

An owner's push carries the agency's note and what to do next (send a supplement, find the
result, pay); a follower's push carries only what /status shows anyone: procedure, status,
dates — no personal data, no note.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conversations import payloads
from conversations.cards import both
from conversations.messages import At, Both, Button, Day, Lines, Money, Outgoing, Text, btn, raw
from services.catalog import Procedure
from services.catalog_index import Catalog
from services.codec import to_json
from services.dossier_codes import AgencyForm, DossierStatus, parse_code
from services.dossiers import Dossier, StatusChange
from services.status_pushes import Reminder

OPEN = "dso"  # global button: open one of my dossiers
SUPPLEMENT = "sup"  # global button: send the supplement of a dossier
FOLLOW = "fw"  # global button: follow a dossier
UNFOLLOW = "ufw"  # global button: stop following a dossier
RATE = "rt"  # global button: rate the service (conversations.flows.rating)
# The rating is offered once, on the push of the change that ends processing for the citizen:
# a result (9; 10 always follows a 9), a refusal (3), or processing stopped by the agency (8).
RATING_OFFERED = frozenset({DossierStatus.REFUSED, DossierStatus.STOPPED, DossierStatus.RESOLVED})


def status_label(status: DossierStatus | int) -> Text:
    """A status in both languages."""
    value = DossierStatus(int(status))
    return Text("raw_both", {"text": Both(value.label("vi"), value.label("en"))})


def procedure_label(catalog: Catalog, dossier: Dossier) -> Text | str:
    """The procedure's name in both languages (its id if the catalogue lost it)."""
    proc = catalog.procedure(dossier.procedure_id)
    return Text("raw_both", {"text": both(proc.name)}) if proc else dossier.procedure_id


def component_name(proc: Procedure | None, component: str) -> Text:
    """A requested component: the procedure's document name, or the officer's own words."""
    spec = next((d for d in proc.documents if d.key == component), None) if proc else None
    return Text("raw_both", {"text": both(spec.name)}) if spec else raw(component)


def supplement_lines(catalog: Catalog, dossier: Dossier) -> Lines:
    """The components asked for, one per line."""
    proc = catalog.procedure(dossier.procedure_id)
    return Lines(
        tuple(
            Text("push.supplement_line", {"name": component_name(proc, c)})
            for c in dossier.supplement
        )
    )


def resolve_code(catalog: Catalog, typed: str) -> str | None:
    """The full dossier code from what someone typed (spaces, lower case, the short agency
    form H04.101); None when it is not a dossier code at all."""
    parsed = parse_code(typed)
    if parsed is None:
        return None
    if parsed.form is AgencyForm.SHORT:
        agency = next((a for a in catalog.agencies if a.short_code == parsed.agency), None)
        if agency is None:
            return parsed.text
        return f"{agency.code}-{parsed.day:%y%m%d}-{parsed.sequence:04d}"
    return parsed.text


def _extra(catalog: Catalog, dossier: Dossier, status: DossierStatus) -> Text | str:
    if status is DossierStatus.SUPPLEMENT_REQUESTED and dossier.supplement:
        return Text("push.extra_supplement", {"lines": supplement_lines(catalog, dossier)})
    if status is DossierStatus.RESOLVED and dossier.results:
        return Text("push.extra_result")
    if status is DossierStatus.REFUSED:
        return Text("push.extra_refused")
    if status is DossierStatus.PAYMENT_REQUESTED:
        return Text("push.extra_payment")
    return ""


def status_push(catalog: Catalog, dossier: Dossier, change: StatusChange, owner: bool) -> Outgoing:
    """The push of one status change, for the owner or for a follower."""
    status = DossierStatus(change.status)
    params: dict[str, Any] = {
        "code": dossier.code,
        "procedure": procedure_label(catalog, dossier),
        "status": status_label(status),
        "at": At(change.at),
        "due": Day(dossier.due_date) if dossier.due_date else "—",
    }
    if not owner:
        buttons = ((btn("push.unfollow", payloads.pick(UNFOLLOW, dossier.id)),),)
        return Outgoing(Text("push.follower", params), buttons)
    note = change.note if change.actor != "citizen" else ""
    params["note"] = Text("push.note", {"note": note}) if note else ""
    current = dossier.status is status  # the supplement/result buttons only while it holds
    params["extra"] = _extra(catalog, dossier, status) if current else ""
    rows: list[tuple[Button, ...]] = []
    if current and status is DossierStatus.SUPPLEMENT_REQUESTED and dossier.supplement:
        rows.append((btn("push.supplement_button", payloads.pick(SUPPLEMENT, dossier.id)),))
    if status in (DossierStatus.RESOLVED, DossierStatus.RETURNED) and dossier.results:
        rows.append((btn("push.documents", payloads.menu("documents")),))
    if status in RATING_OFFERED and dossier.withdrawal is None:
        rows.append((btn("course.rate_button", payloads.pick(RATE, dossier.id)),))
    rows.append((btn("push.open", payloads.pick(OPEN, dossier.id)),))
    return Outgoing(Text("push.status", params), tuple(rows))


def reminder(catalog: Catalog, kind: Reminder, dossier: Dossier) -> Outgoing:
    """A reminder to the owner."""
    params: dict[str, Any] = {
        "code": dossier.code,
        "procedure": procedure_label(catalog, dossier),
        "due": Day(dossier.due_date) if dossier.due_date else "—",
    }
    rows: list[tuple[Button, ...]] = []
    if kind is Reminder.PAYMENT and dossier.payment is not None:
        params["amount"] = Money(dossier.due if dossier.fee else dossier.payment.amount)
        params["expires"] = At(dossier.payment.expires_at)
        rows.append((btn("remind.pay_button", payloads.pick(OPEN, dossier.id)),))
    elif kind is Reminder.SUPPLEMENT:
        params["lines"] = supplement_lines(catalog, dossier)
        params["since"] = At(dossier.supplement_at) if dossier.supplement_at else "—"
        rows.append((btn("push.supplement_button", payloads.pick(SUPPLEMENT, dossier.id)),))
    rows.append((btn("push.open", payloads.pick(OPEN, dossier.id)),))
    return Outgoing(Text(f"remind.{kind.value}", params), tuple(rows))


class StatusMessages:
    """services.status_pushes.PushMessages over the catalogue."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    def status(self, dossier: Dossier, change: StatusChange, owner: bool) -> Mapping[str, Any]:
        """A status change as JSON for the outbox."""
        encoded: Mapping[str, Any] = to_json(status_push(self._catalog, dossier, change, owner))
        return encoded

    def reminder(self, kind: Reminder, dossier: Dossier) -> Mapping[str, Any]:
        """A reminder as JSON for the outbox."""
        encoded: Mapping[str, Any] = to_json(reminder(self._catalog, kind, dossier))
        return encoded
