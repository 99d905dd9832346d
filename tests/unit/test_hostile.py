"""Hostile input: whatever arrives, in whatever state, the bot answers and never crashes."""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversations.flow import Settings
from conversations.messages import Incoming, IncomingKind, Upload
from conversations.router import Filing, Identity, Router
from services.catalog_index import Catalog
from services.places import Places
from tests.chat import ChatDriver
from tests.fakes import FakeClock, MemoryStaging, MemoryUnitOfWorkFactory, SequentialIds

# Realistic moves get the bot deep into flows; the rest is noise.
SCRIPTED = [
    "dang ky khai sinh", "/start", "/menu", "/cancel", "/help", "/lang", "/resume", "tam tru",
    "Thục Phán", "Nguyễn Văn A", "15/03/1995", "31/02/2020", "004195012345", "0912345678",
    "lý lịch tư pháp", "1.004194", "/login", "/logout", "/profile", "/mydata", "/deletemydata",
    "004195118046", "123456",
]  # fmt: skip
PAYLOADS = [
    "m:search", "m:browse", "m:drafts", "m:home", "m:help", "l:en", "l:vi", "d:apply", "d:back",
    "d:skip", "d:keep", "d:cancel", "d:confirm", "d:continue", "d:delete", "pg:r:1", "pg:r:-1",
    "pg:w:999", "p:r:khai_sinh", "p:w:01273", "p:w:00004", "p:v:04", "p:v:99", "p:s:ho_tich",
    "e:ho_ten", "e:nope", "o:gioi_tinh:0", "o:gioi_tinh:99", "y:x:1", "p:dr:id0001", "pg:o:3",
    "d:guest", "d:login", "d:accept", "d:decline", "d:resend", "d:refresh", "d:logout",
    "d:mydata", "d:erase", "d:erase_confirm", "d:prefill_ok", "d:prefill_edit", "m:profile",
    "m:login",
]  # fmt: skip

texts = st.one_of(
    st.sampled_from(SCRIPTED),
    st.text(max_size=60),
    st.text(alphabet="🙂😡🇻🇳\u200b\u202e\x00\n\t<>&\"'/", max_size=20),
    st.integers(0, 12_000).map(lambda n: "x" * n),
)
events = st.one_of(
    texts.map(Incoming.from_text),
    st.sampled_from(PAYLOADS).map(Incoming.button),
    st.text(max_size=80).map(Incoming.button),
    st.just(Incoming(IncomingKind.UPLOAD, upload=Upload("ref", "x.exe", 3))),
)


def fresh_router(catalog: Catalog, places: Places, identity: Identity) -> Router:
    return Router(
        MemoryUnitOfWorkFactory(),
        catalog,
        places,
        FakeClock(),
        SequentialIds(),
        identity,
        Filing(MemoryStaging()),
        Settings(),
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(events, min_size=1, max_size=25))
def test_any_sequence_of_events_is_answered(
    catalog: Catalog, places: Places, identity: Identity, sequence: list[Incoming]
) -> None:
    async def run() -> None:
        chat = ChatDriver(fresh_router(catalog, places, identity))
        for event in sequence:
            replies = await chat.apply(event)
            assert replies, f"no answer to {event!r}"

    asyncio.run(run())


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(PAYLOADS + SCRIPTED), min_size=5, max_size=40))
def test_buttons_from_old_messages_in_any_order_are_answered(
    catalog: Catalog, places: Places, identity: Identity, moves: list[str]
) -> None:
    """Press real buttons seen earlier in the chat, in random order (stale buttons)."""

    async def run() -> None:
        chat = ChatDriver(fresh_router(catalog, places, identity))
        seen: list[str] = []
        for move in moves:
            if seen and move in PAYLOADS:
                event = Incoming.button(seen[hash(move) % len(seen)])
            else:
                event = Incoming.from_text(move)
            replies = await chat.apply(event)
            assert replies
            seen.extend(b.payload for b in chat.buttons())

    asyncio.run(run())
