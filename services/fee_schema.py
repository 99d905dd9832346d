"""Read fee items with their rules from catalogue data, and check what the rules refer to.

A plain item is `{key, name, amount, online_amount}` as before. A rule adds any of:

    per:   {field: so_ban, unit: {vi: bản, en: copy}, beyond: 2}    # a numeric answer
    times: {field: so_ban, unit: {vi: bản, en: copy}}               # a second multiplier
    tiers: [{up_to: 2, amount: 2000}, {amount: 1000}]              # unit prices over `per`
    cap: 200000                                                     # at most, per `times` unit
    cases: [{when: [CONDITION], from: DATE, until: DATE, amount: 0, online_amount: …, note: …}]
    exemptions: [{when: [CONDITION], percent: 100, note: {vi: …, en: …}}]
    from: 2025-07-01  until: 2026-12-31                             # the item's own validity
    source: "…"  inferred: true

where CONDITION is `{field: KEY, in: [VALUES]}` (a select's values; yes/no for a yes/no field)
or `{field: KEY, age_under: 6}` / `{field: KEY, age_from: 60}` on a date field (the age on the
filing date). `check_fee_fields` then rejects a rule naming a field the form does not have, a
value its select does not offer, or a quantity field that is not a number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Protocol

from services.catalog import FeeItem, FieldSpec, FieldType, LocalText
from services.fee_rules import NO, YES, Condition, Exemption, PriceCase, Quantity, Tier

FEE_KEYS = frozenset(
    {"key", "name", "amount", "online_amount", "inferred", "note", "per", "times", "tiers",
     "cap", "cases", "exemptions", "from", "until", "source"}
)  # fmt: skip
CASE_KEYS = frozenset(
    {"when", "from", "until", "amount", "online_amount", "note", "source", "inferred"}
)
EXEMPTION_KEYS = frozenset({"when", "percent", "note", "source", "inferred"})
CONDITION_KEYS = frozenset({"field", "in", "age_under", "age_from"})
QUANTITY_KEYS = frozenset({"field", "unit", "beyond"})


class Reader(Protocol):
    """What this module needs of services.catalog_schema's reader (it collects problems)."""

    def fail(self, where: str, message: str) -> None: ...

    def mapping(
        self, value: Any, where: str, allowed: frozenset[str] | None = None
    ) -> Mapping[str, Any]: ...

    def seq(self, value: Any, where: str) -> Sequence[Any]: ...

    def text(self, raw: Mapping[str, Any], key: str, where: str, required: bool = True) -> str: ...

    def local(
        self, raw: Mapping[str, Any], key: str, where: str, required: bool = True
    ) -> LocalText | None: ...

    def boolean(self, raw: Mapping[str, Any], key: str, where: str, default: bool) -> bool: ...

    def integer(self, raw: Mapping[str, Any], key: str, where: str) -> int | None: ...


def parse_fees(reader: Reader, raw: Any) -> tuple[FeeItem, ...]:
    """Read the `fees:` list of a procedure."""
    fees: list[FeeItem] = []
    seen: set[str] = set()
    for index, item in enumerate(reader.seq(raw, "fees")):
        key_raw = item.get("key") if isinstance(item, Mapping) else None
        path = f"fees[{key_raw}]" if isinstance(key_raw, str) else f"fees[{index}]"
        body = reader.mapping(item, path, FEE_KEYS)
        key = reader.text(body, "key", path)
        if key in seen:
            reader.fail(path, "duplicate fee key")
        seen.add(key)
        if "amount" not in body:
            reader.fail(path, "amount is missing (use null when set at reception)")
        fee = _fee(reader, body, path, key)
        if fee is not None:
            fees.append(fee)
    return tuple(fees)


