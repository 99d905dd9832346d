"""The paper's A4 layout with fpdf2 (imported only when a paper is printed: fpdf2 loads numpy
and fontTools, which neither start-up nor an ordinary chat needs)."""

from __future__ import annotations

import io
import unicodedata

from fpdf import FPDF
from fpdf.enums import Align, TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace

from bot.media import qr_png
from bot.papers_pdf import FAMILY, FONTS
from services.papers import Paper, PaperSection, PaperTable

INK, GREY, NAVY, SHADE = (20, 20, 20), (90, 90, 90), (31, 58, 104), (232, 237, 245)
MARGIN, LABEL_MM, QR_MM = 18, 58, 38


def layout(paper: Paper) -> bytes:
    """The paper as PDF bytes (A4, Vietnamese text embedded with its font subset)."""
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_creation_date(paper.issued_at)
    pdf.set_title(_nfc(paper.title))
    pdf.set_lang("vi")
    pdf.add_page()
    _heading(pdf, paper)
    for section in paper.sections:
        _section(pdf, section)
    if paper.qr:
        _qr(pdf, paper)
    _footer(pdf, paper.footer)
    return bytes(pdf.output())


def _nfc(text: str) -> str:
    """Composed characters: the font has a glyph for each accented Vietnamese letter, and fpdf2
    does no shaping of combining marks."""
    return unicodedata.normalize("NFC", text)


def _line(
    pdf: FPDF,
    text: str,
    size: float,
    bold: bool = False,
    colour: tuple[int, int, int] = INK,
    align: Align = Align.C,
) -> None:
    pdf.set_font(FAMILY, "B" if bold else "", size)
    pdf.set_text_color(*colour)
    pdf.multi_cell(0, size * 0.5, _nfc(text), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _heading(pdf: FPDF, paper: Paper) -> None:
    for index, text in enumerate(paper.letterhead):
        _line(pdf, text, 10.5, bold=index < 2, colour=INK if index < 2 else NAVY)
    pdf.ln(2)
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(0.4)
    pdf.line(MARGIN + 40, pdf.get_y(), pdf.w - MARGIN - 40, pdf.get_y())
    pdf.ln(6)
    _line(pdf, paper.title, 16, bold=True)
    pdf.ln(1)
    for text in paper.subtitle:
        _line(pdf, text, 11, colour=GREY)
    pdf.ln(4)


def _section(pdf: FPDF, section: PaperSection) -> None:
    pdf.set_font(FAMILY, "B", 11)
    pdf.set_text_color(*NAVY)
    pdf.set_fill_color(*SHADE)
    pdf.cell(0, 7, _nfc(section.title), fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1.5)
    if section.rows:
        pdf.set_font(FAMILY, "", 10)
        pdf.set_text_color(*INK)
        width = pdf.w - 2 * MARGIN
        with pdf.table(
            col_widths=(LABEL_MM, width - LABEL_MM),
            borders_layout=TableBordersLayout.NONE,
            first_row_as_headings=False,
            text_align=(Align.L, Align.L),
            line_height=5.2,
            padding=(0.8, 1, 0.8, 0),
        ) as table:
            for row in section.rows:
                cells = table.row()
                cells.cell(_nfc(row.label), style=FontFace(color=GREY))
                cells.cell(_nfc(row.value))
    if section.table is not None:
        _fee_table(pdf, section.table)
    pdf.ln(3)


def _fee_table(pdf: FPDF, table_spec: PaperTable) -> None:
    pdf.set_font(FAMILY, "", 10)
    pdf.set_text_color(*INK)
    pdf.set_draw_color(170, 170, 170)
    pdf.set_line_width(0.2)
    bold = FontFace(emphasis="BOLD", fill_color=SHADE)
    with pdf.table(
        col_widths=(12, 96, 32, 34),
        text_align=(Align.C, Align.L, Align.C, Align.R),
        headings_style=bold,
        line_height=5.5,
    ) as table:
        table.row([_nfc(text) for text in table_spec.columns])
        for values in table_spec.rows:
            table.row([_nfc(value) for value in values])
        total = table.row()
        total.cell(_nfc(table_spec.total[0]), colspan=3, style=FontFace(emphasis="BOLD"))
        total.cell(_nfc(table_spec.total[1]), style=FontFace(emphasis="BOLD"))


def _qr(pdf: FPDF, paper: Paper) -> None:
    if pdf.get_y() + QR_MM + 14 > pdf.h - MARGIN:
        pdf.add_page()
    image = io.BytesIO(qr_png(paper.qr, box_size=8))
    pdf.image(image, x=(pdf.w - QR_MM) / 2, y=pdf.get_y(), w=QR_MM, h=QR_MM)
    pdf.set_y(pdf.get_y() + QR_MM + 1)
    _line(pdf, paper.qr_caption, 9, colour=GREY)
    pdf.ln(3)


def _footer(pdf: FPDF, lines: tuple[str, ...]) -> None:
    for text in lines:
        _line(pdf, text, 9, colour=GREY, align=Align.L)
        pdf.ln(1)
