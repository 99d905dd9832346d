"""A Zalo update as one transaction message: the first line as its header (≤ 100), the rest as
text elements, at most four buttons ("➕ Xem thêm" keeps the rest), an image as the banner."""

from __future__ import annotations

from bot.channels.zalo_render import Choice
from bot.channels.zalo_updates import transaction_message


def test_header_text_and_buttons_in_one_message() -> None:
    body, left = transaction_message(
        "🔔 Hồ sơ H04-1 đã chuyển trạng thái\nTrạng thái mới: Đã tiếp nhận\nLúc: 25/11",
        [Choice("Xem hồ sơ", "p:dso:d1")],
        "vi",
    )
    payload = body["attachment"]["payload"]
    assert payload["template_type"] == "transaction_order" and payload["language"] == "VI"
    header, text = payload["elements"]
    assert header == {
        "type": "header",
        "content": "🔔 Hồ sơ H04-1 đã chuyển trạng thái",
        "align": "left",
    }
    assert text["type"] == "text" and text["content"] == "Trạng thái mới: Đã tiếp nhận\nLúc: 25/11"
    assert payload["buttons"] == [
        {"title": "Xem hồ sơ", "type": "oa.query.hide", "payload": "#p:dso:d1"}
    ]
    assert left == []


def test_long_updates_are_cut_to_the_limits_and_extra_buttons_kept_for_more() -> None:
    choices = [Choice(f"Nút {i}", f"p:r:{i}") for i in range(6)]
    text = "H" * 150 + "\n" + "\n".join("dòng " + "x" * 300 for _ in range(12))
    body, left = transaction_message(text, choices, "en", banner="att-1")
    payload = body["attachment"]["payload"]
    banner, header, *texts = payload["elements"]
    assert banner == {"type": "banner", "attachment_id": "att-1"} and payload["language"] == "EN"
    assert len(header["content"]) <= 100
    assert 1 <= len(texts) <= 3 and all(len(t["content"]) <= 1000 for t in texts)
    assert [b["payload"] for b in payload["buttons"]] == ["#p:r:0", "#p:r:1", "#p:r:2", "#more"]
    assert [c.payload for c in left] == ["p:r:3", "p:r:4", "p:r:5"]
