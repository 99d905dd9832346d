"""Following is bounded: per chat, per dossier and in time; a status change fans out to at
most the limit; a flood of changes reaches each chat once per change, in order."""

from __future__ import annotations

import asyncio

import pytest

from conversations.flow import Settings
from conversations.messages import Outgoing, Platform
from conversations.router import Filing, Identity, Router
from conversations.status_messages import StatusMessages
from services.catalog_index import Catalog
from services.codec import from_json
from services.dossier_codes import DossierStatus
from services.following import FollowLimits, expire_followers
from services.places import Places
from services.status_pushes import push_status_changes
from tests.fakes import FakeClock, MemoryUnitOfWorkFactory, SequentialIds
from tests.unit.test_status_flow import OWNER, add, make_dossier, move, pushes, started

LIMITS = FollowLimits(per_chat=2, per_dossier=3, idle_days=180, finished_days=30)


@pytest.fixture
def bounded(
    uow_factory: MemoryUnitOfWorkFactory,
    catalog: Catalog,
    places: Places,
    clock: FakeClock,
    identity: Identity,
    filing: Filing,
) -> Router:
    """A router whose chats may follow 2 dossiers, and a dossier have 3 followers."""
    return Router(
        uow_factory, catalog, places, clock, SequentialIds(), identity, filing,
        Settings(follow=LIMITS),
    )  # fmt: skip


async def dossiers(
    uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog, clock: FakeClock, n: int
) -> list[str]:
    """n dossiers d1…dn of the owner OWNER; their codes."""
    codes = []
    for i in range(1, n + 1):
        dossier = make_dossier(catalog, clock, id=f"d{i}")
        dossier = make_dossier(
            catalog, clock, id=f"d{i}", code=dossier.code.replace("-0007", f"-{i:04d}")
        )
        await add(uow_factory, dossier)
        codes.append(dossier.code)
    return codes


async def push(uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog, clock: FakeClock) -> None:
    await push_status_changes(uow_factory, StatusMessages(catalog), clock, limits=LIMITS)


async def test_a_chat_at_its_limit_is_told_and_shown_what_it_follows_to_make_room(
    uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog, clock: FakeClock, bounded: Router
) -> None:
    first, second, third = await dossiers(uow_factory, catalog, clock, 3)
    neighbour = await started(bounded, "neighbour", Platform.TELEGRAM)
    for code in (first, second):
        await neighbour.send(f"/follow {code}")
        assert neighbour.keys[0] == "follow.started"
    await neighbour.send(f"/follow {third}")
    assert neighbour.keys == ["follow.limit_chat", "following.list", "menu.main"]
    said = neighbour.text(neighbour.replies[0])
    assert third in said and "tối đa 2 hồ sơ" in said and "bỏ theo dõi" in said.lower()
    assert "at most 2 dossiers" in neighbour.texts.plain(neighbour.replies[0].text, "en")
    listed = neighbour.text(neighbour.replies[1])
    assert first in listed and second in listed and third not in listed
    assert len(uow_factory.db.followers) == 2  # the third was not followed
    await neighbour.press(f"Bỏ theo dõi {first}")
    assert neighbour.keys[0] == "unfollow.done"
    await neighbour.send(f"/follow {third}")
    assert neighbour.keys[0] == "follow.started"
    await neighbour.send("/following")
    assert neighbour.keys[0] == "following.list"
    assert "(2/2)" in neighbour.text(neighbour.replies[0])


async def test_a_dossier_at_its_limit_of_followers_refuses_one_more_and_says_what_to_do(
    uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog, clock: FakeClock, bounded: Router
) -> None:
    (code,) = await dossiers(uow_factory, catalog, clock, 1)
    for n in range(3):
        follower = await started(bounded, f"f{n}", Platform.TELEGRAM)
        await follower.send(f"/follow {code}")
        assert follower.keys[0] == "follow.started"
    late = await started(bounded, "late", Platform.ZALO)
    await late.send(f"/follow {code}")
    assert late.keys == ["follow.limit_dossier", "menu.main"]
    said = late.text(late.replies[0])
    assert "đủ 3 người theo dõi" in said and f"/status {code}" in said
    assert ("d1", "zalo:late") not in uow_factory.db.followers
    await move(uow_factory, clock, DossierStatus.RECEIVED)
    await push(uow_factory, catalog, clock)
    assert len(pushes(uow_factory, OWNER)) == 1  # the owner is no follower: always told
    assert pushes(uow_factory, "zalo:late") == []