def _fee(reader: Reader, body: Mapping[str, Any], path: str, key: str) -> FeeItem | None:
    name = reader.local(body, "name", path)
    amount, online = _amounts(reader, body, path)
    start, end = _period(reader, body, path)
    tiers = tuple(
        _tier(reader, t, f"{path}.tiers[{i}]")
        for i, t in enumerate(reader.seq(body.get("tiers"), f"{path}.tiers"))
    )
    per = _quantity(reader, body.get("per"), f"{path}.per")
    if tiers and per is None:
        reader.fail(f"{path}.tiers", "tiers price the units of `per`: add per")
    cap = reader.integer(body, "cap", path)
    cases = tuple(
        _case(reader, c, f"{path}.cases[{i}]")
        for i, c in enumerate(reader.seq(body.get("cases"), f"{path}.cases"))
    )
    exemptions = tuple(
        _exemption(reader, e, f"{path}.exemptions[{i}]")
        for i, e in enumerate(reader.seq(body.get("exemptions"), f"{path}.exemptions"))
    )
    if not key or name is None:
        return None
    return FeeItem(
        key, name, amount, online,
        per=per, times=_quantity(reader, body.get("times"), f"{path}.times"),
        tiers=tiers, cap=cap, cases=cases,
        exemptions=tuple(e for e in exemptions if e is not None),
        valid_from=start, valid_until=end,
        source=str(body.get("source") or ""),
        inferred=reader.boolean(body, "inferred", path, default=False),
    )  # fmt: skip


def _amounts(reader: Reader, body: Mapping[str, Any], path: str) -> tuple[int | None, int | None]:
    amount = reader.integer(body, "amount", path)
    online = reader.integer(body, "online_amount", path)
    if (amount is not None and amount < 0) or (online is not None and online < 0):
        reader.fail(path, "amounts cannot be negative")
    if online is not None and amount is None:
        reader.fail(path, "online_amount given without amount")
    return amount, online


