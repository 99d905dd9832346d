"""A rule broken by the registry's own data (a locked identity field): the citizen is never
offered an edit she may not make, nor sent back to a question she may not answer."""

from __future__ import annotations

from dataclasses import replace

import pytest

from services.catalog_index import Catalog
from services.citizens import Person, Sex
from tests.chat import ChatDriver
from tests.fakes import MemoryStaging, MemoryUnitOfWorkFactory, RecordingSms
from tests.unit.test_applicant_identity import (
    IDENTITY,
    attach_and_reach_summary,
    fill,
    open_criminal_record,
)
from tests.unit.test_login_flow import HOA_ID


@pytest.fixture
def people(people: list[Person]) -> list[Person]:
    """Hoa as the registry holds her after a correction of her sex: the ID's sex digit
    (issued before) no longer matches, a clerk's matter, not something she can type away."""
    return [replace(p, sex=Sex.MALE) if p.id_number == HOA_ID else p for p in people]


async def test_a_rule_broken_by_the_registry_data_does_not_offer_to_edit_a_locked_field(
    chat: ChatDriver,
    catalog: Catalog,
    sms: RecordingSms,
    staging: MemoryStaging,
    uow_factory: MemoryUnitOfWorkFactory,
) -> None:
    await open_criminal_record(chat, sms)
    await chat.press("Bản thân")
    await fill(chat, catalog, "ly_lich_tu_phap", {})
    edits = {b.payload for m in chat.replies for b in chat.buttons(m)}
    assert not {f"e:{key}" for key in IDENTITY} & edits, edits
    await chat.press("Xác nhận tờ khai")  # not sent back to a question she may not answer
    assert chat.keys[0] == "form.final", chat.keys
    await attach_and_reach_summary(chat, staging)
    await chat.press("Nộp hồ sơ")
    await chat.press("Tôi xin cam đoan")
    (dossier,) = uow_factory.db.dossiers.values()
    assert dossier.filer is not None and dossier.filer.id_number == HOA_ID
