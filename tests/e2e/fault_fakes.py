"""The fakes of the fault tests besides the Bot API itself: an SMS gateway, and a Bot API
that tells a test who called it."""

from __future__ import annotations

import contextvars
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from tests.e2e.fakes.local_server import LocalServer
from tests.e2e.fakes.request_params import Params
from tests.e2e.fakes.telegram_api import FakeTelegram
from tests.e2e.fault_processes import until
from tests.privacy import note_codes

_CODE = re.compile(r"\b\d{6}\b")


class FakeSmsGateway:
    """The HTTP SMS gateway: POST {"to", "text"}; keeps what each phone received."""

    def __init__(self) -> None:
        app = web.Application()
        app.router.add_post("/send", self._send)
        self._server = LocalServer(app)
        self.inbox: list[tuple[str, str]] = []

    @property
    def url(self) -> str:
        return f"{self._server.url}/send"

    async def _send(self, request: web.Request) -> web.Response:
        body = await request.json()
        note_codes(body["text"])  # the privacy scan checks that no log holds it
        self.inbox.append((str(body["to"]), str(body["text"])))
        return web.json_response({"ok": True})

    async def code_for(self, phone: str, after: int) -> str:
        """The code in the first SMS to `phone` after the first `after` messages."""
        to = "84" + phone[1:]

        async def arrived() -> bool:
            return any(number == to for number, _ in self.inbox[after:])

        await until(arrived, f"an SMS to {phone}")
        text = next(text for number, text in self.inbox[after:] if number == to)
        return str(_CODE.findall(text)[0])

    async def start(self) -> None:
        await self._server.start()

    async def stop(self) -> None:
        await self._server.stop()


_CALLER: contextvars.ContextVar[int] = contextvars.ContextVar("caller_port", default=0)
CallHook = Callable[[str, Params, int], Awaitable[None]]


class WatchedTelegram(FakeTelegram):
    """The fake Bot API, telling a test which client port each call came from, and letting it
    act (kill the caller) once a call has been performed but before it is answered."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.after_call: CallHook | None = None

    async def _handle_api(self, request: web.Request) -> web.Response:
        peer = request.transport.get_extra_info("peername") if request.transport else None
        token = _CALLER.set(int(peer[1]) if peer else 0)
        try:
            return await super()._handle_api(request)
        finally:
            _CALLER.reset(token)

    async def call(self, method: str, params: Params) -> Any:
        result = await super().call(method, params)
        if self.after_call is not None:
            await self.after_call(method, params, _CALLER.get())
        return result

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])
