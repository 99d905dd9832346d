"""Validation messages that name the field(s) and the problem, and the review grouped by block."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from conversations import payloads
from conversations.cards import both
from conversations.messages import Both, Button, Lines, Outgoing, Text
from services.answers import AnswerError
from services.catalog import FieldSpec, Procedure
from services.field_rules import FieldProblem
from services.form_checks import CheckError
from services.phone_numbers import phone_problem

DEFAULT_GROUP = "validation.group_details"
APPLICANT_GROUP = "applicant"  # the identity block's heading, the filer's when for oneself
SUBJECT_GROUP = "validation.group_subject"
PHONE_FIELD = "validation.phone_field"


def error_text(proc: Procedure, spec: FieldSpec, error: AnswerError) -> Text:
    """The message of a refused answer; a cross-field rule names each field it is about."""
    params: dict[str, str | int | Text] = {**error.params, "field": label_of(proc, spec.key)}
    if isinstance(error, CheckError):
        for name, key in zip(("first", "second"), error.fields, strict=False):
            params[name] = label_of(proc, key)
    return Text(f"error.{error.reason}", params)


def phone_error_text(typed: str) -> Text:
    """Why a typed mobile number was refused outside a form (login): its real problem."""
    problem, params = phone_problem(typed)
    return Text(f"error.phone_{problem.value}", {**params, "field": Text(PHONE_FIELD)})


def label_of(proc: Procedure, key: str) -> Text:
    """A field's label as a bilingual parameter."""
    spec = proc.field(key)
    return Text("raw_both", {"text": both(spec.label)}) if spec else Text("raw", {"text": key})


def problems_notice(
    proc: Procedure,
    fields: Sequence[FieldProblem],
    checks: Sequence[CheckError],
    fixed: frozenset[str] = frozenset(),
) -> Outgoing | None:
    """Before the review: what no longer holds, each with a button to edit its field(s),
    none for a `fixed` field (locked to the registry's data)."""
    if not fields and not checks:
        return None
    lines = [
        Text("validation.problem_line", {"reason": error_text(proc, p.spec, p.error)})
        for p in fields
    ]
    keys = [key for p in fields for key in _fields_of(p)]
    for error in checks:
        spec = proc.field(error.fields[-1])
        if spec is not None:
            lines.append(Text("validation.problem_line", {"reason": error_text(proc, spec, error)}))
        keys.extend(error.fields)
    buttons = [
        Button(Text("btn.edit_field", {"label": both(spec.label)}), payloads.edit(spec.key))
        for key in dict.fromkeys(keys)
        if key not in fixed and (spec := proc.field(key)) is not None
    ]
    rows = tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
    return Outgoing(Text("validation.review_problems", {"lines": Lines(tuple(lines))}), rows)


def _fields_of(problem: FieldProblem) -> tuple[str, ...]:
    """The field at fault, and the one its message says may be wrong instead (an ID that
    does not match the birth date or sex typed: either may be the typo)."""
    spec, reason = problem.spec, problem.error.reason
    other = {
        "cccd_birth_year_mismatch": spec.birth_date_field,
        "cccd_sex_mismatch": spec.sex_field,
    }.get(reason)
    return (spec.key, other) if other else (spec.key,)


def grouped(
    proc: Procedure, shown: Sequence[FieldSpec], line: Mapping[str, Text], subject: bool = False
) -> Lines:
    """Summary lines under one heading per block (applicant, child, mother, father…), the
    blocks in the order the form first reaches them; filed for someone else (`subject`), the
    identity block is that person's, not the applicant's."""
    labels = {group.key: group for group in proc.groups}
    by_group: dict[str, list[Text]] = {}
    for spec in shown:
        by_group.setdefault(spec.group, []).append(line[spec.key])
    items: list[Text] = []
    for key, lines in by_group.items():
        group = labels.get(key)
        heading = (
            Text(SUBJECT_GROUP)
            if subject and key == APPLICANT_GROUP
            else Text("raw_both", {"text": Both(group.label_vi, group.label_en)})
            if group
            else Text(DEFAULT_GROUP)
        )
        items.append(Text("validation.group_heading", {"label": heading}))
        items.extend(lines)
    return Lines(tuple(items))
