"""bench/reply_burst.py judges what each citizen received against what a lone citizen gets."""

from __future__ import annotations

from types import SimpleNamespace

from bench.load_replies import Arrival
from bench.reply_burst import Burst, judge, signature
from tests.e2e.fakes import SentMessage

GREETING, MENU = "Xin chào User{chat}", "Chọn một việc"


def arrival(chat: int, at: float, text: str) -> Arrival:
    return Arrival(at, SentMessage("sendMessage", chat, 1, text=text.format(chat=chat)))


def judged(by_chat: dict[int, list[Arrival]], chats: list[int]) -> Burst:
    lone = [arrival(1, 0.0, GREETING), arrival(1, 0.1, MENU)]
    expected = [signature(a, 1) for a in lone]
    burst = Burst("current", "ptb", "polling", len(chats), len(expected), 10.0)
    judge(burst, SimpleNamespace(by_chat=by_chat), expected, chats, 100.0)  # type: ignore[arg-type]
    return burst


def test_every_reply_in_order_is_all_delivered_at_the_last_message() -> None:
    burst = judged(
        {
            7: [arrival(7, 101.0, GREETING), arrival(7, 102.0, MENU)],
            8: [arrival(8, 100.5, GREETING), arrival(8, 103.5, MENU)],
        },
        [7, 8],
    )
    assert (burst.lost, burst.doubled, burst.out_of_order, burst.silent) == (0, 0, 0, 0)
    assert burst.all_delivered == 3.5
    assert sorted(burst.first_reply) == [0.5, 1.0]
    assert "| 3.5 |" in burst.row()


def test_lost_doubled_out_of_order_and_silent_citizens_are_counted() -> None:
    burst = judged(
        {
            7: [arrival(7, 101.0, GREETING)],  # the menu never came
            8: [arrival(8, 101.0, MENU), arrival(8, 102.0, GREETING)],  # swapped
            9: [
                arrival(9, 101.0, GREETING),
                arrival(9, 101.5, GREETING),
                arrival(9, 102.0, MENU),
                arrival(9, 102.5, "Lỗi hệ thống"),
            ],
        },
        [7, 8, 9, 10],  # 10 got nothing
    )
    assert (burst.lost, burst.silent) == (3, 1)
    assert (burst.doubled, burst.out_of_order, burst.unexpected) == (1, 1, 1)
    assert burst.all_delivered is None
    assert "not all within 10 s" in burst.row()
