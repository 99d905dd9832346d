"""The papers a citizen keeps, worded here and printed by the printer port: the completed
e-form (tờ khai) when a dossier is filed, the electronic fee receipt (biên lai) when its fee
is paid. Each is kept in the citizen's document store and sent in the chat as a PDF.

Papers are worded in Vietnamese whatever the chat's language: they are the administrative
record, and one kept file serves every chat of the citizen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from conversations.flow import Context, PaymentAccount
from conversations.form_fields import display
from conversations.messages import At, Money, Outgoing, OutgoingKind, Text
from conversations.texts import TextCatalog, format_money
from services.answers import JsonValue
from services.catalog import FieldSpec, FieldType, Procedure
from services.catalog_index import Catalog
from services.documents import DocumentRepository, DocumentSource, StoredDocument
from services.dossiers import Dossier
from services.fee_receipts import receipt_lines, receipt_number, receipt_payments
from services.papers import (
    Paper,
    PaperKind,
    PaperPrinter,
    PaperRow,
    PaperSection,
    PaperTable,
    paper_id,
    status_url,
)
from services.vietqr import bank_by_bin

PAPER_LANG = "vi"
DELIVERY = "hinh_thuc_nhan_kq"  # the delivery question, as in the submission flow
APPLICANT = "ho_ten"
# Answers shown as typed: the summary's shortening of long texts does not apply to a paper.
_AS_TYPED = frozenset({FieldType.TEXT, FieldType.TEXTAREA, FieldType.CCCD, FieldType.PHONE,
                       FieldType.EMAIL, FieldType.ACCOUNT, FieldType.HOLDER})  # fmt: skip


@dataclass(frozen=True)
class PaperOffice:
    """What issuing a paper needs: the printer, the catalogue, the public address of the
    status page and the account fees are collected into."""

    printer: PaperPrinter
    catalog: Catalog
    public_url: str
    account: PaymentAccount
    texts: TextCatalog = field(default_factory=TextCatalog)

    def say(self, key: str, **params: str | int | Money | At | Text) -> str:
        """A catalogue text as the paper prints it."""
        return self.texts.plain(Text(key, params), PAPER_LANG)


def _names(office: PaperOffice, dossier: Dossier) -> tuple[Procedure | None, str, str]:
    proc = office.catalog.procedure(dossier.procedure_id)
    agency = office.catalog.agencies.get(dossier.agency_id)
    name = dossier.procedure_id
    if proc is not None:
        name = proc.name.vi
        if proc.code:
            name = office.say("paper.procedure_value", name=proc.name.vi, code=proc.code)
    return proc, name, agency.name.vi if agency else dossier.agency_id


def _letterhead(office: PaperOffice, agency: str) -> tuple[str, ...]:
    return (office.say("paper.state"), office.say("paper.motto"), agency)


def _answer(office: PaperOffice, spec: FieldSpec, value: JsonValue) -> str:
    if spec.type in _AS_TYPED and isinstance(value, str):
        return value
    return office.texts.plain(display(spec, value), PAPER_LANG)


def _answers(office: PaperOffice, proc: Procedure | None, answers: Mapping[str, JsonValue]) -> (
    tuple[PaperRow, ...]
):  # fmt: skip
    if proc is None:
        return tuple(PaperRow(key, str(value)) for key, value in answers.items())
    return tuple(
        PaperRow(spec.label.vi, _answer(office, spec, answers[spec.key]))
        for spec in proc.shown_fields(answers)
        if spec.key in answers and answers[spec.key] not in (None, "") and spec.key != DELIVERY
    )


def _documents(office: PaperOffice, proc: Procedure | None, dossier: Dossier) -> PaperSection:
    names = {d.key: d.name.vi for d in proc.documents} if proc else {}
    files: dict[str, list[str]] = {}
    for attachment in dossier.attachments:
        files.setdefault(attachment.component, []).append(attachment.name)
    rows = tuple(
        PaperRow(names.get(component, component), ", ".join(found))
        for component, found in files.items()
    )
    none = (PaperRow(office.say("paper.no_documents"), ""),)
    return PaperSection(office.say("paper.section_documents"), rows or none)


def declaration_paper(office: PaperOffice, dossier: Dossier) -> Paper:
    """The completed e-form of a dossier, with a QR code of its public status page."""
    proc, procedure, agency = _names(office, dossier)
    filed = dossier.submitted_at or dossier.created_at
    delivery_spec = proc.field(DELIVERY) if proc else None
    delivery = dossier.answers.get(DELIVERY)
    head = [
        PaperRow(office.say("paper.code"), dossier.code),
        PaperRow(office.say("paper.procedure"), procedure),
        PaperRow(office.say("paper.agency"), agency),
        PaperRow(office.say("paper.applicant"), str(dossier.answers.get(APPLICANT) or "—")),
        PaperRow(office.say("paper.submitted"), office.say("paper.at_vietnam", at=At(filed))),
    ]
    if delivery_spec is not None and delivery not in (None, ""):
        head.append(
            PaperRow(office.say("paper.delivery"), _answer(office, delivery_spec, delivery))
        )
    url = status_url(office.public_url, dossier.code)
    return Paper(
        kind=PaperKind.DECLARATION,
        file_name=f"to-khai-{dossier.code}.pdf",
        letterhead=_letterhead(office, agency),
        title=office.say("paper.form_title"),
        subtitle=(proc.name.vi if proc else procedure,),
        sections=(
            PaperSection(office.say("paper.section_dossier"), tuple(head)),
            PaperSection(
                office.say("paper.section_answers"), _answers(office, proc, dossier.answers)
            ),
            _documents(office, proc, dossier),
        ),
        issued_at=filed,
        qr=url,
        qr_caption=office.say("paper.qr_caption", url=url),
        footer=(
            office.say("paper.form_pledge"),
            office.say("paper.form_issued", at=At(filed)),
        ),
    )


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


def fee_receipt_paper(office: PaperOffice, dossier: Dossier, sequence: int = 1) -> Paper | None:
    """The electronic fee receipt of a paid dossier; None while nothing is paid."""
    if not receipt_payments(dossier):
        return None
    proc, procedure, agency = _names(office, dossier)
    number = receipt_number(dossier.code, sequence)
    account = office.account
    bank = bank_by_bin(account.bank_bin)
    fees = _fees(office, dossier, proc)
    paid_at = receipt_payments(dossier)[-1].at
    collector = (
        PaperRow(office.say("paper.collector"), agency),
        PaperRow(
            office.say("paper.account"),
            office.say(
                "paper.account_value",
                number=account.number,
                bank=bank.name if bank else account.bank_bin,
                holder=account.holder,
            ),
        ),
    )
    payer = (
        PaperRow(office.say("paper.payer"), str(dossier.answers.get(APPLICANT) or "—")),
        PaperRow(office.say("paper.code"), dossier.code),
        PaperRow(office.say("paper.procedure"), procedure),
    )
    total = sum(line.amount for line in receipt_lines(dossier, proc))
    return Paper(
        kind=PaperKind.FEE_RECEIPT,
        file_name=f"bien-lai-{dossier.code}.pdf",
        letterhead=_letterhead(office, agency),
        title=office.say("paper.receipt_title"),
        subtitle=(
            office.say("paper.receipt_kind"),
            office.say("paper.receipt_number", number=number),
        ),
        sections=(
            PaperSection(office.say("paper.section_collector"), collector),
            PaperSection(office.say("paper.section_payer"), payer),
            PaperSection(office.say("paper.section_fees"), table=fees),
            _payment(office, dossier, total),
        ),
        issued_at=paid_at,
        footer=(office.say("paper.receipt_issued", at=At(paid_at)),),
    )


async def keep(
    office: PaperOffice,
    documents: DocumentRepository,
    dossier: Dossier,
    paper: Paper,
    document_id: str,
) -> StoredDocument:
    """Print the paper once and keep it in the citizen's store (again: the kept one)."""
    kept = await documents.get(document_id)
    if kept is not None:
        return kept
    printed = await office.printer.print(paper)
    label = (
        "paper.label_declaration" if paper.kind is PaperKind.DECLARATION else "paper.label_receipt"
    )
    document = StoredDocument(
        id=document_id,
        owner=dossier.owner,
        citizen_id=dossier.citizen_id,
        component=paper.kind.value,
        name=paper.file_name,
        kind="pdf",
        size=printed.size,
        ref=printed.ref,
        created_at=paper.issued_at,
        source=DocumentSource.PAPER,
        label=office.say(label),
    )
    await documents.add(document)
    return document


