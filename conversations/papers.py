"""The papers a citizen keeps, issued: the completed e-form (tờ khai) when a dossier is filed,
the electronic fee receipt (biên lai) when its fee is paid. Each is printed by the printer port,
kept in the citizen's document store and sent in the chat as a PDF.
"""

from __future__ import annotations

from conversations.declaration_paper import declaration_paper
from conversations.fee_receipt_paper import fee_receipt_paper
from conversations.flow import Context
from conversations.messages import Money, Outgoing, OutgoingKind, Text
from conversations.paper_office import PaperOffice
from services.documents import DocumentRepository, DocumentSource, StoredDocument
from services.dossiers import Dossier
from services.fee_receipts import receipt_lines, receipt_number
from services.papers import Paper, PaperKind, paper_id

__all__ = ["PaperOffice", "declaration_paper", "fee_receipt_paper"]


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
