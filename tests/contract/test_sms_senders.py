"""The SmsSender contract, held by the test fake, the development channel and the HTTP gateway.

The gateway runs against a local fake gateway speaking its wire protocol. Its backoff sleeps
are recorded instead of slept (the adapter takes no clock), so retries cost no wall time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import pytest

from bot.sms import DEV_BANNER, DevSms, DevSmsInbox, HttpSmsGateway
from services.otp import SmsSender
from tests.contract.fake_http_servers import WAIT_SECONDS, FakeSmsGateway, closed_port_url
from tests.fakes import RecordingSms

TOKEN = "gateway-token-0123456789abcdef"
PHONE, WIRE_PHONE = "0912345678", "84912345678"
OTHER_PHONE = "0366123456"
CHAT = "web:hoa"
ASCII_TEXT = (
    "DVC Cao Bang: ma xac thuc cua ban la 482913, hieu luc 5 phut. "
    "Khong chia se ma nay voi bat ky ai."
)
VIETNAMESE_TEXT = "DVC Cao Bằng: mã xác thực của bạn là 482913 — hiệu lực 5 phút."


class RecordedBackoff:
    """The gateway's sleep: each backoff delay is recorded, and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def sleep(self, delay: float) -> None:
        self.delays.append(delay)
        await asyncio.sleep(0)


@pytest.fixture
def backoff() -> RecordedBackoff:
    return RecordedBackoff()


@pytest.fixture
async def gateway_server() -> AsyncIterator[FakeSmsGateway]:
    server = FakeSmsGateway(TOKEN)
    await server.start()
    yield server
    server.release.set()
    await server.stop()


@pytest.fixture
async def gateways(backoff: RecordedBackoff) -> AsyncIterator[Callable[..., HttpSmsGateway]]:
    """Builds started gateways and stops each one at the end, whatever the test did."""
    started: list[HttpSmsGateway] = []

    def build(url: str, attempts: int = 3) -> HttpSmsGateway:
        gateway = HttpSmsGateway(url, TOKEN, attempts=attempts, sleep=backoff.sleep)
        gateway.start()
        started.append(gateway)
        return gateway

    yield build
    for gateway in started:
        with contextlib.suppress(Exception):
            await gateway.stop()


async def settled(gateway: HttpSmsGateway, count: int) -> None:
    """Until `count` messages were delivered or given up (fails after WAIT_SECONDS)."""
    async with asyncio.timeout(WAIT_SECONDS):
        # The gateway exposes counters, not events: polling them is the only way to watch.
        while gateway.delivered + gateway.failed < count:  # noqa: ASYNC110
            await asyncio.sleep(0.005)


# --- the contract --------------------------------------------------------------------------


@dataclass
class Channel:
    """A sender and what its destination got: (phone as 0…, text), oldest first."""

    sender: SmsSender
    arrived: Callable[[int], Awaitable[list[tuple[str, str]]]]


@pytest.fixture(params=["recording", "dev", "http"])
async def channel(request: pytest.FixtureRequest) -> AsyncIterator[Channel]:
    if request.param == "recording":
        recording = RecordingSms()

        async def recorded(count: int) -> list[tuple[str, str]]:
            return [(phone, text) for phone, text, _ in recording.sent]

        yield Channel(recording, recorded)
    elif request.param == "dev":
        inbox = DevSmsInbox()

        async def shown(count: int) -> list[tuple[str, str]]:
            return [(m.phone, m.text) for m in inbox.for_chat(CHAT)]

        yield Channel(DevSms(inbox), shown)
    else:
        server = FakeSmsGateway(TOKEN)
        await server.start()
        gateway = HttpSmsGateway(server.url + "/sms", TOKEN)
        gateway.start()

        async def posted(count: int) -> list[tuple[str, str]]:
            await server.wait_for(count)
            return [
                ("0" + r.body["to"].removeprefix("84"), r.body["text"]) for r in server.requests
            ]

        yield Channel(gateway, posted)
        await gateway.stop()
        await server.stop()


