"""Uploaded files, checked before anything is stored: real type, size, and a safe name.

The type comes from the first bytes, never from the name or the MIME type the client sent: a
renamed executable called "photo.jpg" is refused as "exe". Kinds that are never accepted are
still recognised, so the refusal can name what was sent ("a ZIP archive", "a program").
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

PDF, JPEG, PNG = "pdf", "jpeg", "png"
ACCEPTED: tuple[str, ...] = (PDF, JPEG, PNG)
UNKNOWN = "unknown"
MIB = 1024 * 1024
MAX_FILE_BYTES = 10 * MIB
MAX_DOSSIER_BYTES = 20 * MIB
SNIFF_BYTES = 512  # how much of a file's start `sniff` and `check_upload` want to see
MAX_NAME = 100
FALLBACK_NAME = "tep"  # "tệp", a file

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"PK\x03\x04", "zip"),  # also docx, xlsx, odt, apk, jar
    (b"PK\x05\x06", "zip"),  # empty archive
    (b"PK\x07\x08", "zip"),  # spanned archive
    (b"Rar!\x1a\x07", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x1f\x8b", "gzip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),  # doc, xls, msi before 2007
    (b"MZ", "exe"),
    (b"\x7fELF", "elf"),
    (b"\xfe\xed\xfa\xce", "macho"),
    (b"\xfe\xed\xfa\xcf", "macho"),
    (b"\xce\xfa\xed\xfe", "macho"),
    (b"\xcf\xfa\xed\xfe", "macho"),
    (b"\xca\xfe\xba\xbe", "macho"),  # universal binary (or a Java class)
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"BM", "bmp"),
)
_HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"heif", b"mif1", b"msf1"}
)
_AVIF_BRANDS = frozenset({b"avif", b"avis"})
_HTML_STARTS = (b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<iframe")
_UTF8_BOM = b"\xef\xbb\xbf"
# Markup a browser would run, found inside what starts as a PDF or an image (a polyglot: an
# HTML page behind a PDF header). No real scan or photo has these in its first bytes.
_MARKUP = (b"<html", b"<!doctype", b"<script", b"<body", b"<iframe", b"<svg", b"<object", b"<embed")
_DECLARED = {".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".jpe": JPEG, ".png": PNG}
_DECLARED_MIME = {"application/pdf": PDF, "image/jpeg": JPEG, "image/pjpeg": JPEG, "image/png": PNG}

_PATH_SEPARATORS = re.compile(r"[/\\]")
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"|?*]')
_WINDOWS_RESERVED = frozenset(
    {
        "CON",
        "PRN",
        "AUX",
        "NUL",
        *(f"COM{n}" for n in range(1, 10)),
        *(f"LPT{n}" for n in range(1, 10)),
    }
)
_EXTENSION = re.compile(r"\.[^\W_]{1,10}\Z")


@dataclass(frozen=True)
class UploadRejected(ValueError):
    """An upload refused before storage; `reason` keys the message to show.

    Reasons and params: "empty"; "too_large" (max_mb, size_mb); "type" (detected: a kind of
    `sniff` or "unknown", accepted: "pdf, jpeg, png"); "dossier_full" (max_mb, used_mb,
    size_mb); "mismatch" (declared, detected: accepted kinds); "quota" (max_mb: what one
    chat or address may have waiting). Every reason also carries `name`, the sanitised file name.
    """

    reason: str
    params: Mapping[str, str | int] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.reason


def sniff(head: bytes) -> str | None:
    """The kind of file that starts with `head`, from its magic bytes; None if unrecognised."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _HEIF_BRANDS:
            return "heic"
        return "avif" if brand in _AVIF_BRANDS else "video"  # mp4, mov, 3gp
    return _sniff_text(head)


def _sniff_text(head: bytes) -> str | None:
    """Markup and scripts, which a browser or shell would run."""
    if head.startswith(b"#!"):
        return "script"
    text = head.removeprefix(_UTF8_BOM).lstrip().lower()
    if text.startswith(_HTML_STARTS):
        return "html"
    if text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in text):
        return "svg"  # SVG can carry scripts
    if text.startswith(b"<?xml"):
        return "xml"
    return None


