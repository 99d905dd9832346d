"""Turn a message's media reference into bytes: a VietQR code, a receipt, or a stored file."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bot.media import Receipt, qr_png, receipt_png
from bot.stats_chart import ChartTexts, stats_png
from conversations.flows import stats
from conversations.notifications import RECEIPT_PREFIX, VIETQR_PREFIX
from conversations.texts import TextCatalog
from services.catalog_index import Catalog
from services.dossiers import Dossier
from services.file_store_port import FileMissing, FileStore
from services.ports import UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class Media:
    """Bytes to send, their type and a file name."""

    content: bytes
    mime: str
    name: str


def filer_name(dossier: Dossier) -> str:
    """Who filed, as the reception slip names them: the logged-in citizen from the registry
    (the form's name is the child's or principal's when filed for someone else)."""
    if dossier.filer is not None and dossier.filer.full_name:
        return dossier.filer.full_name
    return str(dossier.answers.get("ho_ten", ""))


class MediaResolver:
    """Renders on demand what a media reference names."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        catalog: Catalog,
        files: FileStore,
        texts: TextCatalog | None = None,
    ) -> None:
        self._uow_factory, self._catalog, self._files = uow_factory, catalog, files
        self._texts = texts or TextCatalog()

    async def resolve(self, ref: str, lang: str) -> Media | None:
        """The media, or None for a reference that names nothing (or nothing any more)."""
        if ref.startswith(VIETQR_PREFIX):
            payload = ref[len(VIETQR_PREFIX) :]
            try:
                return Media(qr_png(payload), "image/png", "vietqr.png")
            except ValueError:
                return None
        if ref.startswith(RECEIPT_PREFIX):
            return await self._receipt(ref[len(RECEIPT_PREFIX) :], lang)
        if ref.startswith(stats.PREFIX):
            return await self._stats(ref, lang)
        if ref.startswith("sha256:"):
            try:
                content = await asyncio.to_thread(self._files.get, ref)
            except (FileMissing, ValueError):
                return None
            return Media(content, _mime(content), ref[7:19])
        return None

    async def _receipt(self, dossier_id: str, lang: str) -> Media | None:
        async with self._uow_factory() as uow:
            dossier = await uow.dossiers.get(dossier_id)
        if dossier is None or dossier.submitted_at is None:
            return None
        proc = self._catalog.procedure(dossier.procedure_id)
        agency = self._catalog.agencies.get(dossier.agency_id)
        paid = dossier.payment.paid_at if dossier.payment else None
        receipt = Receipt(
            code=dossier.code,
            procedure=proc.name.get(lang) if proc else dossier.procedure_id,
            agency=agency.name.get(lang) if agency else dossier.agency_id,
            applicant=filer_name(dossier),
            fee=dossier.payment.paid_amount if dossier.payment and paid else dossier.fee,
            paid_at=paid,
            submitted_at=dossier.submitted_at,
            due_date=dossier.due_date,
            lang="en" if lang == "en" else "vi",
        )
        png = await asyncio.to_thread(receipt_png, receipt)
        return Media(png, "image/png", f"bien-nhan-{dossier.code}.png")

    async def _stats(self, ref: str, lang: str) -> Media | None:
        """The /thongke chart of the period the reference names, drawn from the database."""
        period = stats.parse_ref(ref)
        if period is None:
            return None
        since, until = period
        async with self._uow_factory() as uow:
            counts = await uow.dossiers.daily_counts(since)
        report = stats.report(counts, since, until)
        title, subtitle, groups = stats.chart_texts(report)
        texts = ChartTexts(
            self._texts.plain(title, lang),
            self._texts.plain(subtitle, lang),
            tuple(self._texts.plain(group, lang) for group in groups),
        )
        png = await asyncio.to_thread(stats_png, report, texts)
        return Media(png, "image/png", f"thong-ke-{until:%Y%m%d}.png")


def _mime(content: bytes) -> str:
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\x89PNG"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return "application/octet-stream"
