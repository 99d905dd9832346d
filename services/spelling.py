"""Spelling tolerance for search: canonical spellings, sound-alike keys and edit distance."""

from __future__ import annotations

_SOUND_ALIKE = (("tr", "ch"), ("gi", "d"), ("r", "d"), ("x", "s"), ("n", "l"), ("y", "i"))


def normalise_word(word: str) -> str:
    """Canonical spelling of a folded word: "ky" and "ki" (đăng ký/kí) are one word."""
    return word.replace("y", "i")


def sound_key(word: str) -> str:
    """Collapse initial consonants that regional accents and typists mix up."""
    for spoken, written in _SOUND_ALIKE:
        if word.startswith(spoken):
            return written + word[len(spoken) :]
    return word


def deletes(word: str, depth: int) -> set[str]:
    """Every spelling of `word` with up to `depth` letters deleted (symmetric-delete lookup)."""
    result = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        result |= frontier
    return result


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance, stopping early once over `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def typo_budget(word: str) -> int:
    """How many edits a word of this length may carry and still be read as meant."""
    if len(word) <= 2:
        return 0
    return 1 if len(word) <= 5 else 2
