"""The /thongke chart: dossiers per submission day, stacked by status group, as a PNG.

Texts arrive already in the chat's language (from the text catalogue); fonts are the ones
the receipts use, so Vietnamese diacritics render (Pillow's built-in font is the last resort,
with the text folded to ASCII).
"""

from __future__ import annotations

import io
import math
import os
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from bot.media import FONT_FILES
from conversations.flows.stats import Report
from services.text_folding import to_ascii

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
WIDTH, HEIGHT = 960, 560
LEFT, RIGHT, TOP, BOTTOM = 64, WIDTH - 24, 132, HEIGHT - 56
COLOURS = ((66, 133, 244), (251, 188, 5), (52, 168, 83), (219, 68, 55))  # per status group
INK, GREY, GRID, NAVY = (20, 20, 20), (100, 100, 100), (225, 225, 225), (31, 58, 104)


@dataclass(frozen=True, slots=True)
class ChartTexts:
    """The chart's words in the chat's language."""

    title: str
    subtitle: str
    groups: tuple[str, ...]  # one per status group, in the report's order


@lru_cache(maxsize=1)
def font_files() -> tuple[str, str] | None:
    """The first installed (regular, bold) font pair with Vietnamese glyphs, if any."""
    for regular, bold in FONT_FILES:
        if os.path.isfile(regular):
            return regular, bold if os.path.isfile(bold) else regular
    return None


@lru_cache(maxsize=16)
def _font(size: int, bold: bool = False) -> Font:
    files = font_files()
    if files is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(files[1] if bold else files[0], size)


def _text(text: str) -> str:
    return text if font_files() else to_ascii(text.replace("–", "-").replace("—", "-"))


def _step(highest: int) -> int:
    """A round gridline step giving about five lines up to `highest`."""
    raw = max(1.0, highest / 5)
    magnitude = 10 ** math.floor(math.log10(raw))
    return int(next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw))


def _axes(draw: ImageDraw.ImageDraw, top: int) -> None:
    step = _step(top)
    for value in range(0, top + 1, step):
        y = BOTTOM - (BOTTOM - TOP) * value / top
        draw.line((LEFT, y, RIGHT, y), fill=GRID)
        label = str(value)
        width = draw.textlength(label, font=_font(14))
        draw.text((LEFT - 8 - width, y - 8), label, font=_font(14), fill=GREY)
    draw.line((LEFT, BOTTOM, RIGHT, BOTTOM), fill=GREY, width=2)


def _bars(draw: ImageDraw.ImageDraw, rep: Report, top: int) -> None:
    slot = (RIGHT - LEFT) / max(len(rep.rows), 1)
    width = max(2.0, slot * 0.7)
    every = math.ceil(len(rep.rows) / 15)
    for index, row in enumerate(rep.rows):
        x = LEFT + slot * index + (slot - width) / 2
        y = float(BOTTOM)
        for count, colour in zip(row.groups, COLOURS, strict=False):
            if count:
                height = (BOTTOM - TOP) * count / top
                draw.rectangle((x, y - height, x + width, y), fill=colour)
                y -= height
        if row.total and len(rep.rows) <= 31:
            label = str(row.total)
            middle = x + width / 2 - draw.textlength(label, font=_font(13)) / 2
            draw.text((middle, y - 18), label, font=_font(13), fill=INK)
        if index % every == 0:
            day = f"{row.day:%d/%m}"
            middle = x + width / 2 - draw.textlength(day, font=_font(13)) / 2
            draw.text((middle, BOTTOM + 8), day, font=_font(13), fill=GREY)


def _legend(draw: ImageDraw.ImageDraw, groups: tuple[str, ...]) -> None:
    x = float(LEFT)
    for name, colour in zip(groups, COLOURS, strict=False):
        draw.rectangle((x, 96, x + 16, 112), fill=colour)
        draw.text((x + 22, 94), _text(name), font=_font(16), fill=INK)
        x += 22 + draw.textlength(_text(name), font=_font(16)) + 28


def stats_png(rep: Report, texts: ChartTexts) -> bytes:
    """The chart of a report, about 960×560 pixels."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.text((LEFT, 16), _text(texts.title), font=_font(24, bold=True), fill=NAVY)
    draw.text((LEFT, 54), _text(texts.subtitle), font=_font(17), fill=GREY)
    _legend(draw, texts.groups)
    highest = max((row.total for row in rep.rows), default=0)
    top = highest + 1  # headroom for the figures above the highest bar
    top = math.ceil(top / _step(top)) * _step(top)
    _axes(draw, top)
    _bars(draw, rep, top)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
