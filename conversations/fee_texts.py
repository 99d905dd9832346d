"""Fees and what a procedure offers, in words: the rule on the card, the computed breakdown in
the summary and the payment request, the result forms and the in-person visits."""

from __future__ import annotations

from datetime import date

from conversations.messages import Both, Day, Lines, Money, Text
from services.catalog import FeeItem, FieldSpec, LocalText, Procedure
from services.fee_rules import PriceCase, Quantity, Tier
from services.fees import FeeLine, FeeQuote

DELIVERY = "hinh_thuc_nhan_kq"
Param = str | int | Money | Day | Both | Text | Lines


def _both(text: LocalText) -> Both:
    return Both(text.vi, text.en)


def has_rule(proc: Procedure) -> bool:
    """Whether the card must explain a rule, not just one amount."""
    return any(item.depends_on_answers or item.cases or item.tiers for item in proc.fees)


def _unit_price(item: FeeItem, amount: int, quantity: Quantity | None) -> Text:
    if quantity is None:
        return Text("raw_money", {"amount": Money(amount)})
    if quantity.beyond:
        return Text(
            "fees.per_unit_beyond",
            {"amount": Money(amount), "unit": _both(quantity.unit), "from": quantity.beyond + 1},
        )
    return Text("fees.per_unit", {"amount": Money(amount), "unit": _both(quantity.unit)})


def _base(item: FeeItem) -> Text:
    """The base price in words: per unit, by tiers with a cap, online and at the counter."""
    if item.amount is None:
        return Text("fees.at_reception")
    if item.tiers and item.per is not None:
        parts = [_tier(item.per, tier.amount, start, tier.up_to) for start, tier in _starts(item)]
        if item.cap is not None:
            unit = item.times.unit if item.times else item.name
            parts.append(Text("fees.cap", {"amount": Money(item.cap), "unit": _both(unit)}))
        return Text("fees.lines", {"lines": Lines(tuple(parts), ", ")})
    price = _unit_price(item, item.amount, item.per or item.times)
    online = item.online_amount
    if online is not None and online < item.amount:
        cheaper = _unit_price(item, online, item.per or item.times)
        return Text("proc.fee_online", {"online": cheaper, "counter": price})
    return price


def _starts(item: FeeItem) -> list[tuple[int, Tier]]:
    starts: list[tuple[int, Tier]] = []
    start = 1
    for tier in item.tiers:
        starts.append((start, tier))
        start = (tier.up_to or start) + 1
    return starts


def _tier(per: Quantity, amount: int, start: int, up_to: int | None) -> Text:
    params: dict[str, Param] = {"amount": Money(amount), "unit": _both(per.unit), "from": start}
    if up_to is None:
        return Text("fees.tier_rest", params)
    return Text("fees.tier_upto", {**params, "to": up_to})


def _case(case: PriceCase, day: date) -> Text | None:
    """A price case in words; an expired one is not shown."""
    if case.valid_until is not None and case.valid_until < day:
        return None
    amount = Money(case.amount) if case.amount is not None else Text("fees.at_reception")
    note = _both(case.note) if case.note else ""
    if case.valid_from is not None and case.valid_from > day:
        return Text(
            "fees.case_from", {"note": note, "from": Day(case.valid_from), "amount": amount}
        )
    if case.valid_until is not None:
        return Text(
            "fees.case_until", {"note": note, "until": Day(case.valid_until), "amount": amount}
        )
    if case.amount == 0:
        return Text("fees.case_free", {"note": note})
    return Text("fees.case_when", {"note": note, "amount": amount})


def item_rule(item: FeeItem, day: date, same_exemptions: bool = False) -> Text:
    """One fee item's rule: base price; price cases; exemptions (or "as above")."""
    parts = [_base(item)]
    parts.extend(text for case in item.cases if (text := _case(case, day)) is not None)
    if same_exemptions:
        parts.append(Text("fees.same_exemptions"))
    else:
        parts.extend(Text("fees.exemption", {"note": _both(e.note)}) for e in item.exemptions)
    return Text("fees.lines", {"lines": Lines(tuple(parts), "; ")})


def rule_text(proc: Procedure, day: date) -> Text:
    """The card's fee line: one rule, or one line per fee item."""
    if len(proc.fees) == 1:
        return item_rule(proc.fees[0], day)
    lines = tuple(
        Text(
            "fees.item",
            {
                "name": _both(item.name),
                "rule": item_rule(
                    item, day, bool(index and item.exemptions == proc.fees[index - 1].exemptions)
                ),
            },
        )
        for index, item in enumerate(proc.fees)
    )
    return Text("fees.lines", {"lines": Lines(lines, "")})


def _line(line: FeeLine) -> Text:
    amount = Money(line.amount) if line.amount is not None else Text("fees.at_reception")
    params: dict[str, Param] = {"name": _both(line.name), "amount": amount}
    extra = [
        Text("fees.line_note", {"note": _both(note)})
        for note in (line.note, line.exemption)
        if note is not None
    ]
    params["notes"] = Lines(tuple(extra), "")
    if line.unit_name is not None and line.unit is not None:
        params |= {
            "quantity": line.quantity,
            "unit_name": _both(line.unit_name),
            "unit": Money(line.unit),
        }
        return Text("fees.line_units", params)
    return Text("fees.line_flat", params)


def breakdown(quote: FeeQuote) -> Lines:
    """One line per fee line: "• Phí …: 3 bản × 8.000 đ = 24.000 đ"."""
    return Lines(tuple(_line(line) for line in quote.lines), "")


def quote_text(quote: FeeQuote) -> Text:
    """The computed fee: free, set at reception, or the total with its breakdown."""
    if quote.total is None:
        return Text("fees.quote_at_reception", {"lines": breakdown(quote)})
    if quote.total == 0 and not quote.lines:
        return Text("proc.fee_free")
    return Text("fees.quote", {"total": Money(quote.total), "lines": breakdown(quote)})


def informative(quote: FeeQuote) -> bool:
    """Whether the breakdown says more than the total does."""
    return len(quote.lines) > 1 or any(
        line.quantity != 1 or line.exemption or line.note for line in quote.lines
    )


def result_forms_text(proc: Procedure) -> Text | str:
    """The result forms the procedure offers, when it restricts them."""
    delivery: FieldSpec | None = proc.field(DELIVERY)
    if not proc.result_forms or delivery is None:
        return ""
    labels = Lines(
        tuple(Text("raw_both", {"text": _both(o.label)}) for o in delivery.options), "; "
    )
    key = "fees.result_forms" if "dien_tu" in proc.result_forms else "fees.result_forms_paper"
    return Text(key, {"forms": labels})


def visits_text(proc: Procedure, key: str = "fees.visits") -> Text | str:
    """The in-person visits the procedure needs, even when filed online."""
    if not proc.visits:
        return ""
    lines = tuple(
        Text(
            "fees.visit",
            {
                "purpose": Text(f"fees.purpose.{visit.purpose.value}"),
                "when": Text(f"fees.when.{visit.when.value}"),
                "place": _both(visit.place),
            },
        )
        for visit in proc.visits
    )
    return Text(key, {"visits": Lines(lines, "")})
