"""Talk to a person through real channels: a citizen in the web chat (its HTTP API and its
events poll) and officers through the officer API, on the real application and database
(SQLite and PostgreSQL). Citizen → officer → citizen, then it ends; an officer of another
agency sees and answers nothing."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.bootstrap import Application, build
from bot.settings import Settings
from bot.web.app import create_http_app
from tests.contract.test_operations import database_url, seeded_postgres, seeded_sqlite  # noqa: F401
from tests.contract.test_web_chat_filing import Tab
from tests.fakes import FakeClock, RecordingSms

WEDNESDAY_10_VIETNAM = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
KEY_DESK = "province-desk-key-0123456789abcdef"  # the province's one-stop desk
KEY_HEALTH = "health-officer-key-0123456789abcdef"  # another agency
KEY_PROVINCE = "province-wide-key-0123456789abcdef"
KEYS = {KEY_DESK: "ubnd_tinh", KEY_HEALTH: "so_y_te", KEY_PROVINCE: "*"}


@pytest.fixture
async def app(database_url: str, tmp_path: Path) -> AsyncIterator[Application]:  # noqa: F811
    settings = Settings(  # type: ignore[call-arg]
        database_url=database_url,
        data_dir=tmp_path,
        officer_api_keys=KEYS,
        _env_file=None,
    )
    application = await build(
        settings, prepare=False, clock=FakeClock(WEDNESDAY_10_VIETNAM), sms=RecordingSms()
    )
    yield application
    await application.close()


@pytest.fixture
async def http(app: Application) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_http_app(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as client:
        yield client


def key(value: str) -> dict[str, str]:
    return {"X-API-Key": value}


async def events(http: httpx.AsyncClient, tab: Tab, after: int = 0) -> list[dict[str, Any]]:
    """What the web chat page collects: messages pushed to this chat after `after`."""
    response = await http.get(
        "/chat/api/events", params={"after": after}, headers=tab.cookie.headers
    )
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["events"]
    return found


def plain(message: dict[str, Any]) -> str:
    lines = re.sub(r"<br\s*/?>", "\n", message["html"])
    return html.unescape(re.sub(r"<[^>]+>", "", lines))


async def open_one(http: httpx.AsyncClient) -> tuple[Tab, str]:
    """A citizen asks for a person from the web chat and writes a question."""
    tab = Tab(http)
    await tab.send("/start")
    await tab.send("/canbo")
    assert tab.keys == ["human.opened", "human.hours_open", "human.open_prompt"], tab.keys
    assert "UBND tỉnh Cao Bằng" in tab.text(0)
    await tab.send("Cho tôi hỏi lệ phí cấp bản sao là bao nhiêu?")
    assert tab.keys == ["human.forwarded"]
    listed = await http.get("/api/v1/talks", params={"state": "open"}, headers=key(KEY_DESK))
    assert listed.status_code == 200, listed.text
    [item] = listed.json()["items"]
    assert item["agency_id"] == "ubnd_tinh" and item["dossier_code"] is None
    assert "chat_key" not in item  # the citizen's chat address is never shown
    return tab, item["id"]


async def test_a_question_goes_citizen_to_officer_to_citizen_and_ends(
    http: httpx.AsyncClient,
) -> None:
    tab, talk_id = await open_one(http)
    read = await http.get(f"/api/v1/talks/{talk_id}", headers=key(KEY_DESK))
    assert read.status_code == 200
    assert [(m["author"], m["text"]) for m in read.json()["messages"]] == [
        ("citizen", "Cho tôi hỏi lệ phí cấp bản sao là bao nhiêu?")
    ]
    assert read.json()["opened_at"].endswith("+07:00")  # Vietnam time

    answered = await http.post(
        f"/api/v1/talks/{talk_id}/messages",
        json={"text": "Lệ phí là 2.000 đồng/trang.", "name": "Cán bộ Lan"},
        headers=key(KEY_DESK),
    )
    assert answered.status_code == 201, answered.text
    [pushed] = await events(http, tab)
    shown = plain(pushed["message"])
    assert shown == (
        "👤 Cán bộ Lan (UBND tỉnh Cao Bằng) trả lời lúc 10:00 25/11/2026:\n"
        "Lệ phí là 2.000 đồng/trang."
    )
    await tab.send("Cảm ơn, tôi hiểu rồi.")
    assert tab.keys == ["human.forwarded"]
    end = [b for row in pushed["message"]["buttons"] for b in row if "Kết thúc" in b["label"]]
    await tab._post(payload=end[0]["payload"])  # "Kết thúc" under the answer
    assert tab.keys == ["human.ended", "menu.main"]

    late = await http.post(
        f"/api/v1/talks/{talk_id}/messages",
        json={"text": "Còn gì nữa không?"},
        headers=key(KEY_DESK),
    )
    assert late.status_code == 409 and late.json()["detail"]["error"] == "talk_closed"
    kept = (await http.get(f"/api/v1/talks/{talk_id}", headers=key(KEY_DESK))).json()
    assert kept["state"] == "closed" and kept["closed_by"] == "citizen"
    assert [(m["author"], m["name"]) for m in kept["messages"]] == [
        ("citizen", ""),
        ("officer", "Cán bộ Lan"),
        ("citizen", ""),
    ]
    closed = await http.get("/api/v1/talks", params={"state": "closed"}, headers=key(KEY_DESK))
    assert [h["id"] for h in closed.json()["items"]] == [talk_id]  # readable later


async def test_an_officer_of_another_agency_can_neither_see_nor_answer_it(
    http: httpx.AsyncClient,
) -> None:
    tab, talk_id = await open_one(http)
    listed = await http.get("/api/v1/talks", headers=key(KEY_HEALTH))
    assert listed.status_code == 200 and listed.json()["items"] == []
    for response in (
        await http.get(f"/api/v1/talks/{talk_id}", headers=key(KEY_HEALTH)),
        await http.post(
            f"/api/v1/talks/{talk_id}/messages",
            json={"text": "Xin chào"},
            headers=key(KEY_HEALTH),
        ),
        await http.post(f"/api/v1/talks/{talk_id}/close", headers=key(KEY_HEALTH)),
    ):
        assert response.status_code == 404, response.text
        assert "Cho tôi hỏi" not in response.text
    unauthorised = await http.get("/api/v1/talks")
    assert unauthorised.status_code == 401
    assert await events(http, tab) == []  # nothing reached the citizen
    province = await http.get("/api/v1/talks", headers=key(KEY_PROVINCE))
    assert [h["id"] for h in province.json()["items"]] == [talk_id]


async def test_an_officer_ends_it_and_the_citizen_is_told_in_the_chat(
    http: httpx.AsyncClient,
) -> None:
    tab, talk_id = await open_one(http)
    closed = await http.post(
        f"/api/v1/talks/{talk_id}/close",
        json={"name": "Cán bộ Lan"},
        headers=key(KEY_DESK),
    )
    assert closed.status_code == 200, closed.text
    assert closed.json()["state"] == "closed" and closed.json()["closed_by"] == "officer"
    [told] = await events(http, tab)
    assert "Cán bộ Lan (UBND tỉnh Cao Bằng) đã kết thúc" in plain(told["message"])
    again = await http.post(f"/api/v1/talks/{talk_id}/close", headers=key(KEY_DESK))
    assert again.status_code == 409
    await tab.send("Tôi còn một câu hỏi")
    assert tab.keys == ["human.none_open", "menu.main"]
