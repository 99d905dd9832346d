"""Contract of the citizen, consent and one-time-code stores: fake and SQL adapters alike."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from services.citizens import Address, Citizen, Person
from services.consent import NOTICE_VERSION, Consent
from services.identity import Sex
from services.otp import Challenge, Lockout

T0 = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
HOA = Person(
    "004195118046", "Nông Thị Hoa", date(1995, 3, 15), Sex.FEMALE, "0912345678", "tay", "",
    Address("04", "Tỉnh Cao Bằng", "01273", "Phường Thục Phán", "Tổ 5"),
)  # fmt: skip


async def test_an_idle_logout_keeps_the_chat_subscribed_until_logout_or_another_login(
    uow_factory: Any,
) -> None:
    async with uow_factory() as uow:
        await uow.citizens.save(Citizen("c1", HOA), T0)
        for chat in ("web:a", "zalo:7", "telegram:9"):
            await uow.citizens.link("c1", chat, T0)
        await uow.citizens.unlink("web:a", keep_updates=True)  # idle
        await uow.citizens.unlink("zalo:7", keep_updates=True)  # idle
        await uow.citizens.unlink("telegram:9")  # the citizen's own /logout
        await uow.commit()
    async with uow_factory() as uow:
        assert list(await uow.citizens.chats("c1")) == []
        assert sorted(await uow.citizens.subscribed_chats("c1")) == ["web:a", "zalo:7"]
        assert await uow.citizens.citizen_of("web:a") is None  # no personal data there
        await uow.citizens.unlink("web:a")  # /logout while idle-logged-out: updates stop
        await uow.citizens.link("c2", "zalo:7", T0)  # someone else logs in there
        await uow.commit()
    async with uow_factory() as uow:
        assert list(await uow.citizens.subscribed_chats("c1")) == []
        await uow.citizens.link("c1", "web:a", T0)  # logging in again: a plain link
        await uow.commit()
    async with uow_factory() as uow:
        assert list(await uow.citizens.chats("c1")) == ["web:a"]
        assert list(await uow.citizens.subscribed_chats("c1")) == []


async def test_citizens_are_found_by_id_number_and_linked_to_chats(uow_factory: Any) -> None:
    async with uow_factory() as uow:
        assert await uow.citizens.find(HOA.id_number) is None
        await uow.citizens.save(Citizen("c1", HOA), T0)
        await uow.citizens.link("c1", "web:a", T0)
        await uow.citizens.link("c1", "telegram:9", T0 + timedelta(seconds=1))
        await uow.commit()
    async with uow_factory() as uow:
        found = await uow.citizens.find(HOA.id_number)
        assert found == Citizen("c1", HOA)
        assert await uow.citizens.get("c1") == found
        assert list(await uow.citizens.chats("c1")) == ["web:a", "telegram:9"]
        moved = replace(HOA, address=Address(legacy="Tổ 3, phường Sông Hiến"))
        await uow.citizens.save(Citizen("c1", moved), T0)
        await uow.citizens.unlink("web:a")
        await uow.commit()
    async with uow_factory() as uow:
        assert (await uow.citizens.get("c1")).person.address.legacy == "Tổ 3, phường Sông Hiến"  # type: ignore[union-attr]
        assert list(await uow.citizens.chats("c1")) == ["telegram:9"]
        assert sorted(await uow.citizens.erase("c1")) == ["telegram:9", "web:a"]
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.citizens.get("c1") is None
        assert await uow.citizens.find(HOA.id_number) is None


async def test_consent_is_recorded_replaced_and_erased(uow_factory: Any) -> None:
    async with uow_factory() as uow:
        assert await uow.consents.get("web:a") is None
        await uow.consents.record(Consent("web:a", NOTICE_VERSION, False, T0))
        await uow.consents.record(Consent("web:a", NOTICE_VERSION, True, T0, "c1"))
        await uow.commit()
    async with uow_factory() as uow:
        consent = await uow.consents.get("web:a")
        assert consent == Consent("web:a", NOTICE_VERSION, True, T0, "c1") and consent.current
        await uow.consents.erase(["web:a"])
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.consents.get("web:a") is None


def challenge(challenge_id: str, at: datetime, **extra: Any) -> Challenge:
    values: dict[str, Any] = {
        "id": challenge_id, "chat_key": "web:a", "account": "acc", "phone_hash": "ph",
        "code_hash": "h" * 64, "created_at": at, "expires_at": at + timedelta(minutes=5),
    }  # fmt: skip
    values.update(extra)
    return Challenge(**values)


async def test_otp_challenges_sends_and_lockouts(uow_factory: Any) -> None:
    async with uow_factory() as uow:
        assert await uow.otp.open_challenge("web:a") is None
        await uow.otp.save_challenge(challenge("a", T0))
        await uow.otp.save_challenge(challenge("b", T0 + timedelta(seconds=1), matched=True))
        for seconds in (0, 30, 90):
            await uow.otp.record_send("acc", "web:a", "src1", T0 + timedelta(seconds=seconds))
        await uow.otp.record_send("other", "web:b", "src1", T0)
        await uow.otp.record_send("other", "web:c", "src2", T0)
        await uow.otp.save_lockout(Lockout("acc", 3, T0 + timedelta(seconds=30)))
        await uow.commit()
    async with uow_factory() as uow:
        newest = await uow.otp.open_challenge("web:a")
        assert newest == challenge("b", T0 + timedelta(seconds=1), matched=True)
        await uow.otp.save_challenge(replace(newest, attempts=2, closed=True))
        before = T0 - timedelta(seconds=1)
        assert len(await uow.otp.sends(before, account="acc")) == 3
        assert len(await uow.otp.sends(T0, account="acc")) == 2  # strictly after `since`
        assert len(await uow.otp.sends(before, chat_key="web:b")) == 1
        assert len(await uow.otp.sends(before, source="src1")) == 4
        assert len(await uow.otp.sends(before, account="other", source="src2")) == 1
        assert await uow.otp.lockout("acc") == Lockout("acc", 3, T0 + timedelta(seconds=30))
        await uow.otp.save_lockout(Lockout("acc", 0, None))
        await uow.commit()
    async with uow_factory() as uow:
        assert (await uow.otp.open_challenge("web:a")).id == "a"  # type: ignore[union-attr]
        assert await uow.otp.lockout("acc") == Lockout("acc", 0, None)
        await uow.otp.erase(["web:a"])
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.otp.open_challenge("web:a") is None
