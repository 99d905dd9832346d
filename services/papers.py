"""Papers a citizen keeps: the completed e-form (tờ khai) and the electronic fee receipt
(biên lai thu phí, lệ phí), described as worded, laid-out-free specs that a printer turns into
a file kept in the file store.

The conversations word every text (from the text catalogue); the printer (bot/) only lays
them out, so a paper reads the same whatever prints it, and the dialogue imports no PDF
library.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol
from urllib.parse import quote


class PaperKind(StrEnum):
    """Which paper; also the document store component it is kept under."""

    DECLARATION = "to_khai_dien_tu"
    FEE_RECEIPT = "bien_lai_thu_phi"


@dataclass(frozen=True, slots=True)
class PaperRow:
    """One label and its value."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class PaperTable:
    """A table with a header row, body rows and a closing total (label, value)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    total: tuple[str, str]


@dataclass(frozen=True, slots=True)
class PaperSection:
    """A titled block: label/value rows, then an optional table."""

    title: str
    rows: tuple[PaperRow, ...] = ()
    table: PaperTable | None = None


@dataclass(frozen=True, slots=True)
class Paper:
    """Everything a paper says, in order; `issued_at` dates the file itself."""

    kind: PaperKind
    file_name: str
    letterhead: tuple[str, ...]
    title: str
    subtitle: tuple[str, ...]
    sections: tuple[PaperSection, ...]
    issued_at: datetime
    qr: str = ""  # an ASCII payload printed as a QR code after the sections
    qr_caption: str = ""
    footer: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PrintedPaper:
    """A printed paper in the file store."""

    ref: str
    size: int


class PaperPrinter(Protocol):
    """Prints papers (as PDF) into the file store."""

    async def print(self, paper: Paper) -> PrintedPaper:
        """Lay out the paper, keep the file, return its reference; equal papers give equal
        files."""
        ...


def status_url(public_base_url: str, code: str) -> str:
    """The public status page of a dossier: `<base>/status/<code>`."""
    return f"{public_base_url.rstrip('/')}/status/{quote(code, safe='')}"


def paper_id(dossier_id: str, kind: PaperKind, sequence: int = 1) -> str:
    """The document store id of a dossier's paper: stable, so a paper is kept once."""
    suffix = "tk" if kind is PaperKind.DECLARATION else f"bl{sequence:02d}"
    return f"{dossier_id}.{suffix}"
