"""The completed e-form (tờ khai) as a paper: the dossier, every answer with its label, the
documents attached, the delivery chosen, and a QR code of the public status page."""

from __future__ import annotations

from collections.abc import Mapping

from conversations.form_fields import display
from conversations.messages import At, Text
from conversations.paper_office import APPLICANT, PAPER_LANG, PaperOffice, letterhead, names
from services.answers import JsonValue
from services.applicant import Relation
from services.catalog import FieldSpec, FieldType, Procedure
from services.dossiers import Dossier
from services.papers import Paper, PaperKind, PaperRow, PaperSection, status_url

DELIVERY = "hinh_thuc_nhan_kq"  # the delivery question, as in the submission flow
# Answers shown as typed: the summary's shortening of long texts does not apply to a paper.
_AS_TYPED = frozenset({FieldType.TEXT, FieldType.TEXTAREA, FieldType.CCCD, FieldType.PHONE,
                       FieldType.EMAIL, FieldType.ACCOUNT, FieldType.HOLDER})  # fmt: skip


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


def _parties(office: PaperOffice, dossier: Dossier) -> tuple[PaperRow, ...]:
    """The filer (the logged-in citizen), then whom the dossier is for when someone else:
    the form's identity answers are then that person's, not the applicant's."""
    typed = str(dossier.answers.get(APPLICANT) or "—")
    filer = dossier.filer.full_name if dossier.filer and dossier.filer.full_name else typed
    rows = [PaperRow(office.say("paper.applicant"), filer)]
    subject = dossier.subject
    if dossier.relation and dossier.relation != Relation.SELF and subject is not None:
        relation = Text(f"identity.relation_{dossier.relation}")
        rows.append(PaperRow(office.say("paper.subject", relation=relation), subject.full_name))
    return tuple(rows)


def declaration_paper(office: PaperOffice, dossier: Dossier) -> Paper:
    """The completed e-form of a dossier, with a QR code of its public status page."""
    proc, procedure, agency = names(office, dossier)
    filed = dossier.submitted_at or dossier.created_at
    delivery_spec = proc.field(DELIVERY) if proc else None
    delivery = dossier.answers.get(DELIVERY)
    head = [
        PaperRow(office.say("paper.code"), dossier.code),
        PaperRow(office.say("paper.procedure"), procedure),
        PaperRow(office.say("paper.agency"), agency),
        *_parties(office, dossier),
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
        letterhead=letterhead(office, agency),
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
