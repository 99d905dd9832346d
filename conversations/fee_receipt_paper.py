"""The electronic fee receipt (biên lai thu phí, lệ phí điện tử) as a paper: its number, the
collecting agency and account, the payer, the fee items and total, and the transfers."""

from __future__ import annotations

from conversations.messages import At, Money
from conversations.paper_office import APPLICANT, PAPER_LANG, PaperOffice, letterhead, names
from conversations.texts import format_money
from services.catalog import Procedure
from services.dossiers import Dossier
from services.fee_receipts import receipt_lines, receipt_number, receipt_payments
from services.papers import Paper, PaperKind, PaperRow, PaperSection, PaperTable
from services.vietqr import bank_by_bin


def _fees(office: PaperOffice, dossier: Dossier, proc: Procedure | None) -> PaperTable:
    lines = receipt_lines(dossier, proc)
    rows = tuple(
        (
            str(number),
            line.label.vi,
            office.say("paper.quantity_unit", quantity=line.quantity, unit=Money(line.unit))
            if line.unit is not None and line.quantity != 1
            else str(line.quantity),
            format_money(line.amount, PAPER_LANG),
        )
        for number, line in enumerate(lines, start=1)
    )
    columns = ("paper.col_no", "paper.col_item", "paper.col_quantity", "paper.col_amount")
    total = sum(line.amount for line in lines)
    return PaperTable(
        tuple(office.say(c) for c in columns),
        rows,
        (office.say("paper.total"), format_money(total, PAPER_LANG)),
    )


def _payment(office: PaperOffice, dossier: Dossier, total: int) -> PaperSection:
    payments = receipt_payments(dossier)
    paid = sum(p.amount for p in payments)
    lines = "\n".join(
        office.say(
            "paper.transaction_line", id=p.transaction_id, amount=Money(p.amount), at=At(p.at)
        )
        for p in payments
    )
    references = ", ".join(dict.fromkeys(p.reference for p in payments))
    rows = [
        PaperRow(office.say("paper.method"), office.say("paper.method_transfer")),
        PaperRow(
            office.say("paper.paid_at"), office.say("paper.at_vietnam", at=At(payments[-1].at))
        ),
        PaperRow(office.say("paper.reference"), references),
        PaperRow(office.say("paper.transactions"), lines),
        PaperRow(office.say("paper.paid_total"), format_money(paid, PAPER_LANG)),
    ]
    if paid > total:
        rows.append(PaperRow(office.say("paper.overpaid"), format_money(paid - total, PAPER_LANG)))
    return PaperSection(office.say("paper.section_payment"), tuple(rows))


def _collector(office: PaperOffice, agency: str) -> PaperSection:
    account = office.account
    bank = bank_by_bin(account.bank_bin)
    value = office.say(
        "paper.account_value",
        number=account.number,
        bank=bank.name if bank else account.bank_bin,
        holder=account.holder,
    )
    rows = (
        PaperRow(office.say("paper.collector"), agency),
        PaperRow(office.say("paper.account"), value),
    )
    return PaperSection(office.say("paper.section_collector"), rows)


def _payer(dossier: Dossier) -> str:
    """Who paid: the logged-in citizen who filed (from the registry), else the applicant."""
    if dossier.filer is not None and dossier.filer.full_name:
        return dossier.filer.full_name
    return str(dossier.answers.get(APPLICANT) or "—")


def fee_receipt_paper(office: PaperOffice, dossier: Dossier, sequence: int = 1) -> Paper | None:
    """The electronic fee receipt of a paid dossier; None until the whole fee is paid."""
    if not receipt_payments(dossier) or dossier.due > 0:
        return None
    proc, procedure, agency = names(office, dossier)
    number = receipt_number(dossier.code, sequence)
    fees = _fees(office, dossier, proc)
    paid_at = receipt_payments(dossier)[-1].at
    payer = (
        PaperRow(office.say("paper.payer"), _payer(dossier)),
        PaperRow(office.say("paper.code"), dossier.code),
        PaperRow(office.say("paper.procedure"), procedure),
    )
    total = sum(line.amount for line in receipt_lines(dossier, proc))
    return Paper(
        kind=PaperKind.FEE_RECEIPT,
        file_name=f"bien-lai-{dossier.code}.pdf",
        letterhead=letterhead(office, agency),
        title=office.say("paper.receipt_title"),
        subtitle=(
            office.say("paper.receipt_kind"),
            office.say("paper.receipt_number", number=number),
        ),
        sections=(
            _collector(office, agency),
            PaperSection(office.say("paper.section_payer"), payer),
            PaperSection(office.say("paper.section_fees"), table=fees),
            _payment(office, dossier, total),
        ),
        issued_at=paid_at,
        footer=(office.say("paper.receipt_issued", at=At(paid_at)),),
    )
