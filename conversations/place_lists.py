"""The province and ward pickers an address is chosen with: the form's address question and
the change of a dossier's delivery address ask them alike."""

from __future__ import annotations

from conversations.messages import Button, Text, raw
from conversations.picker import Page, list_buttons
from services.places import Places

PROVINCES, WARDS = "v", "w"  # the pickers' list ids in button payloads
Rows = tuple[tuple[Button, ...], ...]


def province_rows(places: Places, home_code: str, query: str) -> tuple[str, Rows]:
    """The text id and buttons for a province: the matches of `query`, else the home one."""
    if query:
        provinces = places.find_provinces(query)
        key = "form.address_province_matches" if provinces else "form.address_province_none"
    else:
        home = places.province(home_code)
        provinces = [home] if home else []
        key = "form.address_province"
    rows, _ = list_buttons(PROVINCES, [(p.code, raw(p.name)) for p in provinces], 0, 8, 2)
    return key, rows


def ward_rows(
    places: Places, province_code: str, query: str, number: int
) -> tuple[Text, Rows, Page]:
    """The question and buttons for a ward of the province: the matches of `query`, else one
    page of all its wards."""
    province = places.province(province_code)
    if query:
        wards = places.find_wards(province_code, query)
        key = "form.address_ward_matches" if wards else "form.address_ward_none"
    else:
        wards = list(places.wards(province_code))
        key = "form.address_ward"
    rows, page = list_buttons(WARDS, [(w.code, raw(w.name)) for w in wards], number, 8, 2)
    params: dict[str, str | int] = {
        "province": province.name if province else "",
        "query": query,
        "page": page.number + 1,
        "pages": page.count,
    }
    return Text(key, params), rows, page