async def test_a_status_change_fans_out_to_at_most_the_limit_earliest_followers_first(
    uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog, clock: FakeClock
) -> None:
    """Followers beyond the limit (the limit lowered since, or a race) get nothing; a
    follower's citizen logged in on several chats counts each chat."""
    await dossiers(uow_factory, catalog, clock, 1)
    async with uow_factory() as uow:
        await uow.citizens.link("c9", "zalo:f0-phone", clock.now())
        await uow.citizens.link("c9", "telegram:f0", clock.now())
        for n in range(6):
            await uow.dossiers.follow("d1", f"telegram:f{n}", clock.now())
            clock.advance(seconds=1)
        await uow.commit()
    await move(uow_factory, clock, DossierStatus.RECEIVED)
    await push(uow_factory, catalog, clock)
    told = sorted(i.recipient for i in uow_factory.db.outbox)
    assert told == sorted([OWNER, "telegram:f0", "zalo:f0-phone", "telegram:f1"])


async def test_an_idle_follower_expires_and_a_lookup_keeps_a_follower(
    uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog, clock: FakeClock, bounded: Router
) -> None:
    first, second = await dossiers(uow_factory, catalog, clock, 2)
    idle = await started(bounded, "idle", Platform.TELEGRAM)
    keen = await started(bounded, "keen", Platform.TELEGRAM)
    for chat in (idle, keen):
        await chat.send(f"/follow {first}")
        assert chat.keys[0] == "follow.started"
    clock.advance(days=100)
    await keen.send(f"/status {first}")  # looking it up again: still interested
    keen.find_button("Bỏ theo dõi")  # the card shows it is followed
    clock.advance(days=81)  # 181 days after following, 81 after keen's lookup
    await move(uow_factory, clock, DossierStatus.RECEIVED)
    await push(uow_factory, catalog, clock)
    assert pushes(uow_factory, "telegram:idle") == []
    assert len(pushes(uow_factory, "telegram:keen")) == 1
    await idle.send("/following")
    assert idle.keys[0] == "following.none"
    await idle.send(f"/follow {second}")  # its slot is free again
    assert idle.keys[0] == "follow.started"
    assert await expire_followers(uow_factory, clock, LIMITS) == 1
    assert ("d1", "telegram:idle") not in uow_factory.db.followers


async def test_followers_of_an_ended_dossier_expire_some_days_after_its_last_change(
    uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog, clock: FakeClock, bounded: Router
) -> None:
    first, second = await dossiers(uow_factory, catalog, clock, 2)
    neighbour = await started(bounded, "neighbour", Platform.TELEGRAM)
    for code in (first, second):
        await neighbour.send(f"/follow {code}")
    for status in (DossierStatus.RECEIVED, DossierStatus.PROCESSING, DossierStatus.RESOLVED):
        await move(uow_factory, clock, status)
    await move(uow_factory, clock, DossierStatus.RETURNED)  # result delivered: ended
    for status in (DossierStatus.RECEIVED, DossierStatus.PROCESSING, DossierStatus.RESOLVED):
        await move(uow_factory, clock, status, dossier_id="d2")  # resolved, not delivered yet
    clock.advance(days=29)
    assert await expire_followers(uow_factory, clock, LIMITS) == 0
    clock.advance(days=2)
    assert await expire_followers(uow_factory, clock, LIMITS) == 1
    assert list(uow_factory.db.followers) == [("d2", "telegram:neighbour")]


async def test_a_flood_of_changes_reaches_each_chat_once_per_change_in_order(
    uow_factory: MemoryUnitOfWorkFactory, catalog: Catalog, clock: FakeClock, bounded: Router
) -> None:
    (code,) = await dossiers(uow_factory, catalog, clock, 1)
    neighbour = await started(bounded, "neighbour", Platform.TELEGRAM)
    await neighbour.send(f"/follow {code}")
    flood = [
        DossierStatus.RECEIVED, DossierStatus.PROCESSING, DossierStatus.SUPPLEMENT_REQUESTED,
        DossierStatus.PROCESSING, DossierStatus.RESOLVED,
    ]  # fmt: skip
    for status in flood:  # five changes within a minute
        await move(uow_factory, clock, status)
        clock.advance(seconds=10)
        # A push run woken by each commit, and a sweep, overlapping.
        await asyncio.gather(*(push(uow_factory, catalog, clock) for _ in range(2)))
    await push(uow_factory, catalog, clock)
    for chat in (OWNER, "telegram:neighbour"):
        items = [i for i in uow_factory.db.outbox if i.recipient == chat]
        assert len({i.event for i in items}) == len(items) == 5
        said = [neighbour.text(from_json(Outgoing, i.message)) for i in items]
        labels = [next(s.label("vi") for s in flood if s.label("vi") in t) for t in said]
        assert labels == [s.label("vi") for s in flood]
