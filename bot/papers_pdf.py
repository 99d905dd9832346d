"""The paper printer: lays a worded `Paper` out as an A4 PDF with fpdf2 and keeps it in the
file store.

The font ships with the package (bot/assets/fonts: DejaVu Sans cut to Latin and Vietnamese),
so a new machine prints the same bytes without any system font. Output is deterministic: the
file is dated by the paper, so printing a paper twice stores one file.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from pathlib import Path

from services.file_store_port import FileStore
from services.papers import Paper, PrintedPaper

FONTS = Path(__file__).parent / "assets" / "fonts"
FAMILY = "DejaVuSans"


def paper_pdf(paper: Paper) -> bytes:
    """The paper as PDF bytes (A4, Vietnamese text embedded with its font subset)."""
    from bot.paper_layout import layout  # fpdf2 loads numpy: only when a paper is printed

    return layout(paper)


class PdfPrinter:
    """A `PaperPrinter` that prints PDFs into a file store, off the event loop.

    It remembers the last papers it printed: a paper printed ahead of the transaction that
    keeps it (the payment webhook prints the receipt before it takes the dossier's lock) is
    not laid out again inside it.
    """

    def __init__(self, files: FileStore, remember: int = 64) -> None:
        self._files, self._remember = files, remember
        self._printed: OrderedDict[Paper, PrintedPaper] = OrderedDict()
        # fontTools logs each font subset, glyph by glyph, at INFO: lines of no use per paper.
        logging.getLogger("fontTools").setLevel(logging.WARNING)

    async def print(self, paper: Paper) -> PrintedPaper:
        """Print, keep, and return the file's reference."""
        known = self._printed.get(paper)
        if known is not None and await asyncio.to_thread(self._files.exists, known.ref):
            self._printed.move_to_end(paper)
            return known
        content = await asyncio.to_thread(paper_pdf, paper)
        ref = await asyncio.to_thread(self._files.put, content)
        printed = self._printed[paper] = PrintedPaper(ref, len(content))
        while len(self._printed) > self._remember:
            self._printed.popitem(last=False)
        return printed
