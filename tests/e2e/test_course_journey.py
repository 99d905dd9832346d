"""The citizen changes course through real channels: a dossier filed in the web chat is
withdrawn there (a Telegram chat following it hears of it through the fake Bot API), and a
dossier with a result is rated from the push on Telegram, the rating reaching the officer API.

Everything real runs in this process (web app under uvicorn, python-telegram-bot polling the
fake Bot API, the scheduler and its senders); only Telegram's servers are faked.
"""

from __future__ import annotations

from datetime import timedelta

import httpx

from bot.bootstrap import Application
from tests.e2e.fakes.telegram_api import FakeTelegram
from tests.e2e.test_status_journey import (  # noqa: F401 (the world fixture)
    CLOCK,
    KEY,
    PDF,
    TG_CHAT,
    WebChat,
    eventually,
    file_free_dossier,
    login_on_telegram,
    login_on_web,
    officer,
    tg_say,
    world,
)

World = tuple[Application, FakeTelegram, httpx.AsyncClient]


async def test_a_dossier_is_withdrawn_in_the_web_chat_and_its_follower_hears_of_it(
    world: World,  # noqa: F811
) -> None:
    app, tg, http = world
    web = WebChat(http)
    await web.send("/start")
    await login_on_web(app, web)
    code = await file_free_dossier(web)
    await tg_say(tg, "/start", "Bạn cần làm gì?")  # a neighbour, not logged in, follows it
    await tg_say(tg, f"/follow {code}", code)
    await tg_say(tg, f"/status {code}", code)
    public = tg.sent(TG_CHAT)[-1]
    buttons = [b["text"] for row in (public.reply_markup or {}).get("inline_keyboard", [])
               for b in row]  # fmt: skip
    assert not any("Rút hồ sơ" in b for b in buttons), buttons  # only the public card
    await web.send(f"/status {code}")
    assert web.keys == ["dossiers.card"]
    await web.press("Đổi số điện thoại")
    assert web.keys == ["course.phone_question"]
    await web.send("0987 654 321")
    await web.press("Xác nhận thay đổi")
    assert web.keys == ["course.contact_changed", "dossiers.card"], web.keys
    await web.press("Rút hồ sơ")
    await web.press("Khai sai thông tin")
    assert web.keys == ["course.withdraw_confirm"]
    confirm = web.replies[-1]
    await web.press("Xác nhận rút hồ sơ")
    assert web.keys == ["course.withdrawn", "dossiers.card"], web.keys
    web.replies = [confirm]
    await web.press("Xác nhận rút hồ sơ")  # the same button, tapped again
    assert web.keys == ["course.withdraw_already", "dossiers.card"], web.keys
    await tg_say(tg, "/start", "Bạn cần làm gì?")
    await tg.wait_for(
        TG_CHAT, where=lambda m: "Công dân yêu cầu rút hồ sơ" in (m.text or ""), timeout=15
    )
    detail = (await http.get(f"/api/v1/dossiers/{code}", headers={"X-API-Key": KEY})).json()
    assert detail["status"] == 7
    assert detail["history"][-1]["note"] == "Công dân rút hồ sơ: Khai sai thông tin, sẽ nộp lại"
    assert detail["withdrawal"]["reason"] == "wrong_details"
    (change,) = detail["contact_changes"]
    assert (change["field"], change["new"]) == ("so_dien_thoai", "0987654321")
    assert detail["answers"]["so_dien_thoai"] == "0987654321"


async def test_the_result_push_on_telegram_offers_a_rating_that_reaches_the_officers(
    world: World,  # noqa: F811
) -> None:
    app, tg, http = world
    web = WebChat(http)
    await web.send("/start")
    await login_on_web(app, web)
    CLOCK.offset += timedelta(seconds=61)  # a new code for the same person: a minute later
    await tg_say(tg, "/start", "Bạn cần làm gì?")
    await login_on_telegram(app, tg)
    code = await file_free_dossier(web)
    await officer(http, code, "status", json={"status": 2, "note": ""})
    await officer(http, code, "status", json={"status": 4, "note": ""})
    await officer(
        http, code, "result",
        data={"note": "Đã có kết quả"}, files={"file": ("xac-nhan.pdf", PDF, "application/pdf")},
    )  # fmt: skip
    await tg.wait_for(
        TG_CHAT,
        where=lambda m: "Đã xử lý xong" in (m.text or "") and code in (m.text or ""),
        timeout=15,
    )
    await tg_say(tg, "▶Đánh giá dịch vụ", "Đánh giá mức độ hài lòng")
    await tg_say(tg, "▶Hài lòng", "Cảm ơn bạn đã đánh giá")
    await tg_say(tg, "Thủ tục nhanh, cán bộ hướng dẫn tận tình", "Đã ghi nhận góp ý")
    await tg_say(tg, "▶Rất hài lòng", "Mỗi hồ sơ chỉ đánh giá một lần")  # a second rating
    report = await http.get("/api/v1/ratings", headers={"X-API-Key": KEY})
    (agency,) = report.json()["agencies"]
    assert (agency["total"], agency["average"], agency["comments"]) == (1, 3.0, 1)

    async def rated_on_web() -> bool:
        await web.send(f"/status {code}")
        return "Bạn đã đánh giá" in web.text()

    await eventually(rated_on_web, tries=5)
