"""A stranger who knows a phone number (or even the ID number too) cannot lock its owner out."""

from __future__ import annotations

from services.otp import OtpPolicy, RequestStatus, VerifyStatus
from tests.unit.test_otp import ID, PHONE, Rig

STRANGER_ID = "004095099999"  # matches nobody


async def test_a_stranger_with_the_phone_does_not_use_up_the_owners_codes() -> None:
    rig = Rig()
    for n in range(12):  # wrong ID + the owner's phone, from twelve chats
        await rig.service.request(f"web:x{n}", STRANGER_ID, PHONE)
        rig.clock.advance(minutes=11)
    assert (await rig.request()).status is RequestStatus.SENT
    assert (await rig.verify(rig.code())).status is VerifyStatus.OK


async def test_a_stranger_is_capped_per_source_whatever_chat_they_open() -> None:
    rig = Rig()
    statuses = []
    for n in range(12):  # a new browser tab for every request, all from one address
        result = await rig.service.request(f"web:tab{n}", STRANGER_ID, f"09123456{n:02d}", "ip")
        statuses.append(result.status)
        rig.clock.advance(seconds=30)
    assert statuses[:10] == [RequestStatus.SENT] * 10
    assert statuses[10:] == [RequestStatus.LIMIT] * 2
    assert (await rig.service.request("web:owner", ID, PHONE, "elsewhere")).status is (
        RequestStatus.SENT
    )


async def test_matched_and_unmatched_pairs_get_the_same_answers_in_any_sequence() -> None:
    answers = []
    for id_number in (ID, STRANGER_ID):
        rig = Rig()
        seen = []
        for seconds in (0, 20, 61, 61, 61, 300, 61):
            rig.clock.advance(seconds=seconds)
            seen.append(await rig.service.request("web:s", id_number, PHONE, "ip"))
        answers.append(seen)
    assert answers[0] == answers[1]
    assert {a.status for a in answers[0]} == {
        RequestStatus.SENT,
        RequestStatus.WAIT,
        RequestStatus.LIMIT,
    }


async def test_wrong_codes_from_a_stranger_who_knows_the_pair_never_lock_the_owner() -> None:
    rig = Rig(OtpPolicy(per_phone_in_window=10, per_phone_per_day=50))
    for _ in range(3):  # every time the lock lifts, the stranger asks again and guesses
        asked = rig.clock.now()
        assert (await rig.request(chat="web:stranger")).status is RequestStatus.SENT
        result = await rig.verify(rig.wrong(), chat="web:stranger")
        while result.wait < 60:
            rig.clock.advance(seconds=result.wait + 1 if result.wait else 0)
            result = await rig.verify(rig.wrong(), chat="web:stranger")
        rig.clock.advance(seconds=61 - (rig.clock.now() - asked).total_seconds())
        # The stranger's own chat is held back; the owner, in theirs, is not.
        assert (await rig.request(chat="web:stranger")).status is RequestStatus.LOCKED
        assert (await rig.request()).status is RequestStatus.SENT
        assert (await rig.verify(rig.code())).status is VerifyStatus.OK
        rig.clock.advance(hours=1, seconds=1)


async def test_the_owner_still_backs_off_after_their_own_wrong_codes() -> None:
    rig = Rig()
    await rig.request()
    for _ in range(3):
        result = await rig.verify(rig.wrong())
    assert result.wait == 30
    assert (await rig.request()).status is RequestStatus.LOCKED
    assert (await rig.verify(rig.code())).status is VerifyStatus.LOCKED
