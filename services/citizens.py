"""Citizens: the identity read from the population registry, and the registry port."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from services.identity import Sex


@dataclass(frozen=True, slots=True)
class Address:
    """A two-level address (province → commune/ward → detail); `legacy` is an old 3-level one."""

    province_code: str = ""
    province: str = ""
    ward_code: str = ""
    ward: str = ""
    detail: str = ""
    legacy: str = ""

    @property
    def is_two_level(self) -> bool:
        """True when the address already uses the units in force since 1 July 2025."""
        return bool(self.ward_code and self.province_code)

    def line(self) -> str:
        """detail, ward, province — or the old text when not converted yet."""
        if not self.is_two_level:
            return self.legacy
        return ", ".join(part for part in (self.detail, self.ward, self.province) if part)


@dataclass(frozen=True, slots=True)
class Person:
    """A person as the population registry (VNeID / CSDL quốc gia về dân cư) knows them."""

    id_number: str
    full_name: str
    birth_date: date
    sex: Sex
    phone: str
    ethnicity: str = ""
    email: str = ""
    address: Address = field(default_factory=Address)


class CitizenRegistry(Protocol):
    """The national population database, seen through VNeID; read-only."""

    async def lookup(self, id_number: str) -> Person | None:
        """The person with this 12-digit ID number, if the registry knows them."""
        ...


@dataclass(frozen=True, slots=True)
class Citizen:
    """A citizen known to dvc-bot: their internal id and their latest registry data."""

    id: str
    person: Person
