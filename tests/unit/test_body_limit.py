"""Request bodies over their cap are refused with 413 while they stream in."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.web.limits import (
    DEFAULT_LIMIT,
    RESULT_LIMIT,
    UPLOAD_LIMIT,
    WEBHOOK_LIMIT,
    BodyLimit,
    body_limit,
)


async def echo(request: Request) -> JSONResponse:
    return JSONResponse({"size": len(await request.body())})


APP = BodyLimit(
    Starlette(
        routes=[
            Route("/chat/api/upload", echo, methods=["POST"]),
            Route("/x", echo, methods=["POST"]),
        ]
    )
)


async def chunks(total: int, size: int = 1024 * 1024) -> AsyncIterator[bytes]:
    sent = 0
    while sent < total:
        part = min(size, total - sent)
        sent += part
        yield b"a" * part


async def post(path: str, **kwargs: object) -> httpx.Response:
    transport = httpx.ASGITransport(app=APP)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.post(path, **kwargs)  # type: ignore[arg-type]


async def test_small_bodies_pass() -> None:
    response = await post("/x", content=b"a" * 1000)
    assert response.status_code == 200 and response.json() == {"size": 1000}


async def test_a_declared_size_over_the_cap_is_refused_at_once() -> None:
    response = await post("/x", content=b"a" * (DEFAULT_LIMIT + 1))
    assert response.status_code == 413 and "quá lớn" in response.json()["detail"]


async def test_a_streamed_body_without_length_is_cut_off() -> None:
    response = await post("/chat/api/upload", content=chunks(UPLOAD_LIMIT + 3 * 1024 * 1024))
    assert response.status_code == 413


async def test_uploads_get_the_larger_cap() -> None:
    response = await post("/chat/api/upload", content=chunks(12 * 1024 * 1024))
    assert response.status_code == 200 and response.json() == {"size": 12 * 1024 * 1024}


def test_each_route_has_its_cap() -> None:
    assert body_limit("/chat/api/message") == body_limit("/api/v1/dossiers/X/status") == 64 * 1024
    assert body_limit("/api/v1/dossiers/X/result") == RESULT_LIMIT == 10 * 1024 * 1024 + 64 * 1024
    assert body_limit("/chat/api/upload") == UPLOAD_LIMIT
    assert body_limit("/telegram/webhook") == body_limit("/payments/webhook") == WEBHOOK_LIMIT
    assert body_limit("/api/v1/one-stop/changes") == DEFAULT_LIMIT


async def test_a_body_that_stalls_is_answered_408() -> None:
    async def stalled() -> AsyncIterator[bytes]:
        yield b"a" * 10
        await asyncio.sleep(5)
        yield b"a"

    app = BodyLimit(APP.app, idle_seconds=0.2)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.post("/x", content=stalled())
    assert response.status_code == 408 and response.json()["error"] == "timeout"
