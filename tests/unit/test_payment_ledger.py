"""The payment ledger: transfers for a dossier add up, what is still due is always said,
overpayments are recorded for refund, a notice for another account is refused."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from conversations.flow import PaymentAccount
from conversations.locales import CATALOGS
from conversations.notifications import partial_message, receipt_message, refund_message
from conversations.texts import TextCatalog
from services.catalog_index import Catalog
from services.dossier_codes import DossierStatus
from services.dossiers import Dossier, PaymentOutcome, Phase, payment_request
from services.ledger import RefundReason, normalise_account, same_account
from services.payment_matching import apply_transfer
from services.payments import BankTransfer
from services.vietqr import decode
from tests.fakes import FakeClock, MemoryUnitOfWorkFactory

ACCOUNT = "1234567890"
CODE = "000.01.51.H04-261125-0001"
TEXTS = TextCatalog(strict=True)


def awaiting(clock: FakeClock, fee: int = 8000, **extra: Any) -> Dossier:
    now = clock.now()
    values: dict[str, Any] = {
        "id": "d-ledger",
        "code": CODE,
        "procedure_id": "dang_ky_tam_tru",
        "agency_id": "ca-01273",
        "owner": "web:hoa",
        "citizen_id": None,
        "answers": {"ho_ten": "Nông Thị Hoa"},
        "attachments": (),
        "fee": fee,
        "created_at": now,
        "phase": Phase.AWAITING_PAYMENT,
        "payment": payment_request(CODE, fee, now),
    }
    values.update(extra)
    return Dossier(**values)


def transfer(
    dossier: Dossier,
    amount: int,
    txid: str,
    provider: str = "sepay",
    account: str = ACCOUNT,
) -> BankTransfer:
    assert dossier.payment is not None
    return BankTransfer(
        provider=provider,  # type: ignore[arg-type]
        transaction_id=txid,
        amount=amount,
        description=f"MBVCB.884.{dossier.payment.reference.replace(' ', '')}.CT tu NONG THI HOA",
        account=account,
        occurred_at=datetime(2026, 11, 25, 3, 0, tzinfo=UTC),
        incoming=True,
    )


async def pay(
    factory: MemoryUnitOfWorkFactory, clock: FakeClock, notice: BankTransfer
) -> tuple[PaymentOutcome, Dossier | None]:
    async with factory() as uow:
        outcome, dossier = await apply_transfer(
            uow.dossiers, uow.payments, notice, {"id": notice.transaction_id}, clock.now(),
            {"dang_ky_tam_tru": 3}, ACCOUNT,
        )  # fmt: skip
        await uow.commit()
    return outcome, dossier


async def stored(factory: MemoryUnitOfWorkFactory, dossier: Dossier) -> Dossier:
    async with factory() as uow:
        found = await uow.dossiers.get(dossier.id)
    assert found is not None
    return found


async def filed(factory: MemoryUnitOfWorkFactory, dossier: Dossier) -> Dossier:
    async with factory() as uow:
        await uow.dossiers.add(dossier)
        await uow.commit()
    return dossier


def render(message: Any) -> str:
    return TEXTS.plain(message.text, "vi")


async def test_five_then_three_thousand_pay_an_eight_thousand_fee(
    uow_factory: MemoryUnitOfWorkFactory, clock: FakeClock, catalog: Catalog
) -> None:
    dossier = await filed(uow_factory, awaiting(clock))
    outcome, partly = await pay(uow_factory, clock, transfer(dossier, 5000, "t1"))
    assert outcome is PaymentOutcome.PARTIAL and partly is not None
    assert (partly.paid_total, partly.due, partly.phase) == (5000, 3000, Phase.AWAITING_PAYMENT)
    assert partly.payment is not None and partly.payment.amount == 3000  # the rest is asked
    message = partial_message(PaymentAccount(), partly, 5000)
    assert message.text.key == "ledger.partial"
    assert message.text.params["received"].amount == 5000  # type: ignore[union-attr]
    assert message.text.params["due"].amount == 3000  # type: ignore[union-attr]
    said = render(message)
    assert "đã nhận 5.000 đ" in said and "còn phải nộp 3.000 đ" in said
    qr = decode(message.media_ref.removeprefix("vietqr:"))
    assert qr.qr is not None and (qr.qr.amount, qr.qr.purpose) == (3000, partly.payment.reference)
    clock.advance(minutes=10)
    outcome, paid = await pay(uow_factory, clock, transfer(dossier, 3000, "t2", "casso"))
    assert outcome is PaymentOutcome.PAID and paid is not None
    after = await stored(uow_factory, dossier)
    assert after.phase is Phase.SUBMITTED and after.status is DossierStatus.SUBMITTED
    assert (after.paid_total, after.due, after.refunds) == (8000, 0, ())
    assert [(p.provider, p.transaction_id, p.amount) for p in after.payments] == [
        ("sepay", "t1", 5000),
        ("casso", "t2", 3000),
    ]
    assert after.payments[1].at == clock.now() and after.payments[0].occurred_at is not None
    receipt = render(receipt_message(catalog, after))
    assert "đã thanh toán 8.000 đ" in receipt


async def test_a_repeated_notification_is_counted_once(
    uow_factory: MemoryUnitOfWorkFactory, clock: FakeClock
) -> None:
    dossier = await filed(uow_factory, awaiting(clock))
    first = transfer(dossier, 4000, "t1")
    assert (await pay(uow_factory, clock, first))[0] is PaymentOutcome.PARTIAL
    assert (await pay(uow_factory, clock, first))[0] is PaymentOutcome.DUPLICATE
    # The same transaction id from the other provider is another transfer.
    outcome, _ = await pay(uow_factory, clock, transfer(dossier, 4000, "t1", "casso"))
    assert outcome is PaymentOutcome.PAID
    after = await stored(uow_factory, dossier)
    assert (after.paid_total, after.refund_total, len(after.payments)) == (8000, 0, 2)


async def test_an_overpayment_is_recorded_for_refund_to_the_citizens_account(
    uow_factory: MemoryUnitOfWorkFactory, clock: FakeClock
) -> None:
    refund = {"tk_ngan_hang": "970436", "tk_so": "0071000123456", "tk_chu": "NONG THI HOA"}
    dossier = await filed(uow_factory, awaiting(clock, refund=refund))
    await pay(uow_factory, clock, transfer(dossier, 5000, "t1"))
    outcome, paid = await pay(uow_factory, clock, transfer(dossier, 5000, "t2"))
    assert outcome is PaymentOutcome.OVERPAID and paid is not None
    assert paid.phase is Phase.SUBMITTED and (paid.paid_total, paid.due) == (8000, 0)
    (owed,) = paid.refunds
    assert (owed.transaction_id, owed.amount, owed.reason) == ("t2", 2000, RefundReason.OVERPAID)
    said = render(refund_message(paid, owed))
    assert "2.000 đ" in said and "3456" in said and "Vietcombank" in said
    assert "0071000123456" not in said  # the chat shows the account masked
    # Any later transfer is owed back whole.
    outcome, again = await pay(uow_factory, clock, transfer(dossier, 8000, "t3"))
    assert outcome is PaymentOutcome.ALREADY_PAID and again is not None
    assert again.refund_total == 10000 and again.paid_total == 8000
    assert again.refunds[-1].reason is RefundReason.ALREADY_PAID
    assert refund_message(again, again.refunds[-1]).text.key == "ledger.extra"


@pytest.mark.parametrize("account", ["9999999999", "", "12345678901"])
async def test_a_notice_for_another_account_is_refused(
    uow_factory: MemoryUnitOfWorkFactory, clock: FakeClock, account: str
) -> None:
    dossier = await filed(uow_factory, awaiting(clock))
    notice = transfer(dossier, 8000, "t1", account=account)
    outcome, touched = await pay(uow_factory, clock, notice)
    assert outcome is PaymentOutcome.WRONG_ACCOUNT and touched is None
    after = await stored(uow_factory, dossier)
    assert after.phase is Phase.AWAITING_PAYMENT and after.payments == () and after.due == 8000
    assert uow_factory.db.payment_events[("sepay", "t1")] == "wrong_account"


async def test_account_numbers_compare_without_spaces(
    uow_factory: MemoryUnitOfWorkFactory, clock: FakeClock
) -> None:
    assert normalise_account(" 1234 5678-90 ") == ACCOUNT
    assert same_account("1234 567 890", ACCOUNT) and not same_account("   ", ACCOUNT)
    dossier = await filed(uow_factory, awaiting(clock))
    outcome, _ = await pay(
        uow_factory, clock, transfer(dossier, 8000, "t1", account="1234 5678 90")
    )
    assert outcome is PaymentOutcome.PAID


def test_no_message_says_not_to_transfer_more() -> None:
    for lang, phrase in (("vi", "không cần chuyển thêm"), ("en", "not transfer more")):
        assert not [k for k, v in CATALOGS[lang].items() if phrase in v.lower()]


async def test_a_dossier_paid_before_the_ledger_existed_is_not_asked_again(
    uow_factory: MemoryUnitOfWorkFactory, clock: FakeClock
) -> None:
    old = awaiting(clock, fee=7000)
    assert old.payment is not None
    paid = old.payment.__class__(
        old.payment.reference, 7000, old.payment.requested_at, old.payment.expires_at,
        paid_at=clock.now(), paid_amount=7000, transaction_id="sepay:1",
    )  # fmt: skip
    dossier = await filed(uow_factory, Dossier(**{**_fields(old), "payment": paid}))
    assert (dossier.paid_total, dossier.due) == (7000, 0)
    outcome, again = await pay(uow_factory, clock, transfer(dossier, 7000, "t2"))
    assert outcome is PaymentOutcome.ALREADY_PAID and again is not None
    assert again.refund_total == 7000 and again.paid_total == 7000


def _fields(dossier: Dossier) -> dict[str, Any]:
    return {name: getattr(dossier, name) for name in Dossier.__dataclass_fields__}
