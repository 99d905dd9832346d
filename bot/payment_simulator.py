"""Development only: a pretend bank that reports a transfer to our own webhook.

It posts a SePay-format notification, signed with the configured secret exactly as SePay
signs (HMAC-SHA256 over "timestamp.body"), to /payments/webhook — so the demo goes through
the real verification, matching and receipt path. Production settings refuse it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from datetime import UTC, datetime, timedelta, timezone

import httpx

from services.payments import sign_sepay

log = logging.getLogger(__name__)
VIETNAM = timezone(timedelta(hours=7))


class LocalBankSimulator:
    """PaymentSimulator posting signed notifications to the bot's own webhook."""

    def __init__(self, webhook_url: str, secret: str, account: str, delay: float = 0.3) -> None:
        self._url, self._secret, self._account, self._delay = webhook_url, secret, account, delay
        self._tasks: set[asyncio.Task[None]] = set()

    async def simulate(self, reference: str, amount: int) -> None:
        """Post the notification shortly, after the current update has been committed."""
        task = asyncio.create_task(self._post(reference, amount))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def notification(self, reference: str, amount: int) -> bytes:
        """The body a bank-watching service would send for this transfer."""
        now = datetime.now(UTC).astimezone(VIETNAM)
        return json.dumps(
            {
                "id": secrets.randbelow(10**9),
                "gateway": "VietinBank",
                "transactionDate": now.strftime("%Y-%m-%d %H:%M:%S"),
                "accountNumber": self._account,
                "subAccount": None,
                "code": None,
                "content": f"MBVCB.{secrets.randbelow(10**6)}.{reference}.CT tu 0000 CONG DAN",
                "transferType": "in",
                "transferAmount": amount,
                "accumulated": 0,
                "referenceCode": f"FT{secrets.randbelow(10**10):010d}",
                "description": reference,
            },
            ensure_ascii=False,
        ).encode()

    async def _post(self, reference: str, amount: int) -> None:
        await asyncio.sleep(self._delay)
        body = self.notification(reference, amount)
        headers = {
            "Content-Type": "application/json",
            **sign_sepay(body, self._secret, int(datetime.now(UTC).timestamp())),
        }
        try:
            async with httpx.AsyncClient(timeout=10) as client:
                response = await client.post(self._url, content=body, headers=headers)
            log.info("simulated transfer answered %d", response.status_code)
        except httpx.HTTPError as error:
            log.warning("simulated transfer failed: %s", type(error).__name__)

    async def close(self) -> None:
        """Wait for notifications in flight."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
