"""Who is calling the officer API: an `X-API-Key` bound to one agency, or "*" for the province.

Keys come from settings (OFFICER_API_KEYS, key → agency id or "*"). A presented key is
compared with every configured key, each time in constant time and without stopping at a
match, so the answer's timing tells nothing about which keys exist. The key itself is never
logged nor stored: history entries and log lines carry an 8-hex keyed fingerprint of it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Annotated

from fastapi import Security
from fastapi.security import APIKeyHeader

from bot.web.officer_errors import refusal
from services.keyed_hash import KeyedHasher

ALL_AGENCIES = "*"
HEADER = "X-API-Key"
MAX_KEY = 512  # longer headers are not keys; bounds the hashing done for strangers

api_key_header = APIKeyHeader(
    name=HEADER,
    scheme_name="OfficerApiKey",
    description="An officer API key (OFFICER_API_KEYS): bound to one agency, or '*'.",
    auto_error=False,
)


@dataclass(frozen=True, slots=True)
class Officer:
    """The caller: the agency their key is bound to ("*": every agency) and its fingerprint."""

    agency_id: str
    fingerprint: str

    @property
    def actor(self) -> str:
        """Who acted, as recorded in a dossier's history."""
        return f"officer:{self.agency_id}:{self.fingerprint}"

    @property
    def agencies(self) -> list[str] | None:
        """The agencies whose dossiers this officer sees (None: all)."""
        return None if self.agency_id == ALL_AGENCIES else [self.agency_id]

    def may_act_on(self, agency_id: str) -> bool:
        """Whether this officer may read or change a dossier of `agency_id`."""
        return self.agency_id in (ALL_AGENCIES, agency_id)


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).digest()


class OfficerKeys:
    """The configured keys, held as digests, and the check of a presented one."""

    def __init__(self, keys: Mapping[str, str], signer: KeyedHasher) -> None:
        self._keys = [
            (_digest(key), Officer(agency, signer.digest("officer-key", key)[:8]))
            for key, agency in keys.items()
        ]

    def identify(self, presented: str | None) -> Officer | None:
        """The officer whose key was presented, None for a missing or unknown key."""
        if not presented or len(presented) > MAX_KEY:
            return None
        given = _digest(presented)
        found: Officer | None = None
        for digest, officer in self._keys:
            if hmac.compare_digest(digest, given):  # no early exit: every key is compared
                found = officer
        return found


def officer_dependency(keys: OfficerKeys) -> Callable[[str | None], Awaitable[Officer]]:
    """A FastAPI dependency that answers 401 unless a known key is presented."""

    async def authenticated(
        presented: Annotated[str | None, Security(api_key_header)] = None,
    ) -> Officer:
        officer = keys.identify(presented)
        if officer is None:
            error = refusal(401, "unauthorized")
            error.headers = {"WWW-Authenticate": HEADER}
            raise error
        return officer

    return authenticated
