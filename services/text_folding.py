"""Text folding for Vietnamese: diacritics removed, đ → d, case and spacing normalised."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^0-9a-z.]+")


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese diacritics, keeping case: "Đăng ký" → "Dang ky"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lower-case, strip diacritics and collapse spaces, for comparison and search."""
    return _SPACES.sub(" ", strip_diacritics(text).lower()).strip()


def words(text: str) -> list[str]:
    """Split folded text into search words (letters, digits and dots kept)."""
    return [w.strip(".") for w in _NON_WORD.split(fold(text)) if w.strip(".")]


def to_ascii(text: str) -> str:
    """Fold to printable ASCII (for bank transfer descriptions and QR payloads)."""
    plain = strip_diacritics(text)
    return "".join(ch for ch in plain if 32 <= ord(ch) < 127)
