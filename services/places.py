"""Administrative units of the two-level local government: provinces and their wards."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from services.catalog import Province, Ward
from services.citizens import Address
from services.search import rank_names


class Places:
    """Read-only directory of provinces (34) and commune-level units (3,321)."""

    def __init__(self, provinces: Sequence[Province]) -> None:
        self._provinces = {p.code: p for p in provinces}
        self._wards = {w.code: w for p in provinces for w in p.wards}

    @property
    def provinces(self) -> tuple[Province, ...]:
        """All provinces, in the order given."""
        return tuple(self._provinces.values())

    def province(self, code: str) -> Province | None:
        """The province with `code` ("04" for Cao Bằng)."""
        return self._provinces.get(code)

    def ward(self, code: str) -> Ward | None:
        """The ward or commune with `code`."""
        return self._wards.get(code)

    def wards(self, province_code: str) -> tuple[Ward, ...]:
        """The commune-level units of a province."""
        province = self._provinces.get(province_code)
        return province.wards if province else ()

    def find_wards(self, province_code: str, query: str, limit: int = 8) -> list[Ward]:
        """Wards of a province whose names match a typed query, best first."""
        keys = rank_names(query, ((w.code, w.name) for w in self.wards(province_code)), limit)
        return [self._wards[key] for key in keys]

    def find_provinces(self, query: str, limit: int = 8) -> list[Province]:
        """Provinces whose names match a typed query, best first."""
        keys = rank_names(query, ((p.code, p.name) for p in self.provinces), limit)
        return [self._provinces[key] for key in keys]


class AddressConverter(Protocol):
    """Turns an old three-level address (with a district) into the two-level units."""

    def to_two_level(self, legacy: str) -> Address | None:
        """The new address, or None when it cannot be determined offline."""
        ...