def office_of(ctx: Context) -> PaperOffice | None:
    """The paper office of a step's context; None when no printer is configured."""
    if ctx.papers is None:
        return None
    return PaperOffice(ctx.papers, ctx.catalog, ctx.settings.public_url, ctx.settings.payment)


async def declaration_for(ctx: Context, dossier: Dossier) -> tuple[Outgoing, ...]:
    """A flow's shorthand: the e-form PDF message of a new dossier (none without a printer)."""
    office = office_of(ctx)
    if office is None:
        return ()
    return (await declaration_message(office, ctx.repos.documents, dossier),)


async def declaration_message(
    office: PaperOffice, documents: DocumentRepository, dossier: Dossier
) -> Outgoing:
    """Issue the dossier's e-form PDF (kept in the store) and the message that carries it."""
    paper = declaration_paper(office, dossier)
    kept = await keep(office, documents, dossier, paper, paper_id(dossier.id, paper.kind))
    return Outgoing(
        Text("papers.declaration_caption", {"code": dossier.code}),
        kind=OutgoingKind.DOCUMENT,
        media_ref=kept.ref,
        media_name=kept.name,
    )


async def fee_receipt_message(
    office: PaperOffice, documents: DocumentRepository, dossier: Dossier
) -> Outgoing | None:
    """Issue the fee receipt of a paid dossier (kept in the store) and its message; None
    while nothing is paid."""
    paper = fee_receipt_paper(office, dossier)
    if paper is None:
        return None
    kept = await keep(office, documents, dossier, paper, paper_id(dossier.id, paper.kind))
    proc = office.catalog.procedure(dossier.procedure_id)
    total = sum(line.amount for line in receipt_lines(dossier, proc))
    return Outgoing(
        Text(
            "papers.receipt_caption",
            {"number": receipt_number(dossier.code), "code": dossier.code, "amount": Money(total)},
        ),
        kind=OutgoingKind.DOCUMENT,
        media_ref=kept.ref,
        media_name=kept.name,
    )
