"""Compute the fee of a filing from its answers and the date: a total and its breakdown.

`quote_fee` applies each fee item's rule (services.fee_rules): the item's validity period,
the price case that holds (an answer, a temporary cut), the online price, the quantity read
from a numeric answer, price tiers and a cap, then the first exemption whose conditions hold.
Every line says how it was computed ("3 bản × 8.000 đ") so the review, the payment request
and the receipt can show the same breakdown. An amount set at reception makes the total None.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from services.answers import JsonValue
from services.catalog import FeeItem, Procedure
from services.fee_rules import Quantity, all_hold, in_period
from services.local_text import LocalText


@dataclass(frozen=True, slots=True)
class FeeLine:
    """One line of a quote: `quantity` × `unit` = `amount` (None: set at reception)."""

    key: str
    name: LocalText
    quantity: int
    unit: int | None
    amount: int | None
    unit_name: LocalText | None = None  # "bản", "trang"; None for a flat fee
    exemption: LocalText | None = None  # the exemption applied, if any
    percent_off: int = 0
    note: LocalText | None = None  # the price case used (a temporary cut, a reason)


@dataclass(frozen=True, slots=True)
class FeeQuote:
    """What a filing costs on a day: the total (None when set at reception) and its lines."""

    total: int | None
    lines: tuple[FeeLine, ...]
    online: bool = True

    @property
    def at_reception(self) -> bool:
        """Some amount is only known when the agency receives the dossier."""
        return self.total is None


def quote_fee(
    proc: Procedure, answers: Mapping[str, JsonValue], day: date, online: bool = True
) -> FeeQuote:
    """The fee of `proc` for these answers, filed on `day` (Vietnam's date)."""
    lines: list[FeeLine] = []
    for item in proc.fees:
        if in_period(day, item.valid_from, item.valid_until):
            lines.extend(_item_lines(item, answers, day, online))
    amounts = [line.amount for line in lines]
    total = None if any(a is None for a in amounts) else sum(a for a in amounts if a is not None)
    return FeeQuote(total, tuple(lines), online)


def _count(quantity: Quantity | None, answers: Mapping[str, JsonValue]) -> int:
    """Units asked for; an unanswered (skipped, hidden) field asks for none."""
    if quantity is None:
        return 1
    value = answers.get(quantity.field)
    number = value if isinstance(value, int) and not isinstance(value, bool) else 0
    return max(0, number - quantity.beyond)


def _unit_price(
    item: FeeItem, answers: Mapping[str, JsonValue], day: date, online: bool
) -> tuple[int | None, LocalText | None]:
    """The price per unit and the note of the case that set it."""
    amount, online_amount, note = item.amount, item.online_amount, None
    for case in item.cases:
        if case.applies(answers, day):
            amount, online_amount, note = case.amount, case.online_amount, case.note
            break
    if amount is not None and online and online_amount is not None:
        amount = min(amount, online_amount)
    return amount, note


def _item_lines(
    item: FeeItem, answers: Mapping[str, JsonValue], day: date, online: bool
) -> list[FeeLine]:
    unit, note = _unit_price(item, answers, day, online)
    count, times = _count(item.per, answers), _count(item.times, answers)
    if (item.per or item.times) and count * times == 0:
        return []  # no copies asked, or not beyond the included ones: nothing to charge
    if item.tiers and unit is not None:
        lines = _tier_lines(item, count, times)
    else:
        named = item.per or item.times
        lines = [_line(item, count * times, unit, named.unit if named else None, note)]
    return [_exempt(line, item, answers, day) for line in lines]


def _line(
    item: FeeItem, quantity: int, unit: int | None, unit_name: LocalText | None,
    note: LocalText | None = None, key: str = "",
) -> FeeLine:  # fmt: skip
    amount = None if unit is None else quantity * unit
    return FeeLine(key or item.key, item.name, quantity, unit, amount, unit_name, note=note)


def _tier_lines(item: FeeItem, count: int, times: int) -> list[FeeLine]:
    """Tiered unit prices over `count` units, for each of `times`, capped per `times` unit."""
    assert item.per is not None
    lines: list[FeeLine] = []
    start = 0
    for index, tier in enumerate(item.tiers):
        end = count if tier.up_to is None else min(count, tier.up_to)
        if end > start:
            key = f"{item.key}.{index + 1}"
            lines.append(_line(item, (end - start) * times, tier.amount, item.per.unit, key=key))
        start = max(start, end)
    each = sum(line.amount or 0 for line in lines) // max(times, 1)
    if item.cap is not None and each > item.cap:
        unit_name = item.times.unit if item.times else None
        return [_line(item, times, item.cap, unit_name, key=f"{item.key}.cap")]
    return lines


def _exempt(line: FeeLine, item: FeeItem, answers: Mapping[str, JsonValue], day: date) -> FeeLine:
    """The first exemption whose conditions hold takes its percentage off the line."""
    for exemption in item.exemptions:
        if all_hold(exemption.when, answers, day):
            if line.amount is None:
                amount = None if exemption.percent < 100 else 0
            else:
                amount = line.amount * (100 - exemption.percent) // 100
            return FeeLine(
                line.key, line.name, line.quantity, line.unit, amount, line.unit_name,
                exemption.note, exemption.percent, line.note,
            )  # fmt: skip
    return line
