"""The embedded citizen registry: fictional demo citizens shipped as seed data.

It stands for VNeID / the national population database in development and in the web chat
demo. Every entry is validated at load: ID number consistent with birth date and sex, a valid
mobile number, and a ward that exists. Production settings refuse it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml

from services.citizens import Address, Person
from services.identity import (
    IdNumberError,
    Sex,
    check_id_matches,
    normalise_mobile,
    parse_id_number,
)
from services.places import Places

CITIZENS_FILE = Path(__file__).parent / "seed" / "citizens.yaml"


class DemoDataError(ValueError):
    """The demo citizens file is invalid."""


def load_people(
    places: Places, path: Path = CITIZENS_FILE, today: date | None = None
) -> list[Person]:
    """Read and validate the demo citizens."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    people = []
    for index, entry in enumerate(raw.get("citizens", [])):
        try:
            people.append(_person(entry, places, today or date.today()))
        except (KeyError, ValueError, IdNumberError) as error:
            raise DemoDataError(f"{path.name}: citizens[{index}]: {error}") from error
    ids = [p.id_number for p in people]
    if len(set(ids)) != len(ids):
        raise DemoDataError(f"{path.name}: duplicate ID numbers")
    return people


def _person(entry: dict[str, Any], places: Places, today: date) -> Person:
    birth = date.fromisoformat(str(entry["birth_date"]))
    sex = Sex(str(entry["sex"]))
    id_number = parse_id_number(str(entry["id_number"]), today)
    check_id_matches(id_number, birth, sex)
    phone = normalise_mobile(str(entry["phone"]))
    if phone is None:
        raise ValueError(f"not a mobile number: {entry['phone']!r}")
    return Person(
        id_number=id_number.number,
        full_name=str(entry["full_name"]),
        birth_date=birth,
        sex=sex,
        phone=phone,
        ethnicity=str(entry.get("ethnicity", "")),
        email=str(entry.get("email", "")),
        address=_address(entry.get("address", {}), places),
    )


def _address(raw: dict[str, Any], places: Places) -> Address:
    if "legacy" in raw:
        return Address(legacy=str(raw["legacy"]))
    province = places.province(str(raw["province_code"]))
    ward = places.ward(str(raw["ward_code"]))
    if province is None or ward is None or ward.province_code != province.code:
        raise ValueError(f"unknown province/ward {raw!r}")
    return Address(province.code, province.name, ward.code, ward.name, str(raw.get("detail", "")))


class DemoCitizenRegistry:
    """CitizenRegistry over the demo citizens (read-only)."""

    def __init__(self, people: list[Person]) -> None:
        self._people = {p.id_number: p for p in people}

    async def lookup(self, id_number: str) -> Person | None:
        """The demo citizen with this ID number."""
        return self._people.get(id_number)

    def __len__(self) -> int:
        return len(self._people)
