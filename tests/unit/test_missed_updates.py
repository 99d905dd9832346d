"""The rule for updates a Zalo chat missed: the newest status of each dossier, newest first,
within the budget; older news of a dossier is superseded, never sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.missed_updates import HeldUpdate, dossier_of, plan

T0 = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def held(id_: int, event: str, dossier: str, hours: int) -> HeldUpdate:
    return HeldUpdate(id_, event, dossier, T0 + timedelta(hours=hours))


def test_only_the_newest_status_of_each_dossier_is_delivered_newest_first() -> None:
    a1 = held(1, "status:11", "A", 1)
    b1 = held(2, "status:12", "B", 2)
    a2 = held(3, "status:13", "A", 3)
    remind_a = held(4, "remind:supplement:a:x", "A", 0)
    a3 = held(5, "status:14", "A", 10)
    result = plan([a1, b1, a2, remind_a, a3], budget=5)
    assert result.deliver == (a3, b1)
    assert set(result.superseded) == {a1, a2, remind_a}
    assert result.kept == ()


def test_news_after_the_latest_status_and_news_about_no_dossier_stand() -> None:
    status = held(1, "status:1", "A", 1)
    later_reminder = held(2, "remind:payment:a:x", "A", 2)
    broadcast = held(3, "receipt:9", "", 0)
    result = plan([status, later_reminder, broadcast], budget=5)
    assert result.deliver == (later_reminder, status, broadcast)
    assert result.superseded == ()


def test_over_the_budget_the_oldest_stay_held_for_next_time() -> None:
    updates = [held(i, f"status:{i}", f"D{i}", i) for i in range(1, 6)]
    result = plan(updates, budget=2)
    assert [u.id for u in result.deliver] == [5, 4]
    assert [u.id for u in result.kept] == [3, 2, 1]
    assert plan(updates, budget=0).deliver == ()
    assert plan([], budget=3).deliver == ()


def test_the_dossier_is_read_from_the_message_code() -> None:
    message = {"text": {"key": "push.status", "params": {"code": "H04.1"}}}
    assert dossier_of(message) == "H04.1"
    assert dossier_of({"text": {"key": "x", "params": {}}}) == ""
    assert dossier_of({}) == ""
