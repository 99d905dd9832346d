"""How a dossier is shown to an officer: the full card (applicant, dates, overdue flag, the
supplement asked for, results, history with who and when) and the buttons of what may be done
next — only the statuses the national flow allows from where the dossier stands."""

from __future__ import annotations

from conversations import payloads
from conversations.flow import Context
from conversations.flows.home import home_row
from conversations.ledger_texts import payment_block
from conversations.messages import At, Button, Day, Lines, Outgoing, Text, btn
from conversations.status_messages import procedure_label, status_label, supplement_lines
from services.applicant import Relation
from services.dossier_codes import DossierStatus, allowed_next
from services.dossiers import Dossier, HistoryEntry, Phase

STATUS_LIST = "as"  # pick list of the next statuses on the officer's card
# Statuses with a dedicated action instead of a plain status button.
VIA_ACTION = frozenset({DossierStatus.SUPPLEMENT_REQUESTED})
RESULT_STATUSES = frozenset({DossierStatus.PROCESSING, DossierStatus.RESOLVED})


def status_option(status: DossierStatus) -> Text:
    """ "4 · Đang xử lý": a status with its national code."""
    return Text("admin.status_option", {"code": int(status), "status": status_label(status)})


def allowed_lines(status: DossierStatus) -> Lines:
    """The statuses reachable from `status`, one per line."""
    return Lines(tuple(status_option(s) for s in sorted(allowed_next(status))))


# The notes services.status_changes.mark_overdue writes when the officer gave none.
_FLAG_NOTES = {"overdue": "admin.history_overdue", "on time": "admin.history_ontime"}


def _history_line(entry: HistoryEntry) -> Text:
    note: Text | str = ""
    if entry.note in _FLAG_NOTES:
        note = Text("admin.history_note", {"note": Text(_FLAG_NOTES[entry.note])})
    elif entry.note:
        note = Text("admin.history_note", {"note": entry.note})
    return Text(
        "admin.history_line",
        {
            "at": At(entry.at),
            "status": status_option(DossierStatus(entry.status)),
            "actor": entry.actor,
            "note": note,
        },
    )


def _agency(ctx: Context, dossier: Dossier) -> Text | str:
    agency = ctx.catalog.agencies.get(dossier.agency_id)
    return Text("raw", {"text": agency.name.get(ctx.lang)}) if agency else dossier.agency_id


def _supplement(ctx: Context, dossier: Dossier) -> Text | str:
    if not dossier.supplement:
        return ""
    return Text(
        "admin.card_supplement",
        {
            "since": At(dossier.supplement_at) if dossier.supplement_at else "—",
            "lines": supplement_lines(ctx.catalog, dossier),
            "note": Text("admin.supplement_note", {"note": dossier.supplement_note})
            if dossier.supplement_note
            else "",
        },
    )


def _applicant(dossier: Dossier) -> Text | str:
    """Who filed (the logged-in citizen, from the registry) and, when they filed for someone
    else, for whom and as what."""
    filer = dossier.filer.full_name if dossier.filer else ""
    name = filer or str(dossier.answers.get("ho_ten", "")) or "—"
    subject = dossier.subject
    if not dossier.relation or dossier.relation == Relation.SELF or subject is None:
        return name
    return Text(
        "identity.card_for",
        {
            "filer": name,
            "subject": subject.full_name,
            "relation": Text(f"identity.relation_{dossier.relation}"),
        },
    )


def card_text(ctx: Context, dossier: Dossier) -> Text:
    """The officer's view of a dossier."""
    if dossier.phase is Phase.AWAITING_PAYMENT or dossier.status is None:
        status: Text = Text("dossiers.awaiting_payment")
    else:
        status = status_option(dossier.status)
    results = ", ".join(r.name for r in dossier.results)
    return Text(
        "admin.card",
        {
            "code": dossier.code,
            "procedure": procedure_label(ctx.catalog, dossier),
            "agency": _agency(ctx, dossier),
            "applicant": _applicant(dossier),
            "status": status,
            "overdue": Text("admin.card_overdue") if dossier.overdue else "",
            "submitted": At(dossier.submitted_at) if dossier.submitted_at else "—",
            "due": Day(dossier.due_date) if dossier.due_date else "—",
            "attachments": len(dossier.attachments),
            "supplement": _supplement(ctx, dossier),
            "results": Text("admin.card_results", {"files": results}) if results else "",
            "history": Lines(tuple(_history_line(e) for e in dossier.history)),
            "payment": payment_block(dossier),
        },
    )


def card_buttons(dossier: Dossier) -> tuple[tuple[Button, ...], ...]:
    """What may be done next: allowed statuses, supplement, result, the overdue flag."""
    if dossier.phase is not Phase.SUBMITTED or dossier.status is None:
        return (home_row(),)
    rows: list[tuple[Button, ...]] = [
        (btn("admin.to_status", payloads.pick(STATUS_LIST, str(int(s))), status=status_option(s)),)
        for s in sorted(allowed_next(dossier.status))
        if s not in VIA_ACTION
    ]
    if DossierStatus.SUPPLEMENT_REQUESTED in allowed_next(dossier.status):
        rows.append((btn("admin.supplement_button", payloads.do("supplement")),))
    if dossier.status in RESULT_STATUSES:
        rows.append((btn("admin.result_button", payloads.do("result")),))
    if dossier.overdue:
        rows.append((btn("admin.unmark_overdue", payloads.do("ontime")),))
    else:
        rows.append((btn("admin.mark_overdue", payloads.do("overdue")),))
    rows.append(home_row())
    return tuple(rows)


def card(ctx: Context, dossier: Dossier) -> Outgoing:
    """The card with its buttons."""
    return Outgoing(card_text(ctx, dossier), card_buttons(dossier))
