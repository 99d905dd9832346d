"""The world outside the bot, as the load generator plays it: the SMS gateway, the population
registry and the bank, each speaking the wire format of its real counterpart.

- SMS: `POST /sms` {"to": "84…", "text": …} with a bearer token (bot.sms.HttpSmsGateway); the
  one-time code in the text is handed to the simulated citizen who owns that phone.
- Registry: `GET /v1/citizens/{id}` with a bearer token (bot.registry_http): bench citizen
  number n is `004090nnnnnn`, born 1 January 1990, phone `091nnnnnnn`, living in Thục Phán.
- Bank: a SePay notification of a transfer, signed as SePay signs, POSTed to
  /payments/webhook (the body is the one bot.payment_simulator builds).
"""

from __future__ import annotations

import asyncio
import re
import time
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiohttp import web

from bot.payment_simulator import LocalBankSimulator
from services.payments import sign_sepay
from tests.e2e.fakes import LocalServer

SMS_TOKEN = "bench-sms-gateway-token"
REGISTRY_TOKEN = "bench-registry-token"
CODE = re.compile(r"\b(\d{6})\b")
ID_PREFIX = "004090"  # Cao Bằng (004), a man born in the 20th century (0), in 1990 (90)


def id_number(n: int) -> str:
    """The ID number of bench citizen n."""
    return f"{ID_PREFIX}{n:06d}"


def phone(n: int) -> str:
    """The mobile number of bench citizen n, as Telegram shares it (84…)."""
    return f"8491{n:07d}"


FAMILY = ("Nông", "Hoàng", "Nguyễn", "Lương", "Bế", "Đàm", "Lục", "Triệu")
MIDDLE = ("Văn", "Thị", "Đức", "Thu", "Minh", "Ngọc")
GIVEN = ("Hoa", "Bình", "Lan", "Tuấn", "Mai", "Hùng", "Thảo", "Long", "Hà", "Dũng", "Yến")


def person(n: int) -> dict[str, Any]:
    """Bench citizen n as the registry answers (bot.registry_http's documented contract)."""
    return {
        "id_number": id_number(n),
        "full_name": f"{FAMILY[n % 8]} {MIDDLE[n // 8 % 6]} {GIVEN[n // 48 % 11]}",
        "birth_date": "1990-01-01",
        "sex": "nam",
        "phone": "0" + phone(n)[2:],
        "ethnicity": "Tày",
        "email": "",
        "address": {
            "province_code": "04",
            "province": "Tỉnh Cao Bằng",
            "ward_code": "01273",
            "ward": "Phường Thục Phán",
            "detail": "Tổ 1",
        },
    }


class Outside(LocalServer):
    """The SMS gateway and the registry on one local port."""

    def __init__(self) -> None:
        app = web.Application()
        app.router.add_post("/sms", self._sms)
        app.router.add_get("/v1/citizens/{id_number}", self._citizen)
        super().__init__(app)
        self._codes: dict[str, asyncio.Future[str]] = {}
        self.sms_received = 0
        self.lookups = 0
        self.refused = 0  # requests without the right token or not understood

    @property
    def sms_url(self) -> str:
        """SMS_GATEWAY_URL."""
        return f"{self.url}/sms"

    @property
    def registry_url(self) -> str:
        """CITIZEN_REGISTRY_URL."""
        return f"{self.url}/v1"

    def _future(self, to: str) -> asyncio.Future[str]:
        if to not in self._codes:
            self._codes[to] = asyncio.get_running_loop().create_future()
        return self._codes[to]

    async def code_for(self, to: str, timeout: float) -> str:  # noqa: ASYNC109 - a deadline
        """The code the SMS to `to` (84…) carried; waits for it (TimeoutError)."""
        try:
            return await asyncio.wait_for(asyncio.shield(self._future(to)), timeout)
        finally:
            if self._codes[to].done():
                del self._codes[to]

    async def _sms(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {SMS_TOKEN}":
            self.refused += 1
            return web.json_response({"error": "unauthorized"}, status=401)
        body = await request.json()
        match = CODE.search(str(body.get("text", "")))
        if match is None:
            self.refused += 1
            return web.json_response({"error": "no code"}, status=400)
        self.sms_received += 1
        future = self._future(str(body.get("to", "")))
        if not future.done():
            future.set_result(match.group(1))
        return web.json_response({"status": "queued"})

    async def _citizen(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {REGISTRY_TOKEN}":
            self.refused += 1
            return web.json_response({"error": "unauthorized"}, status=401)
        self.lookups += 1
        wanted = request.match_info["id_number"]
        if not (wanted.startswith(ID_PREFIX) and wanted.isdigit() and len(wanted) == 12):
            return web.json_response({"error": "not found"}, status=404)
        return web.json_response(person(int(wanted[len(ID_PREFIX) :])))


class Bank:
    """A bank-watching service (SePay) reporting transfers to the bot's payment webhook."""

    def __init__(self, webhook_url: str, secret: str, account: str) -> None:
        self._url, self._secret = webhook_url, secret
        self._body = LocalBankSimulator(webhook_url, secret, account)
        self._session: aiohttp.ClientSession | None = None

    async def transfer(self, reference: str, amount: int) -> tuple[int, float]:
        """Report a transfer of `amount` with `reference`; the HTTP status and when it was
        answered (time.perf_counter)."""
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        body = self._body.notification(reference, amount)
        headers = {
            "Content-Type": "application/json",
            **sign_sepay(body, self._secret, int(datetime.now(UTC).timestamp())),
        }
        async with self._session.post(self._url, data=body, headers=headers) as response:
            await response.read()
            return response.status, time.perf_counter()

    async def close(self) -> None:
        """Close the HTTP client."""
        if self._session is not None:
            await self._session.close()
