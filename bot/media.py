"""Images the bot sends: VietQR codes and dossier receipts, rendered as deterministic PNGs."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Literal

import qrcode  # type: ignore[import-untyped]  # qrcode ships no type information
from PIL import Image, ImageDraw, ImageFont

from services.clock import VIETNAM
from services.text_folding import to_ascii

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
# (regular, bold) pairs, first found wins; all need Vietnamese glyphs.
_TTF = "/usr/share/fonts/truetype"
FONT_FILES: tuple[tuple[str, str], ...] = (
    (f"{_TTF}/dejavu/DejaVuSans.ttf", f"{_TTF}/dejavu/DejaVuSans-Bold.ttf"),
    (f"{_TTF}/noto/NotoSans-Regular.ttf", f"{_TTF}/noto/NotoSans-Bold.ttf"),
    (f"{_TTF}/liberation/LiberationSans-Regular.ttf", f"{_TTF}/liberation/LiberationSans-Bold.ttf"),
)
WIDTH, MARGIN, LABEL_WIDTH, QR_BOX = 800, 48, 210, 6
VALUE_X = MARGIN + LABEL_WIDTH
HEADING, LINE, ROW_GAP = 242, 28, 12  # heading height; line height and gap of the rows
NAVY, GREY, RULE, INK = (31, 58, 104), (90, 90, 90), (200, 200, 200), (20, 20, 20)
MAX_PAYLOAD = 512

_LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "title": "PHIẾU TIẾP NHẬN HỒ SƠ", "code": "Mã hồ sơ", "procedure": "Thủ tục",
        "agency": "Cơ quan", "applicant": "Người nộp", "fee": "Lệ phí",
        "paid_at": "Thanh toán lúc", "submitted_at": "Ngày nộp", "due_date": "Hẹn trả kết quả",
        "free": "Miễn phí", "at_reception": "Nộp khi nhận kết quả", "footer": "Tra cứu",
    },
    "en": {
        "title": "DOSSIER RECEIPT", "code": "Dossier code", "procedure": "Procedure",
        "agency": "Agency", "applicant": "Applicant", "fee": "Fee", "paid_at": "Paid at",
        "submitted_at": "Submitted at", "due_date": "Due date", "free": "Free",
        "at_reception": "Paid at reception", "footer": "Track",
    },
}  # fmt: skip


@dataclass(frozen=True)
class Receipt:
    """What a dossier receipt shows; texts already in the receipt's language."""

    code: str
    procedure: str
    agency: str
    applicant: str
    fee: int | None
    paid_at: datetime | None
    submitted_at: datetime
    due_date: date | None
    lang: Literal["vi", "en"]
    province: str = "Cao Bằng"


def qr_png(payload: str, box_size: int = 8) -> bytes:
    """A PNG of the QR code (error correction M, quiet zone 4) for an ASCII payload."""
    return _png(_qr_image(payload, box_size))


