"""Who files and whom a dossier is about: the applicant's identity checked against the login.

Filed for oneself, the applicant block's identity fields (those marked `identity` in the
catalogue: name, date of birth, sex, ID number) are the logged-in citizen's, as the population
registry knows them: any other value is a mismatch and no dossier may be created with it.
Where the procedure asks for whom the citizen files (the `relation` block), filing for a
child, a parent or a represented person makes the applicant block describe that person (the
subject), typed and validated, while the filer stays the logged-in citizen; the dossier keeps
both and the relation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from services.answers import JsonValue
from services.catalog import FieldSpec, PrefillSource, Procedure
from services.citizens import Person

RELATION_FIELD = "nop_cho"


class Relation(StrEnum):
    """For whom the logged-in citizen files."""

    SELF = "ban_than"
    CHILD = "con"
    PARENT = "cha_me"
    REPRESENTED = "uy_quyen"


@dataclass(frozen=True, slots=True)
class Party:
    """A person on a dossier, as identified when it was submitted."""

    id_number: str
    full_name: str
    birth_date: str = ""  # ISO date
    sex: str = ""
    citizen_id: str | None = None  # set for the logged-in filer


class ApplicantMismatch(ValueError):
    """The applicant's identity answers are not the logged-in citizen's (or name the filer as
    someone else); `fields` are the keys at fault."""

    def __init__(self, fields: tuple[str, ...], subject_is_filer: bool = False) -> None:
        super().__init__(",".join(fields))
        self.fields = fields
        self.subject_is_filer = subject_is_filer


def relation_of(answers: Mapping[str, JsonValue]) -> Relation:
    """The relation answered, oneself when the procedure does not ask or it is not answered."""
    value = answers.get(RELATION_FIELD)
    try:
        return Relation(value) if isinstance(value, str) else Relation.SELF
    except ValueError:
        return Relation.SELF


def for_self(answers: Mapping[str, JsonValue]) -> bool:
    """Whether the applicant block is the filer's own identity."""
    return relation_of(answers) is Relation.SELF


def identity_fields(proc: Procedure) -> tuple[FieldSpec, ...]:
    """The applicant's identity fields of a procedure."""
    return tuple(spec for spec in proc.fields if spec.identity)


def registry_value(spec: FieldSpec, person: Person) -> JsonValue | None:
    """An identity field's value as the population registry knows the person."""
    match spec.prefill:
        case PrefillSource.FULL_NAME:
            return person.full_name
        case PrefillSource.BIRTH_DATE:
            return person.birth_date.isoformat()
        case PrefillSource.SEX:
            return person.sex.value
        case PrefillSource.ID_NUMBER:
            return person.id_number
    return None


def differing(proc: Procedure, answers: Mapping[str, JsonValue], person: Person) -> tuple[str, ...]:
    """Identity fields whose answer is not the person's registry value (missing ones count)."""
    return tuple(
        spec.key
        for spec in identity_fields(proc)
        if (value := registry_value(spec, person)) is not None and answers.get(spec.key) != value
    )


def _party(proc: Procedure, answers: Mapping[str, JsonValue]) -> Party:
    by_source = {spec.prefill: answers.get(spec.key) for spec in identity_fields(proc)}

    def text(source: PrefillSource) -> str:
        value = by_source.get(source)
        return value if isinstance(value, str) else ""

    return Party(
        id_number=text(PrefillSource.ID_NUMBER),
        full_name=text(PrefillSource.FULL_NAME),
        birth_date=text(PrefillSource.BIRTH_DATE),
        sex=text(PrefillSource.SEX),
    )


def parties(
    proc: Procedure, answers: Mapping[str, JsonValue], citizen_id: str, filer: Person
) -> tuple[Party, Party, Relation]:
    """The filer, the subject and their relation, or `ApplicantMismatch`: the last guard
    before a dossier is created, so that no dossier carries an applicant the login is not."""
    relation = relation_of(answers)
    me = Party(
        filer.id_number,
        filer.full_name,
        filer.birth_date.isoformat(),
        filer.sex.value,
        citizen_id,
    )
    if relation is Relation.SELF:
        wrong = differing(proc, answers, filer)
        if wrong:
            raise ApplicantMismatch(wrong)
        return me, me, relation
    subject = _party(proc, answers)
    if subject.id_number and subject.id_number == filer.id_number:
        id_keys = tuple(
            s.key for s in identity_fields(proc) if s.prefill is PrefillSource.ID_NUMBER
        )
        raise ApplicantMismatch(id_keys, subject_is_filer=True)
    return me, subject, relation