@pytest.mark.parametrize("text", [ASCII_TEXT, VIETNAMESE_TEXT], ids=["ascii", "vietnamese"])
async def test_a_sent_message_reaches_its_destination_intact(channel: Channel, text: str) -> None:
    await channel.sender.send(PHONE, text, CHAT)
    assert await channel.arrived(1) == [(PHONE, text)]


async def test_messages_arrive_in_the_order_they_were_sent(channel: Channel) -> None:
    await channel.sender.send(PHONE, "first 111111", CHAT)
    await channel.sender.send(OTHER_PHONE, "second 222222", CHAT)
    assert await channel.arrived(2) == [(PHONE, "first 111111"), (OTHER_PHONE, "second 222222")]


# --- the HTTP gateway ----------------------------------------------------------------------


async def test_the_gateway_posts_json_with_the_international_number_and_bearer_token(
    gateway_server: FakeSmsGateway, gateways: Callable[..., HttpSmsGateway]
) -> None:
    gateway = gateways(gateway_server.url + "/sms")
    await gateway.send(PHONE, ASCII_TEXT, CHAT)
    await settled(gateway, 1)
    [posted] = gateway_server.requests
    assert posted.path == "/sms"
    assert posted.content_type == "application/json"
    assert posted.authorization == f"Bearer {TOKEN}"
    assert posted.body == {"to": WIRE_PHONE, "text": ASCII_TEXT}  # no chat key leaves the bot
    assert (gateway.delivered, gateway.failed) == (1, 0)


@pytest.mark.parametrize("transient", [500, 503, 429])
async def test_a_transient_failure_is_retried_after_a_backoff(
    gateway_server: FakeSmsGateway,
    gateways: Callable[..., HttpSmsGateway],
    backoff: RecordedBackoff,
    transient: int,
) -> None:
    gateway_server.statuses = [transient, 200]
    gateway = gateways(gateway_server.url + "/sms")
    await gateway.send(PHONE, ASCII_TEXT, CHAT)
    await settled(gateway, 1)
    assert (gateway.delivered, gateway.failed) == (1, 0)
    assert [r.body for r in gateway_server.requests] == [{"to": WIRE_PHONE, "text": ASCII_TEXT}] * 2
    assert backoff.delays == [1.0]  # 0.5 * 2**attempt


async def test_a_client_error_is_not_retried_and_counts_as_failed(
    gateway_server: FakeSmsGateway,
    gateways: Callable[..., HttpSmsGateway],
    backoff: RecordedBackoff,
) -> None:
    gateway_server.statuses = [400]
    gateway = gateways(gateway_server.url + "/sms")
    await gateway.send(PHONE, ASCII_TEXT, CHAT)
    await settled(gateway, 1)
    assert (gateway.delivered, gateway.failed) == (0, 1)
    assert len(gateway_server.requests) == 1
    assert backoff.delays == []


async def test_one_failed_message_does_not_stop_the_next(
    gateway_server: FakeSmsGateway, gateways: Callable[..., HttpSmsGateway]
) -> None:
    gateway_server.statuses = [400, 200]
    gateway = gateways(gateway_server.url + "/sms")
    await gateway.send(PHONE, "lost 111111", CHAT)
    await gateway.send(OTHER_PHONE, "kept 222222", CHAT)
    await settled(gateway, 2)
    assert (gateway.delivered, gateway.failed) == (1, 1)