def receipt_png(receipt: Receipt) -> bytes:
    """A PNG dossier receipt, ~800 px wide, with the dossier code as a scannable QR code."""
    face = _typeface(FONT_FILES)
    value_font = face.font(20)
    rows = [
        (face.text(label), _wrap(face.text(value), value_font, WIDTH - MARGIN - VALUE_X))
        for label, value in receipt_rows(receipt)
    ]
    qr = _qr_image(receipt.code, QR_BOX).convert("RGB")
    body = sum(len(lines) * LINE + ROW_GAP for _, lines in rows)
    height = HEADING + body + qr.height + 84  # + rule, gaps, footer and bottom margin
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((12, 12, WIDTH - 13, height - 13), outline=RULE)
    y = _draw_heading(draw, face, receipt)
    for label, lines in rows:
        draw.text((MARGIN, y), label, font=value_font, fill=GREY)
        for line in lines:
            draw.text((VALUE_X, y), line, font=value_font, fill=INK)
            y += LINE
        y += ROW_GAP
    y += 8
    draw.line((MARGIN, y, WIDTH - MARGIN, y), fill=RULE, width=1)
    image.paste(qr, ((WIDTH - qr.width) // 2, y + 16))
    footer = face.text(f"{_LABELS[receipt.lang]['footer']}: /status {receipt.code}")
    _centred(draw, y + 16 + qr.height + 4, footer, face.font(18), GREY)
    return _png(image)


def receipt_rows(r: Receipt) -> list[tuple[str, str]]:
    """The label/value rows of a receipt, formatted for its language."""
    labels = _LABELS[r.lang]
    return [
        (labels["procedure"], r.procedure),
        (labels["agency"], r.agency),
        (labels["applicant"], r.applicant or "—"),
        (labels["fee"], _fee(r.fee, r.lang, labels)),
        (labels["paid_at"], _moment(r.paid_at)),
        (labels["submitted_at"], _moment(r.submitted_at)),
        (labels["due_date"], r.due_date.strftime("%d/%m/%Y") if r.due_date else "—"),
    ]


def _draw_heading(draw: ImageDraw.ImageDraw, face: _Typeface, r: Receipt) -> int:
    """Draw the letterhead, title and dossier code; return the y where rows start."""
    labels = _LABELS[r.lang]
    _centred(draw, 28, face.text(f"Dịch vụ công trực tuyến – {r.province}"), face.font(20), NAVY)
    draw.line((MARGIN, 64, WIDTH - MARGIN, 64), fill=NAVY, width=2)
    _centred(draw, 84, face.text(labels["title"]), face.font(30, bold=True), INK)
    _centred(draw, 136, face.text(labels["code"]), face.font(18), GREY)
    size = 34
    while size > 16 and draw.textlength(r.code, font=face.font(size, True)) > WIDTH - 2 * MARGIN:
        size -= 2
    _centred(draw, 162, r.code, face.font(size, bold=True), NAVY)
    draw.line((MARGIN, HEADING - 20, WIDTH - MARGIN, HEADING - 20), fill=RULE, width=1)
    return HEADING


def _fee(fee: int | None, lang: str, labels: dict[str, str]) -> str:
    """The fee as "15.000 đ" / "15,000 VND", or free, or payable at reception."""
    if fee is None:
        return labels["at_reception"]
    if fee == 0:
        return labels["free"]
    return f"{fee:,}".replace(",", ".") + " đ" if lang == "vi" else f"{fee:,} VND"


def _moment(at: datetime | None) -> str:
    """dd/mm/yyyy HH:MM in Vietnam time; a naive time is taken as UTC, as stored."""
    if at is None:
        return "—"
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)
    return aware.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")


def _wrap(text: str, font: Font, width: int) -> list[str]:
    """Greedy word wrap to a pixel width."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if line and font.getlength(candidate) > width:
            lines.append(line)
            candidate = word
        line = candidate
    return [*lines, line]


def _centred(
    draw: ImageDraw.ImageDraw, y: int, text: str, font: Font, fill: tuple[int, ...]
) -> None:
    """Draw one line of text centred horizontally."""
    draw.text(((WIDTH - draw.textlength(text, font=font)) / 2, y), text, font=font, fill=fill)


def _qr_image(payload: str, box_size: int) -> Image.Image:
    """The QR code as a black-on-white Pillow image."""
    if not payload or len(payload) > MAX_PAYLOAD or not payload.isascii():
        raise ValueError(f"a QR payload is 1..{MAX_PAYLOAD} ASCII characters")
    code = qrcode.QRCode(error_correction=qrcode.ERROR_CORRECT_M, box_size=box_size, border=4)
    code.add_data(payload)
    code.make(fit=True)
    image: Image.Image = code.make_image(fill_color="black", back_color="white").get_image()
    return image


def _png(image: Image.Image) -> bytes:
    """Encode as PNG; Pillow writes no time or text chunks, so equal images give equal bytes."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


@dataclass(frozen=True)
class _Typeface:
    """The font files found (None: Pillow's built-in font, text folded to ASCII)."""

    regular: str | None
    bold: str | None

    def font(self, size: int, bold: bool = False) -> Font:
        """The font at a pixel size."""
        return _load_font(self.bold if bold else self.regular, size)

    def text(self, text: str) -> str:
        """Text as this typeface can draw it."""
        if self.regular:
            return text
        return to_ascii(text.replace("–", "-").replace("—", "-"))


@lru_cache(maxsize=8)
def _typeface(candidates: tuple[tuple[str, str], ...]) -> _Typeface:
    """The first installed (regular, bold) pair; bold falls back to regular."""
    for regular, bold in candidates:
        if os.path.isfile(regular):
            return _Typeface(regular, bold if os.path.isfile(bold) else regular)
    return _Typeface(None, None)


@lru_cache(maxsize=32)
def _load_font(path: str | None, size: int) -> Font:
    """Load (once) a TrueType font, or Pillow's built-in one when path is None."""
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)
