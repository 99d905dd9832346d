"""Is a folded word a Vietnamese syllable? Used to tell a typo from a real, unknown word.

"sihn" or "hoon" cannot be Vietnamese, so search may read them as "sinh" and "hôn"; "chieu"
(chiếu, as in hộ chiếu) is a real syllable the catalogue never uses, and must not be "corrected"
into "chien" (chiến binh), or a question about passports would find a veterans' allowance.
The set is generated from onsets and rhymes (folded, so it over-accepts a little: harmless).
"""

from __future__ import annotations

from functools import lru_cache

_ONSETS = (
    "", "b", "c", "ch", "d", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh",
    "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
)  # fmt: skip
_RHYMES = [
    "a",
    "ac",
    "ach",
    "ai",
    "am",
    "an",
    "ang",
    "anh",
    "ao",
    "ap",
    "at",
    "au",
    "ay",
    "e",
    "ec",
    "em",
    "en",
    "eng",
    "eo",
    "ep",
    "et",
    "eu",
    "i",
    "ia",
    "ich",
    "iec",
    "iem",
    "ien",
    "ieng",
    "iep",
    "iet",
    "ieu",
    "im",
    "in",
    "inh",
    "ip",
    "it",
    "iu",
    "o",
    "oa",
    "oac",
    "oach",
    "oai",
    "oam",
    "oan",
    "oang",
    "oanh",
    "oao",
    "oap",
    "oat",
    "oay",
    "oc",
    "oe",
    "oec",
    "oem",
    "oen",
    "oeo",
    "oet",
    "oi",
    "om",
    "on",
    "ong",
    "ooc",
    "oong",
    "op",
    "ot",
    "u",
    "ua",
    "uan",
    "uang",
    "uanh",
    "uat",
    "uay",
    "uc",
    "ue",
    "uech",
    "uen",
    "uenh",
    "uet",
    "ui",
    "um",
    "un",
    "ung",
    "uo",
    "uoc",
    "uoi",
    "uom",
    "uon",
    "uong",
    "uop",
    "uot",
    "uou",
    "up",
    "ut",
    "uu",
    "uy",
    "uya",
    "uych",
    "uyen",
    "uyet",
    "uynh",
    "uyt",
    "uyu",
    "y",
    "yem",
    "yen",
    "yet",
    "yeu",
]


@lru_cache(maxsize=1)
def _all() -> frozenset[str]:
    spelled = {onset + rhyme for onset in _ONSETS for rhyme in _RHYMES}
    # Search writes "y" as "i" ("ký" = "kí"), so accept that spelling too.
    return frozenset(spelled | {word.replace("y", "i") for word in spelled})


def is_syllable(word: str) -> bool:
    """True when `word` (folded, lower case) can be a Vietnamese syllable."""
    return word in _all()
