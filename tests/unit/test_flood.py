"""Flood control: a burst over the limit gets one warning, then silence, then normal service."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conversations import flood, state
from conversations.flood import Limits, Pace
from conversations.messages import Incoming, IncomingKind, Platform
from conversations.router import Filing, Identity, Router
from services.catalog_index import Catalog
from services.places import Places
from tests.chat import ChatDriver
from tests.fakes import FakeClock, MemoryUnitOfWorkFactory, SequentialIds

LIMITS = Limits(burst=20, per_minute=60, cooldown_s=30)


@pytest.fixture
def paced(
    uow_factory: MemoryUnitOfWorkFactory,
    catalog: Catalog,
    places: Places,
    clock: FakeClock,
    identity: Identity,
    filing: Filing,
) -> ChatDriver:
    router = Router(
        uow_factory,
        catalog,
        places,
        clock,
        SequentialIds(),
        identity,
        filing,
        flood_limits=LIMITS,
    )
    return ChatDriver(router, platform=Platform.TELEGRAM)


async def test_a_burst_gets_one_warning_then_silence_then_normal_service(
    paced: ChatDriver, clock: FakeClock
) -> None:
    await paced.send("/start")
    for _ in range(19):  # 20 at once: as many as two albums of photos
        await paced.send("/menu")
        assert paced.keys == ["menu.main"]
    [warning] = await paced.send("/menu")
    assert paced.keys == ["flood.too_fast"] and warning.text.params == {"seconds": 30}
    assert "chờ 30 giây" in paced.text(warning)
    for _ in range(50):  # nothing queues: recorded, unanswered
        clock.advance(seconds=0.5)
        assert await paced.send("/menu") == []
    clock.advance(seconds=5.1)  # the cooldown is over (30 s after the warning)
    await paced.send("/menu")
    assert paced.keys == ["menu.main"]


async def test_a_person_typing_quickly_is_never_slowed(paced: ChatDriver, clock: FakeClock) -> None:
    await paced.send("/start")
    for _ in range(300):  # one message a second, for five minutes
        await paced.send("/menu")
        assert paced.keys == ["menu.main"]
        clock.advance(seconds=1)


async def test_the_flow_state_is_untouched_while_slowed(
    paced: ChatDriver, clock: FakeClock
) -> None:
    await paced.send("dang ky khai sinh")
    for _ in range(20):
        await paced.send("/help")
    assert paced.keys == ["flood.too_fast"]
    await paced.send("/cancel")  # during the cooldown: not applied
    clock.advance(seconds=31)
    await paced.send("/resume")  # still on the search results: the /cancel was dropped
    assert paced.keys == ["search.results_page"]


async def test_a_redelivered_update_is_neither_counted_nor_answered_twice(
    paced: ChatDriver,
) -> None:
    for _ in range(20):
        await paced.send("/menu")
    warning = await paced.apply(Incoming.from_text("/menu"), update_id="warned")
    assert paced.keys == ["flood.too_fast"]
    assert await paced.apply(Incoming.from_text("/menu"), update_id="warned") == warning
    silent = await paced.apply(Incoming.from_text("/menu"), update_id="silent")
    assert silent == [] and await paced.apply(Incoming.from_text("/menu"), "silent") == []


async def test_the_count_is_kept_in_the_stored_chat_state(
    paced: ChatDriver, uow_factory: MemoryUnitOfWorkFactory
) -> None:
    """What every worker reads (the conversation row), not a per-process counter."""
    for _ in range(21):
        await paced.send("/menu")
    async with uow_factory() as uow:
        stored = await uow.conversations.load(paced.address.key, "")
    assert stored.state is not None and stored.state["pace"]["quiet_until"]


async def test_an_edited_message_is_answered_and_the_question_asked_again(
    chat: ChatDriver,
) -> None:
    await chat.send("/login")
    state_before = chat.keys
    await chat.apply(Incoming(IncomingKind.EDIT))
    assert chat.keys == ["chat.edit_not_applied", *state_before[-1:]]


def test_the_bucket_refills_at_the_sustained_rate() -> None:
    clock = FakeClock()
    pace = Pace()
    for _ in range(20):
        pace, held = flood.check(pace, clock.now(), LIMITS)
        assert held is None
    clock.advance(seconds=10)  # ten more allowed (one a second), the eleventh is not
    for _ in range(10):
        pace, held = flood.check(pace, clock.now(), LIMITS)
        assert held is None
    pace, held = flood.check(pace, clock.now(), LIMITS)
    assert held is not None and [m.text.key for m in held] == ["flood.too_fast"]
    assert flood.check(pace, clock.now() + timedelta(seconds=29), LIMITS)[1] == ()
    assert flood.check(pace, clock.now() + timedelta(seconds=30), LIMITS)[1] is None


def test_no_limits_means_no_flood_control_and_old_states_load() -> None:
    assert flood.check(Pace(), FakeClock().now(), None) == (Pace(), None)
    before = {"v": 1, "lang": "en", "flow": "search", "state": "AWAITING_QUERY", "started": True}
    loaded = state.load(before, "vi")  # stored before flood control: kept, with a full bucket
    assert (loaded.lang, loaded.flow, loaded.pace) == ("en", "search", Pace())
