"""The Telegram webhook served in front of the FastAPI app (`WebhookFirst`): Telegram's POSTs
go straight to the endpoint under the same body cap as every request; anything else, the
app answers."""

from __future__ import annotations

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from bot.channels.telegram_webhook import PATH, WebhookFirst
from bot.web.limits import WEBHOOK_LIMIT


def front() -> tuple[WebhookFirst, list[bytes]]:
    """An app with one other route, and the webhook in front recording the bodies it got."""
    received: list[bytes] = []
    http = FastAPI()

    @http.get("/healthz")
    async def healthz() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def webhook(request: Request) -> JSONResponse:
        received.append(await request.body())
        return JSONResponse({"method": "answerCallbackQuery", "callback_query_id": "7"})

    return WebhookFirst(http, webhook), received


async def call(app: WebhookFirst, method: str, path: str, body: bytes = b"") -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
        return await client.request(method, path, content=body)


async def test_an_update_reaches_the_webhook_and_its_answer_goes_back() -> None:
    app, received = front()
    answer = await call(app, "POST", PATH, b'{"update_id": 1}')
    assert answer.status_code == 200
    assert answer.json() == {"method": "answerCallbackQuery", "callback_query_id": "7"}
    assert received == [b'{"update_id": 1}']


async def test_a_body_over_the_cap_is_refused_before_the_webhook_sees_it() -> None:
    app, received = front()
    answer = await call(app, "POST", PATH, b"x" * (WEBHOOK_LIMIT + 1))
    assert answer.status_code == 413
    assert answer.json()["error"] == "too_large"
    assert received == []


async def test_other_requests_are_the_apps() -> None:
    app, received = front()
    assert (await call(app, "GET", "/healthz")).json() == {"status": "ok"}
    assert (await call(app, "GET", PATH)).status_code == 404  # not a route of this app
    assert (await call(app, "POST", PATH + "/x", b"{}")).status_code == 404
    assert received == []