def _day(reader: Reader, value: Any, where: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        reader.fail(where, f"{value!r} is not a date like 2025-07-01")
        return None


def _period(reader: Reader, body: Mapping[str, Any], path: str) -> tuple[date | None, date | None]:
    start = _day(reader, body.get("from"), f"{path}.from")
    end = _day(reader, body.get("until"), f"{path}.until")
    if start and end and start > end:
        reader.fail(path, "from is after until")
    return start, end


def _quantity(reader: Reader, raw: Any, path: str) -> Quantity | None:
    if raw is None:
        return None
    body = reader.mapping(raw, path, QUANTITY_KEYS)
    field_key = reader.text(body, "field", path)
    unit = reader.local(body, "unit", path)
    beyond = reader.integer(body, "beyond", path) or 0
    if beyond < 0:
        reader.fail(f"{path}.beyond", "cannot be negative")
    return Quantity(field_key, unit, beyond) if field_key and unit else None


def _tier(reader: Reader, raw: Any, path: str) -> Tier:
    body = reader.mapping(raw, path, frozenset({"up_to", "amount"}))
    amount = reader.integer(body, "amount", path)
    if amount is None or amount < 0:
        reader.fail(f"{path}.amount", "must be a whole number of VND, 0 or more")
    return Tier(amount or 0, reader.integer(body, "up_to", path))


def _conditions(reader: Reader, raw: Any, path: str) -> tuple[Condition, ...]:
    conditions: list[Condition] = []
    for index, item in enumerate(reader.seq(raw, path)):
        where = f"{path}[{index}]"
        body = reader.mapping(item, where, CONDITION_KEYS)
        values = tuple(str(v) for v in reader.seq(body.get("in"), f"{where}.in"))
        under, older = (reader.integer(body, k, where) for k in ("age_under", "age_from"))
        if not values and under is None and older is None:
            reader.fail(where, "say `in: [values]` or an age bound (age_under, age_from)")
        key = reader.text(body, "field", where)
        if key:
            conditions.append(Condition(key, values, under, older))
    return tuple(conditions)


def _case(reader: Reader, raw: Any, path: str) -> PriceCase:
    body = reader.mapping(raw, path, CASE_KEYS)
    if "amount" not in body:
        reader.fail(path, "amount is missing (use null when set at reception)")
    amount, online = _amounts(reader, body, path)
    start, end = _period(reader, body, path)
    when = _conditions(reader, body.get("when"), f"{path}.when")
    if not when and start is None and end is None:
        reader.fail(path, "a case needs `when` conditions or a `from`/`until` period")
    return PriceCase(
        amount, online, when, start, end,
        note=reader.local(body, "note", path, required=False),
        source=str(body.get("source") or ""),
        inferred=reader.boolean(body, "inferred", path, default=False),
    )  # fmt: skip


def _exemption(reader: Reader, raw: Any, path: str) -> Exemption | None:
    body = reader.mapping(raw, path, EXEMPTION_KEYS)
    when = _conditions(reader, body.get("when"), f"{path}.when")
    if not when:
        reader.fail(f"{path}.when", "an exemption needs at least one condition")
    percent = body.get("percent", 100)
    if isinstance(percent, bool) or not isinstance(percent, int) or not 0 < percent <= 100:
        reader.fail(f"{path}.percent", "must be a whole number from 1 to 100")
        percent = 100
    note = reader.local(body, "note", path)
    if note is None:
        return None
    source = str(body.get("source") or "")
    inferred = reader.boolean(body, "inferred", path, default=False)
    return Exemption(when, note, percent, source, inferred)


def check_fee_fields(reader: Reader, fees: Sequence[FeeItem], fields: Sequence[FieldSpec]) -> None:
    """Every field a fee rule names must exist in the form and fit its use."""
    by_key = {spec.key: spec for spec in fields}
    for fee in fees:
        path = f"fees[{fee.key}]"
        for name, quantity in (("per", fee.per), ("times", fee.times)):
            if quantity is not None:
                _check_number(reader, by_key, quantity.field, f"{path}.{name}.field")
        for index, case in enumerate(fee.cases):
            _check_conditions(reader, by_key, case.when, f"{path}.cases[{index}].when")
        for index, exemption in enumerate(fee.exemptions):
            _check_conditions(reader, by_key, exemption.when, f"{path}.exemptions[{index}].when")


def _check_number(reader: Reader, by_key: Mapping[str, FieldSpec], key: str, where: str) -> None:
    spec = by_key.get(key)
    if spec is None:
        reader.fail(where, f"no field {key!r} in this form")
    elif spec.type is not FieldType.NUMBER:
        reader.fail(where, f"field {key!r} is {spec.type}, not a number: it cannot be a quantity")


def _check_conditions(
    reader: Reader,
    by_key: Mapping[str, FieldSpec],
    conditions: Sequence[Condition],
    path: str,
) -> None:
    for index, condition in enumerate(conditions):
        where = f"{path}[{index}]"
        spec = by_key.get(condition.field)
        if spec is None:
            reader.fail(f"{where}.field", f"no field {condition.field!r} in this form")
            continue
        aged = condition.age_under is not None or condition.age_from is not None
        if aged and spec.type is not FieldType.DATE:
            reader.fail(f"{where}.field", f"an age needs a date field; {spec.key!r} is {spec.type}")
        if condition.values:
            _check_values(reader, spec, condition.values, f"{where}.in")


def _check_values(reader: Reader, spec: FieldSpec, values: Sequence[str], where: str) -> None:
    if spec.type is FieldType.SELECT:
        allowed = {option.value for option in spec.options}
    elif spec.type is FieldType.YESNO:
        allowed = {YES, NO}
    else:
        reader.fail(where, f"field {spec.key!r} is {spec.type}: only select and yes/no have values")
        return
    for value in values:
        if value not in allowed:
            reader.fail(
                where, f"field {spec.key!r} has no option {value!r}; it has {sorted(allowed)}"
            )


def surely_charged_online(fees: Sequence[FeeItem], fields: Sequence[FieldSpec]) -> bool:
    """Whether some online payment is due whatever the optional answers (the form then asks
    for a refund account): a positive price not tied to an optional quantity."""
    required = {spec.key for spec in fields if spec.required and spec.show_if is None}
    for fee in fees:
        quantities = [q for q in (fee.per, fee.times) if q is not None]
        tied = any(q.field not in required or q.beyond for q in quantities)
        if (fee.payable_online or 0) > 0 and not tied:
            return True
    return False
