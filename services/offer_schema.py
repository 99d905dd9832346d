"""Read what a procedure really offers: its result forms and the in-person visits it needs.

    result_forms: [truc_tiep, buu_chinh]        # values of the delivery select it allows
    visits:
      - {purpose: biometrics, when: before_result,
         place: {vi: "Công an xã/phường", en: "the commune police"}, source: "…"}

The delivery question of the form then offers only the allowed forms (an identity card is a
card: it cannot be an electronic result).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from services.catalog import FieldSpec
from services.fee_rules import Visit, VisitPurpose, VisitWhen
from services.fee_schema import Reader

VISIT_KEYS = frozenset({"purpose", "when", "place", "source", "inferred", "note"})


def parse_result_forms(reader: Reader, raw: Any) -> tuple[str, ...]:
    """The delivery values the procedure allows (empty: all of them)."""
    return tuple(str(value) for value in reader.seq(raw, "result_forms"))


def parse_visits(reader: Reader, raw: Any) -> tuple[Visit, ...]:
    """The in-person visits, each with its purpose, moment and place."""
    visits: list[Visit] = []
    for index, item in enumerate(reader.seq(raw, "visits")):
        path = f"visits[{index}]"
        body = reader.mapping(item, path, VISIT_KEYS)
        purpose = _enum(reader, VisitPurpose, body.get("purpose"), f"{path}.purpose")
        when = _enum(reader, VisitWhen, body.get("when"), f"{path}.when")
        place = reader.local(body, "place", path)
        if purpose and when and place:
            source = str(body.get("source") or "")
            inferred = reader.boolean(body, "inferred", path, default=False)
            visits.append(Visit(purpose, when, place, source, inferred))
    return tuple(visits)


def _enum(
    reader: Reader, kind: type[VisitPurpose] | type[VisitWhen], value: Any, where: str
) -> Any:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        reader.fail(where, f"unknown value {value!r}; expected one of: {allowed}")
        return None


def restrict_delivery(
    reader: Reader, fields: Sequence[FieldSpec], delivery_key: str, forms: Sequence[str]
) -> tuple[FieldSpec, ...]:
    """The fields with the delivery select narrowed to `forms` (each must be one of its values)."""
    if not forms:
        return tuple(fields)
    result: list[FieldSpec] = []
    for spec in fields:
        if spec.key == delivery_key:
            values = {option.value for option in spec.options}
            for form in forms:
                if form not in values:
                    reader.fail(
                        "result_forms", f"{form!r} is not a delivery option; use {sorted(values)}"
                    )
            spec = replace(spec, options=tuple(o for o in spec.options if o.value in forms))
        result.append(spec)
    return tuple(result)