async def test_an_unreachable_gateway_fails_after_the_attempts_without_raising(
    gateways: Callable[..., HttpSmsGateway],
    backoff: RecordedBackoff,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.sms")
    gateway = gateways(closed_port_url("/sms"), attempts=3)
    await gateway.send(PHONE, ASCII_TEXT, CHAT)  # does not raise
    await settled(gateway, 1)
    assert (gateway.delivered, gateway.failed) == (0, 1)
    tries = [r.getMessage() for r in caplog.records if "unreachable" in r.getMessage()]
    assert [re.findall(r"attempt (\d)", t) for t in tries] == [["1"], ["2"], ["3"]]
    await gateway.stop()  # does not raise either


async def test_there_is_no_backoff_after_the_last_attempt(
    gateways: Callable[..., HttpSmsGateway], backoff: RecordedBackoff
) -> None:
    gateway = gateways(closed_port_url("/sms"), attempts=3)
    await gateway.send(PHONE, ASCII_TEXT, CHAT)
    await settled(gateway, 1)
    assert backoff.delays == [1.0, 2.0]


async def test_an_unusable_gateway_url_counts_as_failed_and_keeps_the_worker(
    gateways: Callable[..., HttpSmsGateway], backoff: RecordedBackoff
) -> None:
    gateway = gateways("http://[::1/sms", attempts=1)
    await gateway.send(PHONE, ASCII_TEXT, CHAT)
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(0.5):
            await settled(gateway, 1)
    assert gateway.failed == 1
    await gateway.stop()


async def test_send_returns_before_the_gateway_answers(
    gateway_server: FakeSmsGateway, gateways: Callable[..., HttpSmsGateway]
) -> None:
    gateway_server.hold = True  # a gateway as slow as it gets: it answers when released
    gateway = gateways(gateway_server.url + "/sms")
    await asyncio.wait_for(gateway.send(PHONE, ASCII_TEXT, CHAT), timeout=1)
    assert not gateway_server.received.is_set()  # returned before anything was even posted
    await asyncio.wait_for(gateway_server.received.wait(), timeout=5)
    assert gateway.delivered == 0  # the gateway is still thinking; the caller long returned
    gateway_server.release.set()
    await settled(gateway, 1)
    assert gateway.delivered == 1


async def test_stop_delivers_what_is_queued(
    gateway_server: FakeSmsGateway, gateways: Callable[..., HttpSmsGateway]
) -> None:
    gateway = gateways(gateway_server.url + "/sms")
    texts = [f"code {n}{n}{n}{n}{n}{n}" for n in range(1, 4)]
    for text in texts:
        await gateway.send(PHONE, text, CHAT)
    await gateway.stop()
    assert [r.body["text"] for r in gateway_server.requests] == texts
    assert gateway.delivered == 3


# --- the development channel ---------------------------------------------------------------


async def test_dev_sms_prints_the_development_banner_and_logs_nothing(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await DevSms(DevSmsInbox()).send(PHONE, ASCII_TEXT, CHAT)
    out = capsys.readouterr().out
    assert out == f"{DEV_BANNER} to {PHONE}: {ASCII_TEXT}\n"
    assert out.startswith("[DEV SMS — development only")
    leaked = [
        r.getMessage()
        for r in caplog.records
        if any(s in r.getMessage() for s in (PHONE, ASCII_TEXT, "482913"))
    ]
    assert leaked == []


async def test_dev_sms_without_echo_prints_nothing_but_keeps_the_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    inbox = DevSmsInbox()
    await DevSms(inbox, echo=False).send(PHONE, ASCII_TEXT, CHAT)
    assert capsys.readouterr().out == ""
    assert [(m.phone, m.text) for m in inbox.for_chat(CHAT)] == [(PHONE, ASCII_TEXT)]


async def test_the_dev_inbox_keeps_each_chat_apart_and_only_the_latest() -> None:
    inbox = DevSmsInbox(keep=2)
    sms = DevSms(inbox, echo=False)
    for n in range(3):
        await sms.send(PHONE, f"hoa {n}", CHAT)
    await sms.send(OTHER_PHONE, "mai", "telegram:42")
    assert [m.text for m in inbox.for_chat(CHAT)] == ["hoa 1", "hoa 2"]
    assert [m.text for m in inbox.for_chat("telegram:42")] == ["mai"]
    assert inbox.for_chat("web:nobody") == []
