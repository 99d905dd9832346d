"""Each one-time-code rule, with a fake clock; each test fails if its rule is removed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.citizens import Person
from services.identity import Sex
from services.keyed_hash import KeyedHasher
from services.otp import OtpPolicy, OtpService, RequestStatus, VerifyStatus
from tests.fakes import (
    FakeClock,
    FakeRegistry,
    MemoryDatabase,
    MemoryOtpStore,
    RecordingSms,
    SequentialIds,
)

ID, PHONE = "004195012345", "0912345678"
HOA = Person(ID, "Nông Thị Hoa", date(1995, 3, 15), Sex.FEMALE, PHONE)
CHAT = "web:hoa"


class Rig:
    def __init__(self, policy: OtpPolicy | None = None) -> None:
        self.clock = FakeClock()
        self.db = MemoryDatabase()
        self.sms = RecordingSms()
        self.registry = FakeRegistry(HOA)
        self.service = OtpService(
            MemoryOtpStore(self.db),
            self.registry,
            self.sms,
            KeyedHasher(b"k" * 32),
            self.clock,
            SequentialIds(),
            policy or OtpPolicy(),
            "Ma {code}, {minutes} phut",
        )

    async def request(self, chat: str = CHAT, id_number: str = ID, phone: str = PHONE):  # type: ignore[no-untyped-def]
        return await self.service.request(chat, id_number, phone)

    async def verify(self, code: str, chat: str = CHAT, id_number: str = ID, phone: str = PHONE):  # type: ignore[no-untyped-def]
        return await self.service.verify(chat, id_number, phone, code)

    def code(self) -> str:
        return self.sms.last_code(PHONE)

    def wrong(self) -> str:
        return f"{(int(self.code()) + 1) % 10**6:06d}"


async def test_a_six_digit_code_is_sent_and_verifies_once() -> None:
    rig = Rig()
    result = await rig.request()
    assert result.status is RequestStatus.SENT and result.valid_minutes == 5
    code = rig.code()
    assert len(code) == 6 and code.isdigit()
    ok = await rig.verify(code)
    assert ok.status is VerifyStatus.OK and ok.person == HOA
    assert (await rig.verify(code)).status is VerifyStatus.EXPIRED  # single use


async def test_codes_are_random() -> None:
    codes = set()
    for n in range(30):
        rig = Rig()
        await rig.request(chat=f"web:{n}")
        codes.add(rig.code())
    assert len(codes) > 25


async def test_a_code_expires_after_its_lifetime() -> None:
    rig = Rig()
    await rig.request()
    rig.clock.advance(minutes=4, seconds=59)
    code = rig.code()
    assert (await rig.verify(code)).status is VerifyStatus.OK
    rig.clock.advance(minutes=2)
    await rig.request()
    rig.clock.advance(minutes=5)
    assert (await rig.verify(rig.code())).status is VerifyStatus.EXPIRED


def test_the_lifetime_is_configurable_but_never_over_ten_minutes() -> None:
    assert OtpPolicy(ttl=timedelta(minutes=10)).ttl == timedelta(minutes=10)
    with pytest.raises(ValueError):
        OtpPolicy(ttl=timedelta(minutes=11))


async def test_a_new_code_kills_the_old_one() -> None:
    rig = Rig()
    await rig.request()
    old = rig.code()
    rig.clock.advance(seconds=61)
    await rig.request()
    new = rig.code()
    if old != new:
        assert (await rig.verify(old)).status is VerifyStatus.WRONG
    assert (await rig.verify(new)).status is VerifyStatus.OK


async def test_five_wrong_tries_kill_the_code() -> None:
    rig = Rig(OtpPolicy(free_failures=10))  # isolate this rule from the account back-off
    await rig.request()
    for left in (4, 3, 2, 1):
        result = await rig.verify(rig.wrong())
        assert result.status is VerifyStatus.WRONG and result.attempts_left == left
    assert (await rig.verify(rig.wrong())).status is VerifyStatus.EXHAUSTED
    assert (await rig.verify(rig.code())).status is VerifyStatus.EXPIRED


async def test_account_failures_back_off_from_30_seconds_to_an_hour_and_reset() -> None:
    rig = Rig(
        OtpPolicy(
            max_attempts=100, per_phone_in_window=99, per_phone_per_day=99, per_chat_per_day=99
        )
    )
    await rig.request()
    assert (await rig.verify(rig.wrong())).wait == 0
    assert (await rig.verify(rig.wrong())).wait == 0
    assert (await rig.verify(rig.wrong())).wait == 30
    locked = await rig.verify(rig.code())
    assert locked.status is VerifyStatus.LOCKED and locked.wait == 30
    assert (await rig.request()).status is RequestStatus.LOCKED
    waits = [30]
    for _ in range(9):
        rig.clock.advance(seconds=max(waits[-1] + 1, 61))
        assert (await rig.request()).status is RequestStatus.SENT
        waits.append((await rig.verify(rig.wrong())).wait)
    assert waits[:5] == [30, 60, 120, 240, 480] and waits[-1] == 3600
    rig.clock.advance(seconds=3601)
    await rig.request()
    assert (await rig.verify(rig.code())).status is VerifyStatus.OK
    rig.clock.advance(seconds=61)
    await rig.request()
    assert (await rig.verify(rig.wrong())).wait == 0  # reset by the success


async def test_resend_waits_sixty_seconds_and_says_how_long() -> None:
    rig = Rig()
    await rig.request()
    rig.clock.advance(seconds=20)
    result = await rig.request()
    assert result.status is RequestStatus.WAIT and result.wait == 40
    rig.clock.advance(seconds=40)
    assert (await rig.request()).status is RequestStatus.SENT


async def test_three_codes_per_ten_minutes_per_phone() -> None:
    rig = Rig()
    for _ in range(3):
        assert (await rig.request()).status is RequestStatus.SENT
        rig.clock.advance(seconds=61)
    result = await rig.request()
    assert result.status is RequestStatus.LIMIT and result.wait == 600 - 3 * 61
    rig.clock.advance(seconds=result.wait)
    assert (await rig.request()).status is RequestStatus.SENT


async def test_ten_codes_per_day_per_phone_even_from_other_chats() -> None:
    rig = Rig()
    for n in range(10):
        assert (await rig.request(chat=f"web:{n}")).status is RequestStatus.SENT
        rig.clock.advance(minutes=11)
    result = await rig.request(chat="web:other")
    assert result.status is RequestStatus.LIMIT
    rig.clock.advance(seconds=result.wait)
    assert (await rig.request(chat="web:other")).status is RequestStatus.SENT


async def test_a_chat_cannot_spray_codes_over_many_phones() -> None:
    rig = Rig(OtpPolicy(per_chat_per_day=4))
    for n in range(4):
        assert (await rig.request(phone=f"091234560{n}")).status is RequestStatus.SENT
        rig.clock.advance(seconds=61)
    assert (await rig.request(phone="0912345699")).status is RequestStatus.LIMIT


async def test_only_a_keyed_hash_of_the_code_is_stored() -> None:
    rig = Rig()
    await rig.request()
    (challenge,) = rig.db.challenges.values()
    code = rig.code()
    assert code not in repr(challenge) and len(challenge.code_hash) == 64
    assert ID not in repr(challenge) and PHONE not in repr(challenge)


async def test_an_unknown_pair_looks_like_a_known_one_but_never_verifies() -> None:
    rig = Rig()
    stranger = await rig.request(chat="web:x", phone="0987654321")  # right ID, wrong phone
    nobody = await rig.request(chat="web:y", id_number="004095099999")
    rig.clock.advance(seconds=61)
    known = await rig.request()
    assert stranger == nobody == known
    assert [to for to, _, _ in rig.sms.sent] == [PHONE]  # only the real owner got an SMS
    for code in ("000000", "123456", rig.code()):
        assert (
            await rig.verify(code, chat="web:x", phone="0987654321")
        ).status is VerifyStatus.WRONG
        assert (await rig.verify(code, chat="web:y", id_number="004095099999")).status is (
            VerifyStatus.WRONG
        )


async def test_a_code_for_another_chat_or_phone_does_not_work_here() -> None:
    rig = Rig()
    await rig.request(chat="web:a")
    code = rig.code()
    assert (await rig.verify(code, chat="web:b")).status is VerifyStatus.EXPIRED
    assert (await rig.verify(code, chat="web:a", phone="0987654321")).status is (
        VerifyStatus.EXPIRED
    )
    assert (await rig.verify(code, chat="web:a")).status is VerifyStatus.OK
