"""How a procedure and its requirements are presented to the citizen."""

from __future__ import annotations

from conversations.fee_texts import has_rule, result_forms_text, rule_text, visits_text
from conversations.flow import Context
from conversations.messages import Both, Lines, Money, Text
from services.catalog import Agency, AgencyKind, LocalText, Procedure
from services.clock import today


def both(text: LocalText) -> Both:
    """A catalogue text as a bilingual parameter."""
    return Both(text.vi, text.en)


def procedure_name(proc: Procedure) -> Text:
    """The procedure's name, with its national code when known."""
    if proc.code:
        return Text("proc.name_code", {"name": both(proc.name), "code": proc.code})
    return Text("proc.name", {"name": both(proc.name)})


def fee_text(proc: Procedure) -> Text:
    """The fee line: free, a total with the online price, or set at reception."""
    if not proc.fees:
        return Text("proc.fee_free")
    if proc.counter_fee is None or proc.online_fee is None:
        return Text("proc.fee_local")
    if proc.counter_fee == 0:
        return Text("proc.fee_free")
    if proc.online_fee < proc.counter_fee:
        return Text(
            "proc.fee_online",
            {"online": Money(proc.online_fee), "counter": Money(proc.counter_fee)},
        )
    return Text("proc.fee_amount", {"amount": Money(proc.counter_fee)})


def processing_text(proc: Procedure) -> Text:
    """The processing time in working days."""
    if proc.processing_days == 0:
        return Text("proc.days_same_day")
    return Text("proc.days", {"days": proc.processing_days})


def agency_kind_text(proc: Procedure, ctx: Context) -> Text:
    """Who handles the procedure, before a commune is chosen."""
    if proc.agency_kind is AgencyKind.COMMUNE_COMMITTEE:
        return Text("proc.agency_commune_committee")
    if proc.agency_kind is AgencyKind.COMMUNE_POLICE:
        return Text("proc.agency_commune_police")
    agency = ctx.catalog.agencies.provincial(proc)
    return (
        Text("raw", {"text": agency.name.get(ctx.lang)}) if agency else Text("proc.agency_unknown")
    )


def documents_text(proc: Procedure) -> Lines:
    """One line per document component, mandatory ones marked *."""
    if not proc.documents:
        return Lines((Text("proc.no_documents"),))
    return Lines(
        tuple(
            Text(
                "proc.document_required" if doc.required else "proc.document_optional",
                {"name": both(doc.name)},
            )
            for doc in proc.documents
        )
    )


def card(proc: Procedure, ctx: Context) -> Text:
    """The procedure card: purpose, agency, documents, fee rule, time, result and visits."""
    sector = ctx.catalog.sector(proc.sector_id)
    return Text(
        "proc.card",
        {
            "name": procedure_name(proc),
            "sector": both(sector.name) if sector else "",
            "summary": both(proc.summary),
            "agency": agency_kind_text(proc, ctx),
            "documents": documents_text(proc),
            "fee": rule_text(proc, today(ctx.clock)) if has_rule(proc) else fee_text(proc),
            "fee_note": Text("proc.fee_note", {"note": both(proc.fee_note)})
            if proc.fee_note
            else "",
            "days": processing_text(proc),
            "result": Text(
                "fees.result",
                {
                    "result": both(proc.result),
                    "forms": result_forms_text(proc),
                    "visits": visits_text(proc),
                },
            ),
        },
    )


def agency_text(agency: Agency) -> Both:
    """An agency's name as a parameter."""
    return both(agency.name)
