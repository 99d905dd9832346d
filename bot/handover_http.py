"""The hand-over's HTTP side: sends queued events to the one-stop system (DOSSIER_SYSTEM=http).

    POST {DOSSIER_SYSTEM_URL}/dossiers                       (the submission)
    POST {DOSSIER_SYSTEM_URL}/dossiers/{dossier id}/{kind}   (supplement, withdraw, ...)
    Authorization: Bearer <DOSSIER_SYSTEM_TOKEN>
    Idempotency-Key: <the event's key>

    200/201 {"remote_code": "...", "received_at": "<ISO-8601 with offset>"}

The full contract, with a JSON Schema per body, is docs/one-stop-contract.md. How an answer
is classified (services.handover_delivery.OutcomeKind): 2xx accepted; timeouts, network
errors, 408, 425, 429, 5xx and 401/403 (a token to fix in the settings) transient; any other
4xx refused for good. A 2xx whose body breaks the format is transient (the same key is sent
again and the system answers it again).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

from bot.bootstrap import Application
from bot.handover_body import LinkSigner, event_body
from bot.settings import DossierSystemBackend
from bot.web.one_stop_files import link_signer
from conversations.handover_messages import HandoverMessages
from services.catalog_index import Catalog
from services.dossiers import Dossier
from services.handover import Backoff, HandoverEvent, HandoverKind
from services.handover_delivery import HandoverDelivery, Outcome, OutcomeKind

TRANSIENT_STATUSES = frozenset({401, 403, 408, 425, 429})
MAX_REMOTE_CODE = 80


class HttpHandoverSender:
    """HandoverSender over HTTP (httpx, one pooled client)."""

    def __init__(
        self,
        base_url: str,
        token: str,
        catalog: Catalog,
        sign: LinkSigner,
        timeout: float = 15.0,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._catalog, self._sign = catalog, sign
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=32)
        self._client = client or httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)), limits=limits
        )

    def path(self, event: HandoverEvent) -> str:
        """Where an event is posted."""
        if event.kind is HandoverKind.SUBMIT:
            return f"{self._base}/dossiers"
        return f"{self._base}/dossiers/{event.dossier_id}/{event.kind.value}"

    async def send(self, event: HandoverEvent, dossier: Dossier) -> Outcome:
        """Post the event's body; the answer classified."""
        body = event_body(self._catalog, event, dossier, self._sign)
        headers = {**self._headers, "Idempotency-Key": event.key}
        try:
            response = await self._client.post(self.path(event), json=body, headers=headers)
        except httpx.HTTPError as error:
            return Outcome(OutcomeKind.TRANSIENT, f"no answer ({type(error).__name__})")
        status = response.status_code
        if 200 <= status < 300:
            return _accepted(response)
        reason = f"HTTP {status}: {_reason(response)}"
        if status in TRANSIENT_STATUSES or status >= 500:
            return Outcome(OutcomeKind.TRANSIENT, reason)
        return Outcome(OutcomeKind.REFUSED, reason)

    async def close(self) -> None:
        """Close the HTTP client."""
        await self._client.aclose()


def _accepted(response: httpx.Response) -> Outcome:
    try:
        body: Any = response.json()
        code = body.get("remote_code")
        received = datetime.fromisoformat(body.get("received_at"))
    except (ValueError, TypeError, AttributeError):
        return Outcome(OutcomeKind.TRANSIENT, f"HTTP {response.status_code}: unreadable answer")
    if not isinstance(code, str) or not 0 < len(code) <= MAX_REMOTE_CODE or not received.tzinfo:
        return Outcome(OutcomeKind.TRANSIENT, f"HTTP {response.status_code}: unreadable answer")
    return Outcome(OutcomeKind.ACCEPTED, remote_code=code, received_at=received)


def _reason(response: httpx.Response) -> str:
    """The remote system's short error (its `error` field), never our body echoed back."""
    try:
        error = response.json().get("error", "")
    except (ValueError, AttributeError):
        return "no reason given"
    return str(error)[:120] if error else "no reason given"


def build_handover(app: Application) -> HandoverDelivery | None:
    """The delivery of the hand-over queue (DOSSIER_SYSTEM=http), or None (embedded)."""
    settings = app.settings
    if settings.dossier_system is not DossierSystemBackend.HTTP:
        return None
    token = settings.dossier_system_token
    sign = link_signer(
        app.signer, app.clock, settings.public_base_url, settings.handover_link_hours
    )
    sender = HttpHandoverSender(
        settings.dossier_system_url,
        token.get_secret_value() if token is not None else "",
        app.catalog,
        sign,
        timeout=settings.handover_timeout_seconds,
    )
    backoff = Backoff(
        base_seconds=settings.handover_backoff_seconds,
        cap_seconds=settings.handover_backoff_max_seconds,
        max_attempts=settings.handover_max_attempts,
    )
    return HandoverDelivery(
        app.uow_factory, sender, app.clock, HandoverMessages(app.catalog), backoff,
        concurrency=settings.handover_concurrency,
    )  # fmt: skip
