"""Pre-filling a form from the registry: a name a bank cannot print is left for the citizen."""

from __future__ import annotations

from datetime import date

from conversations.prefill import prefill_value
from services.catalog import FieldSpec, FieldType, LocalText, PrefillSource
from services.citizens import Person
from services.identity import Sex


def person(full_name: str) -> Person:
    return Person("066195000123", full_name, date(1995, 3, 1), Sex.FEMALE, "0912345678")


def holder() -> FieldSpec:
    label = LocalText("Chủ tài khoản", "Account holder")
    return FieldSpec("tk_chu", label, FieldType.HOLDER, False, prefill=PrefillSource.FULL_NAME)


def test_the_holder_is_the_name_as_banks_print_it() -> None:
    assert prefill_value(holder(), person("Nông Thị Hoa")) == "NONG THI HOA"


def test_a_name_banks_cannot_print_is_not_prefilled_and_does_not_fail_the_step() -> None:
    assert prefill_value(holder(), person("H'Hen Niê")) is None
