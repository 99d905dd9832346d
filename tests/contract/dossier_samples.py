"""Dossiers and citizens to store in the contract tests (fictional people, Cao Bằng codes)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from services.citizens import Address, Citizen, Person
from services.dossier_codes import DossierStatus
from services.dossiers import Dossier, HistoryEntry, Phase, StatusChange
from services.identity import Sex

T0 = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
AGENCY_CODE = "000.01.51.H04"


def code(sequence: int, agency: str = AGENCY_CODE, day: str = "261125") -> str:
    """A dossier code of the sample agency."""
    return f"{agency}-{day}-{sequence:04d}"


def dossier(
    dossier_id: str,
    sequence: int,
    status: DossierStatus | None = DossierStatus.SUBMITTED,
    **extra: Any,
) -> Dossier:
    """A submitted dossier in `status` (phase AWAITING_PAYMENT when `status` is None)."""
    values: dict[str, Any] = {
        "id": dossier_id,
        "code": code(sequence),
        "procedure_id": "khai_sinh",
        "agency_id": "ubnd-01273",
        "owner": f"web:{dossier_id}",
        "citizen_id": None,
        "answers": {"ho_ten": "Nông Thị Hoa"},
        "attachments": (),
        "fee": None,
        "created_at": T0,
        "phase": Phase.AWAITING_PAYMENT if status is None else Phase.SUBMITTED,
        "status": status,
        "submitted_at": None if status is None else T0,
        "due_date": None if status is None else date(2026, 12, 2),
        "history": () if status is None else (HistoryEntry(int(status), T0, "citizen"),),
    }
    values.update(extra)
    return Dossier(**values)


def citizen(citizen_id: str, id_number: str, ward_code: str = "01273") -> Citizen:
    """A citizen living in a commune/ward of Cao Bằng."""
    person = Person(
        id_number=id_number,
        full_name="Nông Thị Hoa",
        birth_date=date(1995, 3, 15),
        sex=Sex.FEMALE,
        phone="0912345678",
        address=Address("04", "Tỉnh Cao Bằng", ward_code, "Phường Thục Phán", "Tổ 1"),
    )
    return Citizen(citizen_id, person)


async def store(uow_factory: Any, *dossiers: Dossier) -> None:
    """Add dossiers in one committed unit of work."""
    async with uow_factory() as uow:
        for item in dossiers:
            await uow.dossiers.add(item)
        await uow.commit()


async def stored(uow_factory: Any, dossier_id: str) -> tuple[Dossier, list[StatusChange]]:
    """A dossier as stored now, and its status-change log."""
    async with uow_factory() as uow:
        found = await uow.dossiers.get(dossier_id)
        assert found is not None
        return found, list(await uow.dossiers.history_changes(dossier_id))
