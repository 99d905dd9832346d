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
from services.identity import Sex


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
        if not (len(id_number) == 12 and id_number.isdigit()):
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
            return _person(response.json())
        except (KeyError, TypeError, ValueError) as error:
            raise RegistryUnavailable("malformed answer") from error

    async def close(self) -> None:
        """Close the HTTP client."""
        await self._client.aclose()


def _person(body: dict[str, Any]) -> Person:
    address = body.get("address") or {}
    return Person(
        id_number=str(body["id_number"]),
        full_name=str(body["full_name"]),
        birth_date=date.fromisoformat(str(body["birth_date"])),
        sex=Sex(str(body["sex"])),
        phone=str(body["phone"]),
        ethnicity=str(body.get("ethnicity", "")),
        email=str(body.get("email", "")),
        address=Address(**{k: str(v) for k, v in address.items()}),
    )
