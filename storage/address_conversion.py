"""Old three-level addresses → the two-level units in force since 1 July 2025, offline.

Uses the `vietnamadminunits` package's bundled mapping tables only. Its own converter may call
a geocoding service over the network for wards that were split between several new units; we
never call it. Such an address is not converted (None): the citizen then picks the new ward.
The package (which loads numpy, shapely and geopy) is imported on the first conversion only:
a registry refresh of an old-style address, never an ordinary chat or start-up.
"""

from __future__ import annotations

from services.citizens import Address
from services.places import Places
from services.text_folding import fold


class OfflineAddressConverter:
    """AddressConverter on the package's offline tables."""

    def __init__(self, places: Places) -> None:
        self._places = places
        self._by_key: dict[tuple[str, str], str] = {}
        for province in places.provinces:
            for ward in province.wards:
                self._by_key[(province.code, _key(ward.name))] = ward.code

    def to_two_level(self, legacy: str) -> Address | None:
        """The new address, or None when it cannot be determined offline."""
        from vietnamadminunits.converter import converter_2025 as tables
        from vietnamadminunits.parser import ParseMode, parse_address

        old = parse_address(legacy, mode=ParseMode.LEGACY, keep_street=True, level=3)
        if not (old.province_key and old.district_key and old.ward_key):
            return None
        new_province = next(
            (k for k, olds in tables.DICT_PROVINCE.items() if old.province_key in olds), None
        )
        if new_province is None:
            return None
        old_key = f"{old.province_key}_{old.district_key}_{old.ward_key}"
        undivided = tables.DICT_PROVINCE_WARD_NO_DIVIDED.get(new_province, {})
        new_ward = next((k for k, olds in undivided.items() if old_key in olds), None)
        if new_ward is None:  # split between several new wards: needs the citizen's choice
            return None
        province = next((p for p in self._places.provinces if _key(p.name) == new_province), None)
        if province is None:
            return None
        ward_code = self._by_key.get((province.code, new_ward))
        ward = self._places.ward(ward_code) if ward_code else None
        if ward is None:
            return None
        return Address(province.code, province.name, ward.code, ward.name, old.street or "", legacy)


def _key(name: str) -> str:
    """The package's key form: "Phường Thục Phán" → "phuongthucphan"."""
    return fold(name).replace(" ", "").replace("-", "")
