"""How each e-form field type is asked, offered as buttons and shown back in summaries."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from conversations import payloads
from conversations.cards import both
from conversations.messages import Button, Day, Expects, Lines, Money, Text, btn, raw
from conversations.validation_texts import grouped
from services.answers import JsonValue
from services.applicant import for_self
from services.catalog import FieldSpec, FieldType, Procedure
from services.form_checks import expected_fields

OPTIONS_PER_PAGE = 10
OPTION_LIST = "o"
SUMMARY_TEXT_MAX = 160


def label(spec: FieldSpec) -> Text:
    """The field's label, with a red-star mark when required, as on the portal."""
    return Text(
        "form.label_required" if spec.required else "form.label", {"label": both(spec.label)}
    )


def hint(spec: FieldSpec) -> Text:
    """What to type for this field type."""
    match spec.type:
        case FieldType.DATE:
            return Text(f"form.hint.date_{spec.date_range.value}")
        case FieldType.NUMBER:
            if spec.min_value is not None and spec.max_value is not None:
                return Text(
                    "form.hint.number_range", {"min": spec.min_value, "max": spec.max_value}
                )
            return Text("form.hint.number")
        case FieldType.TEXTAREA:
            return Text("form.hint.textarea")
        case _:
            return Text(f"form.hint.{spec.type.value}")


def display(spec: FieldSpec, value: JsonValue | None) -> Text:
    """An answer as the citizen sees it in summaries."""
    if value is None or value == "":
        return Text("form.value_empty")
    match spec.type:
        case FieldType.DATE if isinstance(value, str):
            return Text("raw_day", {"day": Day(date.fromisoformat(value))})
        case FieldType.MONEY if isinstance(value, int):
            return Text("raw_money", {"amount": Money(value)})
        case FieldType.NUMBER if isinstance(value, int):
            return Text("raw_number", {"value": value})
        case FieldType.YESNO:
            return Text("common.yes" if value is True else "common.no")
        case FieldType.SELECT:
            for option in spec.options:
                if option.value == value:
                    return Text("raw_both", {"text": both(option.label)})
            return raw(str(value))
        case FieldType.ADDRESS if isinstance(value, dict):
            return raw(address_line(value))
        case _:
            text = str(value)
            if len(text) > SUMMARY_TEXT_MAX:
                text = text[: SUMMARY_TEXT_MAX - 1] + "…"
            return raw(text)


def address_line(value: Mapping[str, str]) -> str:
    """detail, ward, province."""
    parts = (value.get("detail", ""), value.get("ward", ""), value.get("province", ""))
    return ", ".join(part for part in parts if part)


# The keyboard each field type wants (any other: ordinary text).
_EXPECTS = {
    FieldType.CCCD: Expects.ID_NUMBER,
    FieldType.PHONE: Expects.PHONE,
    FieldType.NUMBER: Expects.NUMBER,
    FieldType.MONEY: Expects.NUMBER,
    FieldType.ACCOUNT: Expects.NUMBER,
    FieldType.EMAIL: Expects.EMAIL,
}


def expects(field_type: FieldType) -> Expects:
    """What a typed answer to a field of this type looks like."""
    return _EXPECTS.get(field_type, Expects.TEXT)


def question(
    proc: Procedure,
    spec: FieldSpec,
    answers: Mapping[str, JsonValue],
    editing: bool,
    page: int = 0,
    fixed: frozenset[str] = frozenset(),
) -> tuple[Text, tuple[tuple[Button, ...], ...]]:
    """The question for one field, and its buttons (choices, then navigation); `fixed` fields
    (filled from the login, never asked) are not counted."""
    expected = expected_fields(proc, answers, spec.key)  # conditional fields still to come count
    shown = tuple(f for f in expected if f.key not in fixed or f.key == spec.key)
    position = next((i for i, f in enumerate(shown, 1) if f.key == spec.key), len(shown))
    current = answers.get(spec.key)
    params: dict[str, str | int | Text | Lines] = {
        "number": position,
        "total": len(shown),
        "label": label(spec),
        "hint": hint(spec),
        "help": Text("form.help", {"help": both(spec.help)}) if spec.help else "",
        "current": Text("form.current", {"value": display(spec, current)})
        if current is not None
        else "",
    }
    rows = list(choice_rows(spec, page))
    nav: list[Button] = []
    if current is not None and spec.type is not FieldType.ADDRESS:
        nav.append(btn("btn.keep", payloads.do("keep")))
    if not spec.required:
        nav.append(btn("btn.skip", payloads.do("skip")))
    if nav:
        rows.append(tuple(nav))
    last = []
    if editing or position > 1:
        last.append(btn("btn.back_to_review" if editing else "btn.back", payloads.do("back")))
    last.append(btn("btn.cancel", payloads.do("cancel")))
    rows.append(tuple(last))
    return Text("form.question", params), tuple(rows)


def choice_rows(spec: FieldSpec, page: int) -> tuple[tuple[Button, ...], ...]:
    """Buttons for select and yes/no fields."""
    if spec.type is FieldType.YESNO:
        return (
            (
                btn("common.yes", payloads.yes_no(spec.key, True)),
                btn("common.no", payloads.yes_no(spec.key, False)),
            ),
        )
    if spec.type is not FieldType.SELECT:
        return ()
    count = len(spec.options)
    pages = max(1, -(-count // OPTIONS_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    start = page * OPTIONS_PER_PAGE
    shown = list(enumerate(spec.options))[start : start + OPTIONS_PER_PAGE]
    buttons = [
        Button(Text("raw_both", {"text": both(o.label)}), payloads.option(spec.key, i))
        for i, o in shown
    ]
    rows = [tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2)]
    nav: list[Button] = []
    if page > 0:
        nav.append(btn("btn.prev_page", payloads.page(OPTION_LIST, page - 1)))
    if page < pages - 1:
        nav.append(btn("btn.next_page", payloads.page(OPTION_LIST, page + 1)))
    if nav:
        rows.append(tuple(nav))
    return tuple(rows)


def summary_lines(proc: Procedure, answers: Mapping[str, JsonValue]) -> Lines:
    """Every field with its answer, one per line, under a heading per block."""
    shown = proc.shown_fields(answers)
    lines = {
        spec.key: Text(
            "form.summary_line",
            {"label": label(spec), "value": display(spec, answers.get(spec.key))},
        )
        for spec in shown
    }
    return grouped(proc, shown, lines, subject=not for_self(answers))


def edit_rows(
    proc: Procedure, answers: Mapping[str, JsonValue], fixed: frozenset[str] = frozenset()
) -> tuple[tuple[Button, ...], ...]:
    """One edit button per field the citizen may change (not `fixed` ones), two per row."""
    buttons = [
        Button(Text("btn.edit_field", {"label": both(spec.label)}), payloads.edit(spec.key))
        for spec in proc.shown_fields(answers)
        if spec.key not in fixed
    ]
    return tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
