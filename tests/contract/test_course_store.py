"""A citizen's change of course on every backend: the withdrawal (status, refunds, reason)
and contact changes survive the round trip through the sealed dossier body, and a dossier is
rated once, with one comment, counted per agency."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.course_records import WithdrawReason
from services.dossier_codes import DossierStatus
from services.dossier_course import CourseRefused, change_contact, comment, rate, withdraw
from services.dossiers import Dossier, Phase
from services.ledger import Payment, RefundAccount, RefundReason
from services.ratings import AgencyRatings, RatingLevel

AT = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def dossier(number: int, agency: str = "ca-01273", **extra: Any) -> Dossier:
    values: dict[str, Any] = {
        "id": f"d{number}",
        "code": f"000.00.15.H04-261125-{number:04d}",
        "procedure_id": "dang_ky_tam_tru",
        "agency_id": agency,
        "owner": "web:owner",
        "citizen_id": None,
        "answers": {"so_dien_thoai": "0912345678"},
        "attachments": (),
        "fee": 7000,
        "created_at": AT,
        "phase": Phase.SUBMITTED,
        "status": DossierStatus.PROCESSING,
        "submitted_at": AT,
        "payments": (Payment("sepay", "t1", 7000, AT, 7000),),
    }
    values.update(extra)
    return Dossier(**values)


async def test_withdrawal_and_contact_change_round_trip(uow_factory: Any) -> None:
    async with uow_factory() as uow:
        await uow.dossiers.add(dossier(1))
        await uow.commit()
    async with uow_factory() as uow:
        found = await uow.dossiers.by_code("000.00.15.H04-261125-0001")
        changed = await change_contact(uow, found, "so_dien_thoai", "0987654321", AT)
        account = RefundAccount("Vietcombank", "0123456789", "NONG THI HOA")
        await withdraw(uow, changed, DossierStatus.PROCESSING, WithdrawReason.TOO_SLOW,
                       "", account, AT + timedelta(minutes=5))  # fmt: skip
        await uow.commit()
    async with uow_factory() as uow:
        stored = await uow.dossiers.get("d1")
        changes = await uow.dossiers.history_changes("d1")
    assert stored.status is DossierStatus.WITHDRAWAL_REQUESTED
    assert stored.withdrawal.reason is WithdrawReason.TOO_SLOW
    assert stored.withdrawal.from_status == 4 and stored.withdrawal.refunded == 7000
    assert [(r.amount, r.reason) for r in stored.refunds] == [(7000, RefundReason.WITHDRAWN)]
    assert stored.refund["tk_so"] == "0123456789"
    assert stored.answers["so_dien_thoai"] == "0987654321"
    assert [(c.old, c.new) for c in stored.contact_changes] == [("0912345678", "0987654321")]
    assert [(c.status, c.actor) for c in changes] == [(7, "citizen")]
    async with uow_factory() as uow:  # withdrawn: nothing more to withdraw or change
        with pytest.raises(CourseRefused) as refused:
            await withdraw(uow, stored, DossierStatus.WITHDRAWAL_REQUESTED,
                           WithdrawReason.OTHER, "", None, AT)  # fmt: skip
        assert refused.value.reason == "not_withdrawable"
        with pytest.raises(CourseRefused):
            await change_contact(uow, stored, "so_dien_thoai", "0911222333", AT)


async def test_a_dossier_is_rated_once_and_counted_per_agency(uow_factory: Any) -> None:
    async with uow_factory() as uow:
        for number, agency, status in (
            (1, "ca-01273", DossierStatus.RESOLVED),
            (2, "ca-01273", DossierStatus.RETURNED),
            (3, "ubnd-01273", DossierStatus.REFUSED),
            (4, "ubnd-01273", DossierStatus.PROCESSING),
        ):
            await uow.dossiers.add(dossier(number, agency, status=status))
        await uow.commit()
    levels = {
        1: RatingLevel.VERY_SATISFIED,
        2: RatingLevel.ACCEPTABLE,
        3: RatingLevel.NOT_SATISFIED,
    }
    for number, level in levels.items():
        async with uow_factory() as uow:
            await rate(uow, await uow.dossiers.get(f"d{number}"), level, AT)
            await uow.commit()
    async with uow_factory() as uow:
        again = await uow.dossiers.get("d1")
        with pytest.raises(CourseRefused) as refused:
            await rate(uow, again, RatingLevel.NOT_SATISFIED, AT)
        assert refused.value.reason == "already_rated"
        with pytest.raises(CourseRefused) as refused:
            await rate(uow, await uow.dossiers.get("d4"), RatingLevel.SATISFIED, AT)
        assert refused.value.reason == "not_rateable"
        assert await comment(uow, again, "  Nhanh   và rõ ràng ", AT)
        assert not await comment(uow, again, "Lần hai", AT)  # one comment per rating
        await uow.commit()
    async with uow_factory() as uow:
        rating = await uow.ratings.get("d1")
        every = list(await uow.ratings.summary())
        mine = list(await uow.ratings.summary(["ubnd-01273"]))
    assert rating.level is RatingLevel.VERY_SATISFIED and rating.comment == "Nhanh và rõ ràng"
    assert every == [
        AgencyRatings("ca-01273", {4: 1, 2: 1}, 1),
        AgencyRatings("ubnd-01273", {1: 1}, 0),
    ]
    assert every[0].average == 3.0 and mine == every[1:]


async def test_comments_are_sealed_at_rest(sql_engine: Any) -> None:
    from sqlalchemy import text

    from storage.unit_of_work import SqlUnitOfWorkFactory
    from tests.contract.conftest import KEYS

    factory = SqlUnitOfWorkFactory(sql_engine, KEYS)
    async with factory() as uow:
        await uow.dossiers.add(dossier(1, status=DossierStatus.RESOLVED))
        await rate(uow, await uow.dossiers.get("d1"), RatingLevel.SATISFIED, AT)
        await comment(uow, await uow.dossiers.get("d1"), "Cán bộ Nông Văn An rất nhiệt tình", AT)
        await uow.commit()
    async with sql_engine.connect() as connection:
        stored = (await connection.execute(text("SELECT body FROM dossier_rating"))).scalar_one()
    assert "Nông Văn An" not in str(stored)
