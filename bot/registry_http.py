"""An HTTP adapter to the population registry (VNeID / CSDL quốc gia về dân cư).

The contract (documented for the integrator): `GET {base}/citizens/{id_number}` with
`Authorization: Bearer <token>` answers 200 with
`{"id_number", "full_name", "birth_date": "YYYY-MM-DD", "sex": "nam"|"nu", "phone",
"ethnicity", "email", "address": {"province_code", "province", "ward_code", "ward", "detail"}
or {"legacy": "<old address>"}}`, or 404 when the person is unknown. Any other answer is an
error (the login then fails safely with the same message as a wrong code).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from services.citizens import Address, Person
from services.identity import Sex, normalise_mobile


class RegistryUnavailable(RuntimeError):
    """The registry did not answer properly."""


class HttpCitizenRegistry:
    """CitizenRegistry over HTTP."""

    def __init__(self, base_url: str, token: str, client: httpx.AsyncClient | None = None) -> None:
        self._base = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {token}"}
        self._client = client or httpx.AsyncClient(timeout=10)

    async def lookup(self, id_number: str) -> Person | None:
        """The person with this ID number, None when the registry does not know them."""
        if not (len(id_number) == 12 and id_number.isascii() and id_number.isdigit()):
            return None
        try:
            response = await self._client.get(
                f"{self._base}/citizens/{id_number}", headers=self._headers
            )
        except httpx.HTTPError as error:
            raise RegistryUnavailable(type(error).__name__) from error
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise RegistryUnavailable(f"status {response.status_code}")
        try:
            person = _person(response.json())
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise RegistryUnavailable("malformed answer") from error
        if person.id_number != id_number:
            raise RegistryUnavailable("the answer is about someone else")
        return person

    async def close(self) -> None:
        """Close the HTTP client."""
        await self._client.aclose()


def _text(body: dict[str, Any], key: str, required: bool = True) -> str:
    value = body.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise ValueError(f"{key} must be a non-empty string")
    return value


def _person(body: Any) -> Person:
    if not isinstance(body, dict):
        raise TypeError("the answer is not an object")
    address = body.get("address") or {}
    if not isinstance(address, dict):
        raise TypeError("address is not an object")
    phone = normalise_mobile(_text(body, "phone"))  # registries write +84…, 84… or 0…
    if phone is None:
        raise ValueError("phone is not a mobile number")
    return Person(
        id_number=_text(body, "id_number"),
        full_name=_text(body, "full_name"),
        birth_date=date.fromisoformat(_text(body, "birth_date")),
        sex=Sex(_text(body, "sex")),
        phone=phone,
        ethnicity=_text(body, "ethnicity", required=False),
        email=_text(body, "email", required=False),
        address=Address(**{k: _text(address, k) for k in address}),
    )
