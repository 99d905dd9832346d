"""Text folding for Vietnamese: diacritics removed, đ → d, case and spacing normalised."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")
# A search word: letters, digits and inner dots ("1.004194"), so a word never starts or ends
# with a dot.
_WORD = re.compile(r"[0-9a-z](?:[0-9a-z.]*[0-9a-z])?")
# The combining diacritical marks (U+0300–U+036F, all of Vietnamese's) deleted by one regex;
# any other combining mark is removed character by character.
_DIACRITICS = re.compile(
    "[" + "".join(chr(c) for c in range(0x300, 0x370) if unicodedata.category(chr(c)) == "Mn") + "]"
)


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese diacritics, keeping case: "Đăng ký" → "Dang ky"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    stripped = _DIACRITICS.sub("", unicodedata.normalize("NFD", text))
    if stripped.isascii():
        return stripped
    return "".join(ch for ch in stripped if unicodedata.category(ch) != "Mn")


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lower-case, strip diacritics and collapse spaces, for comparison and search."""
    return _SPACES.sub(" ", strip_diacritics(text).lower()).strip()


def words(text: str) -> list[str]:
    """Split folded text into search words (letters, digits and dots kept)."""
    # As `fold` then split, minus collapsing spaces, which never reach a word anyway.
    return _WORD.findall(strip_diacritics(text).lower())


def to_ascii(text: str) -> str:
    """Fold to printable ASCII (for bank transfer descriptions and QR payloads)."""
    plain = strip_diacritics(text)
    return "".join(ch for ch in plain if 32 <= ord(ch) < 127)
