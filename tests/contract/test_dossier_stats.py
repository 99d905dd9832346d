"""DossierRepository.daily_counts (the /thongke query): the fake and both SQL adapters count
the same days, statuses and on-time finishes — submission and finish days in Vietnam time."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.unit.test_stats import EXPECTED, seed


async def test_daily_counts_per_submission_day(uow_factory: Any) -> None:
    await seed(uow_factory)
    async with uow_factory() as uow:
        assert list(await uow.dossiers.daily_counts(date(2026, 11, 12))) == EXPECTED
        everything = await uow.dossiers.daily_counts(date(2026, 10, 1))
        assert [c.day for c in everything] == [date(2026, 11, 1), *(c.day for c in EXPECTED)]
        assert (everything[0].by_status, everything[0].on_time) == ({9: 1}, 1)
        assert list(await uow.dossiers.daily_counts(date(2026, 11, 25))) == EXPECTED[2:]
        assert list(await uow.dossiers.daily_counts(date(2026, 11, 12), ["ca-01273"])) == EXPECTED
        assert list(await uow.dossiers.daily_counts(date(2026, 11, 12), ["ubnd-01273"])) == []
