"""Answers a logged-in citizen's identity fills in: confirmed, not typed again."""

from __future__ import annotations

from services.answers import AnswerError, JsonValue, parse_holder
from services.catalog import FieldSpec, FieldType, PrefillSource, Procedure
from services.citizens import Person


def prefill_value(spec: FieldSpec, person: Person) -> JsonValue | None:
    """The value of one field taken from the registry, if the field has a prefill source."""
    match spec.prefill:
        case PrefillSource.FULL_NAME:
            if spec.type is not FieldType.HOLDER:
                return person.full_name
            try:
                return parse_holder(person.full_name)
            except AnswerError:  # e.g. "H'Hen Niê": the citizen types it as the bank prints it
                return None
        case PrefillSource.BIRTH_DATE:
            return person.birth_date.isoformat()
        case PrefillSource.ID_NUMBER:
            return person.id_number
        case PrefillSource.PHONE:
            return person.phone
        case PrefillSource.EMAIL:
            return person.email or None
        case PrefillSource.SEX | PrefillSource.ETHNICITY:
            wanted = person.sex.value if spec.prefill is PrefillSource.SEX else person.ethnicity
            known = spec.type is FieldType.SELECT and any(o.value == wanted for o in spec.options)
            return wanted if known else None
        case PrefillSource.ADDRESS:
            a = person.address
            if not a.is_two_level:  # an old address must be converted before it can be used
                return None
            return {
                "province_code": a.province_code,
                "province": a.province,
                "ward_code": a.ward_code,
                "ward": a.ward,
                "detail": a.detail,
            }
    return None


def prefilled_answers(proc: Procedure, person: Person) -> dict[str, JsonValue]:
    """Every field of the form the registry can fill."""
    answers: dict[str, JsonValue] = {}
    for spec in proc.fields:  # hidden (conditional) fields too: they may be shown later
        value = prefill_value(spec, person)
        if value is not None:
            answers[spec.key] = value
    return answers
