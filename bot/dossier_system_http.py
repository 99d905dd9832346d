"""An HTTP adapter to a remote provincial one-stop system's change log (DOSSIER_SYSTEM=http).

The contract (documented for the integrator; README, "The dossier system"):

    GET {DOSSIER_SYSTEM_URL}/changes?after=<cursor>&limit=<n>
    Authorization: Bearer <DOSSIER_SYSTEM_TOKEN>

    200 {"changes": [{"id": "8812", "code": "000.01.51.H04-261125-0001", "status": 4,
                      "at": "2026-11-26T09:15:00+07:00", "note": "Chuyển phòng chuyên môn",
                      "results": ["giay_khai_sinh.pdf"]}, ...],
         "next": "8812"}

- `after`/`next`: the cursor, a non-negative decimal integer ("0" at first; a JSON number is
  accepted for `next`). `next` is where the following page starts; when nothing is left it
  equals `after`. At most `limit` changes per page, oldest first.
- `id`: the change's unique id in the remote system (string or integer, at most 80
  characters); `code`: the dossier code we gave (any case and spacing); `status`: the
  national code 1–10 (FACTS §1.3); `at`: ISO-8601 with a UTC offset; `note` (optional):
  the officer's note to the citizen; `results` (optional): names of result files.
- Optionally, the system pings us when it has new changes, so that they reach citizens at
  once rather than at the next sweep: `POST /api/v1/one-stop/changes` with the same bearer
  token (bot.web.one_stop_ping). A ping carries no data; we then read `/changes` as above.
- 401/403: wrong token (a configuration error). 429, 5xx, timeouts and network errors: the job
  tries again at its next tick. Anything else, or a page that breaks the format: the page is
  rejected whole and nothing of it is applied.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

from bot.settings import DossierSystemBackend, Settings
from services.dossier_codes import MAX_CODE_INPUT, DossierStatus
from services.remote_changes import (
    ChangePage,
    DossierSystemError,
    DossierSystemRefused,
    DossierSystemUnavailable,
    MalformedPage,
    RemoteChange,
)

TIMEOUT = httpx.Timeout(15.0, connect=5.0)
MAX_ID = 80
MAX_NOTE = 2000
MAX_RESULTS = 20
MAX_NAME = 255


class HttpDossierSystem:
    """DossierSystem over HTTP."""

    def __init__(
        self,
        base_url: str,
        token: str,
        client: httpx.AsyncClient | None = None,
        timeout: httpx.Timeout | float = TIMEOUT,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = client or httpx.AsyncClient(timeout=timeout)

    async def changes_after(self, cursor: str, limit: int) -> ChangePage:
        """One page of changes after `cursor`; raises a DossierSystemError subclass."""
        try:
            response = await self._client.get(
                f"{self._base}/changes",
                params={"after": cursor, "limit": limit},
                headers=self._headers,
            )
        except httpx.HTTPError as error:
            raise DossierSystemUnavailable(f"no answer ({type(error).__name__})") from error
        status = response.status_code
        if status in (401, 403):
            raise DossierSystemRefused(
                f"the dossier system refused our token ({status}): check DOSSIER_SYSTEM_TOKEN"
            )
        if status == 429 or status >= 500:
            raise DossierSystemUnavailable(f"the dossier system answered {status}")
        if status != 200:
            raise DossierSystemError(
                f"the dossier system answered {status} to GET /changes: check DOSSIER_SYSTEM_URL"
            )
        try:
            return parse_page(response.json(), limit)
        except ValueError as error:  # json.JSONDecodeError is one
            raise MalformedPage(f"rejected page: {error}") from error

    async def close(self) -> None:
        """Close the HTTP client."""
        await self._client.aclose()


def parse_page(body: Any, limit: int) -> ChangePage:
    """A page from its JSON; ValueError for anything outside the documented format."""
    if not isinstance(body, dict):
        raise ValueError("the answer is not an object")
    changes, cursor = body.get("changes"), body.get("next")
    if not isinstance(changes, list):
        raise ValueError("changes is not a list")
    if len(changes) > limit:
        raise ValueError(f"{len(changes)} changes for a limit of {limit}")
    if isinstance(cursor, int) and not isinstance(cursor, bool):
        cursor = str(cursor)
    if not isinstance(cursor, str):
        raise ValueError("next is not a cursor")
    return ChangePage(tuple(_change(item, n) for n, item in enumerate(changes)), cursor)


def _change(item: Any, n: int) -> RemoteChange:
    if not isinstance(item, dict):
        raise ValueError(f"change {n} is not an object")
    remote_id = item.get("id")
    if isinstance(remote_id, int) and not isinstance(remote_id, bool):
        remote_id = str(remote_id)
    status = item.get("status")
    if type(status) is not int or not 1 <= status <= 10:
        raise ValueError(f"change {n}: status is not a code 1-10")
    note = item.get("note") or ""
    results = item.get("results") or []
    if not isinstance(results, list) or len(results) > MAX_RESULTS:
        raise ValueError(f"change {n}: results is not a list of file names")
    at = datetime.fromisoformat(_text(item, "at", n, 40))
    if at.tzinfo is None:
        raise ValueError(f"change {n}: at has no UTC offset")
    return RemoteChange(
        remote_id=_text({"id": remote_id}, "id", n, MAX_ID),
        code=_text(item, "code", n, MAX_CODE_INPUT),
        status=DossierStatus(status),
        at=at,
        note=_text({"note": note}, "note", n, MAX_NOTE, required=False),
        results=tuple(_text({"name": r}, "name", n, MAX_NAME) for r in results),
    )


def _text(body: dict[str, Any], key: str, n: int, longest: int, required: bool = True) -> str:
    value = body.get(key)
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > longest:
        raise ValueError(f"change {n}: {key} is not a string of at most {longest} characters")
    return value


def build_dossier_system(settings: Settings) -> HttpDossierSystem | None:
    """The remote dossier system of the settings (a DossierSystem; `close()` it on shutdown);
    None when statuses change here (embedded)."""
    if settings.dossier_system is not DossierSystemBackend.HTTP:
        return None
    token = settings.dossier_system_token
    return HttpDossierSystem(
        settings.dossier_system_url, token.get_secret_value() if token is not None else ""
    )
