"""A hostile pass over the money path: what the citizen is told is due, in both languages,
after partial transfers, at the counter and for fees set at reception, never contradicts the
ledger."""

from __future__ import annotations

from dataclasses import replace

from conversations.notifications import receipt_message
from conversations.texts import TextCatalog
from services.catalog_index import Catalog
from services.dossiers import Phase, submitted
from tests.chat import ChatDriver
from tests.fakes import FakeClock, MemoryStaging, MemoryUnitOfWorkFactory, RecordingSms
from tests.unit.test_payment_ledger import awaiting, pay, transfer
from tests.unit.test_payment_timeline import file_stay

TEXTS = TextCatalog(strict=True)


async def test_in_english_the_counter_fee_is_still_to_be_paid_not_paid(
    chat: ChatDriver,
    sms: RecordingSms,
    staging: MemoryStaging,
    uow_factory: MemoryUnitOfWorkFactory,
    clock: FakeClock,
) -> None:
    dossier = await file_stay(chat, sms, staging, uow_factory)
    await pay(uow_factory, clock, transfer(dossier, 4000, "t1"))
    await chat.press("Nộp phí tại bộ phận một cửa")
    await chat.send("/lang")
    await chat.press("English")
    await chat.send(f"/status {dossier.code}")
    card = chat.text()
    assert "7,000" in card and "3,000" in card and "still due" in card
    # 3.000 đ is still due: the card must not claim the fee was paid at the counter.
    assert "VND, paid at the one-stop counter" not in card
    assert "to be paid at the one-stop counter" in card


async def test_a_fee_set_at_reception_is_not_called_free_on_the_receipt(
    clock: FakeClock, catalog: Catalog
) -> None:
    proc = catalog.procedure("dang_ky_lai_khai_sinh")
    assert proc is not None and proc.fees and proc.fees[0].amount is None
    dossier = awaiting(clock, procedure_id=proc.id, fee=None, payment=None)
    dossier = submitted(dossier, clock.now(), clock.now().date(), 5, "citizen")
    assert dossier.phase is Phase.SUBMITTED
    receipt = receipt_message(catalog, dossier)
    said = TEXTS.plain(receipt.text, "vi")
    assert "không thu" not in said  # the agency will charge it: it is not free
    assert "mức thu xác định khi tiếp nhận" in said
    assert "amount set at reception" in TEXTS.plain(receipt.text, "en")
    # A free dossier still says so.
    free = replace(dossier, fee=0)
    assert "không thu" in TEXTS.plain(receipt_message(catalog, free).text, "vi")