def hides_markup(head: bytes) -> bool:
    """Whether HTML or SVG markup appears in the first bytes of a file (any case)."""
    lowered = head.lower()
    return any(tag in lowered for tag in _MARKUP)


def declared_kind(name: str, mime: str = "") -> str | None:
    """The accepted kind a file claims to be by its name's extension or, without one, by its
    declared MIME type; None when it claims none of them."""
    dot = name.rfind(".")
    by_name = _DECLARED.get(name[dot:].lower()) if dot >= 0 else None
    return by_name or _DECLARED_MIME.get(mime.split(";")[0].strip().lower())


def check_declared(name: str, mime: str, kind: str) -> None:
    """`UploadRejected` ("mismatch": name, declared, detected) when a file's name or declared
    type says one accepted kind and its first bytes another (a PNG called .pdf)."""
    claimed = declared_kind(name, mime)
    if claimed is not None and claimed != kind:
        params = {"name": sanitise_name(name), "declared": claimed, "detected": kind}
        raise UploadRejected("mismatch", params)


def sanitise_name(name: str) -> str:
    """A file name safe to show and to save anywhere: no path, no control or Windows-reserved
    characters, no leading dot, at most 100 characters with the extension kept; never empty."""
    name = _PATH_SEPARATORS.split(unicodedata.normalize("NFC", name))[-1]
    # Category C: controls, format characters (the right-to-left override of "gpj.exe"
    # tricks, zero-width spaces), lone surrogates, private and unassigned code points.
    # Tabs and line breaks become spaces; then runs of spaces collapse.
    name = "".join(
        " " if ch in "\t\n\r" else ch
        for ch in name
        if ch in "\t\n\r" or unicodedata.category(ch)[0] != "C"
    )
    name = " ".join(name.split())
    name = _WINDOWS_FORBIDDEN.sub("_", name).strip(" .")
    extension_match = _EXTENSION.search(name)
    extension = extension_match.group() if extension_match else ""
    stem = name[: len(name) - len(extension)].rstrip(" .")
    stem = stem[: MAX_NAME - len(extension)].rstrip(" .") or FALLBACK_NAME
    if stem.split(".")[0].upper() in _WINDOWS_RESERVED:
        stem = "_" + stem[: MAX_NAME - len(extension) - 1]
    return stem + extension


def _mb(size: int) -> str:
    """Megabytes rounded up to a tenth ("10.1" for 10 MB and a byte), for messages."""
    tenths = math.ceil(size * 10 / MIB)
    return str(tenths // 10) if tenths % 10 == 0 else f"{tenths // 10}.{tenths % 10}"


def check_upload(
    name: str,
    size: int,
    head: bytes,
    accepted: tuple[str, ...] = ACCEPTED,
    max_file: int = MAX_FILE_BYTES,
    dossier_used: int = 0,
    max_dossier: int = MAX_DOSSIER_BYTES,
) -> str:
    """The kind of an upload that may be stored, or `UploadRejected` saying why not.

    Checked in this order: empty, too large (a channel may not even fetch such a file, so its
    head can be missing), wrong type (no point reporting space to a file that never fits), and
    the dossier's total size.
    """
    params: dict[str, str | int] = {"name": sanitise_name(name)}
    if size <= 0:
        raise UploadRejected("empty", params)
    if size > max_file:
        raise UploadRejected("too_large", {**params, "max_mb": _mb(max_file), "size_mb": _mb(size)})
    kind = sniff(head)
    if kind is not None and kind in accepted and hides_markup(head):
        kind = "html"  # a page dressed as a PDF or an image is a page
    if kind is None or kind not in accepted:
        detected = kind or UNKNOWN
        raise UploadRejected(
            "type", {**params, "detected": detected, "accepted": ", ".join(accepted)}
        )
    if dossier_used + size > max_dossier:
        sizes = {"max_mb": _mb(max_dossier), "used_mb": _mb(dossier_used), "size_mb": _mb(size)}
        raise UploadRejected("dossier_full", {**params, **sizes})
    return kind
