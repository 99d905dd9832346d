"""How citizens say things: synonyms, question phrasing and variant words, read from data.

The data lives in the catalogue folder (synonyms.yaml). A query is folded and rewritten in one
left-to-right, longest-phrase-first pass: a phrase people type ("lltp", "sổ hồng", "báo tử")
becomes the catalogue's words ("ly lich tu phap", "so do", "khai tu"); a way of asking ("… ở
đâu", "how to …") is dropped. Procedure texts get the same rewrite when the index is built, so
an alias written the everyday way is found by the catalogue's words and the other way round.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from services.catalog_schema import CatalogError, Problem
from services.text_folding import words

FILE = "synonyms.yaml"
_MAX_PHRASE = 8


@dataclass(frozen=True, slots=True)
class Variant:
    """A kind of variant procedure: name words that mark it, query words that ask for it."""

    name: tuple[tuple[str, ...], ...]
    cues: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class SearchWords:
    """Phrase rewrites for queries and indexed texts, and the variant rules."""

    synonyms: Mapping[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    question_words: frozenset[tuple[str, ...]] = frozenset()
    variants: tuple[Variant, ...] = ()
    # The phrase lengths each first word can start, longest first: for queries (synonyms and
    # question words) and for indexed texts (synonyms only). A word that starts none (most of
    # them) is copied after one lookup instead of eight.
    _sizes: dict[str, tuple[int, ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    _synonym_sizes: dict[str, tuple[int, ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    # Every variant kind's name markers as (" word word ", the kind's position), kind by kind:
    # each found in a name by one `in`.
    _markers: tuple[tuple[str, int], ...] = field(init=False, repr=False, compare=False, default=())

    def __post_init__(self) -> None:
        self._sizes.update(_sizes_by_start((*self.synonyms, *self.question_words)))
        self._synonym_sizes.update(_sizes_by_start(self.synonyms))
        markers = tuple(
            (_spaced(marker), position)
            for position, variant in enumerate(self.variants)
            for marker in variant.name
        )
        object.__setattr__(self, "_markers", markers)

    def rewrite(self, text: str, *, drop_questions: bool = True) -> list[str]:
        """Folded words of `text` with synonyms replaced and (for queries) question words dropped.

        If dropping question words would leave nothing, they are kept: "làm gì" alone is still
        what the citizen typed.
        """
        return self.rewrite_words(words(text), drop_questions=drop_questions)

    def rewrite_words(self, source: Sequence[str], *, drop_questions: bool = True) -> list[str]:
        """`rewrite` for text already split into folded words."""
        sizes = self._sizes if drop_questions else self._synonym_sizes
        if sizes.keys().isdisjoint(source):  # most texts: no phrase starts anywhere
            return list(source)
        out: list[str] = []
        dropped: list[str] = []
        done = 0  # words before this one are rewritten
        for start in [at for at, word in enumerate(source) if word in sizes]:
            if start < done:  # inside a phrase already replaced
                continue
            out.extend(source[done:start])  # words that start no phrase stay as they are
            done = start + 1
            for size in sizes[source[start]]:
                if size > len(source) - start:
                    continue
                phrase = tuple(source[start : start + size])
                canonical = self.synonyms.get(phrase)
                if canonical is not None:
                    out.extend(canonical)
                    done = start + size
                    break
                if drop_questions and phrase in self.question_words:
                    dropped.extend(phrase)
                    done = start + size
                    break
            else:
                out.append(source[start])
        out.extend(source[done:])
        return out or dropped

    def phrase_openings(self) -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
        """What a text must hold for a synonym to change it: a one-word synonym, or the first
        two words of a longer one side by side. A text holding neither is not rewritten (for
        indexed texts; queries also drop question words). The catalogue's own words ("đăng
        ký", the canonical phrases, in most names) stand for themselves: they change nothing."""
        phrases = [phrase for phrase, canonical in self.synonyms.items() if phrase != canonical]
        single = frozenset(phrase[0] for phrase in phrases if len(phrase) == 1)
        pairs = frozenset((phrase[0], phrase[1]) for phrase in phrases if len(phrase) > 1)
        return single, pairs

    def variant_of(self, name_words: Sequence[str]) -> int | None:
        """Which variant kind (its position in `variants`) a procedure's name marks, if any."""
        # Words hold no spaces, so a marker's words follow each other in the name exactly
        # when " marker " is in " name " (an empty marker, " ", is in every name).
        name = _spaced(name_words)
        for marker, position in self._markers:  # the first kind with a marker in the name
            if marker in name:
                return position
        return None

    def asked_variants(self, query_words: Sequence[str]) -> frozenset[int]:
        """The variant kinds a query asks for by one of their cue words."""
        return frozenset(
            position
            for position, variant in enumerate(self.variants)
            if any(_contains(query_words, cue) for cue in variant.cues)
        )


def _sizes_by_start(phrases: Iterable[tuple[str, ...]]) -> dict[str, tuple[int, ...]]:
    """The lengths of the phrases each first word starts, longest first."""
    found: dict[str, set[int]] = {}
    for phrase in phrases:
        if phrase:
            found.setdefault(phrase[0], set()).add(min(len(phrase), _MAX_PHRASE))
    return {start: tuple(sorted(sizes, reverse=True)) for start, sizes in found.items()}


def _spaced(words_: Sequence[str]) -> str:
    return f" {' '.join(words_)} " if words_ else " "


def _contains(haystack: Sequence[str], needle: tuple[str, ...]) -> bool:
    size = len(needle)
    return any(tuple(haystack[i : i + size]) == needle for i in range(len(haystack) - size + 1))


def _phrase(raw: Any, where: str, problems: list[Problem]) -> tuple[str, ...]:
    folded = tuple(words(raw)) if isinstance(raw, str) else ()
    if not folded:
        problems.append(Problem(FILE, "", where, f"expected a non-empty phrase, got {raw!r}"))
    elif len(folded) > _MAX_PHRASE:
        problems.append(Problem(FILE, "", where, f"a phrase has at most {_MAX_PHRASE} words"))
    return folded


def _phrases(raw: Any, where: str, problems: list[Problem]) -> list[tuple[str, ...]]:
    if not isinstance(raw, list) or not raw:
        problems.append(Problem(FILE, "", where, "expected a non-empty list of phrases"))
        return []
    return [p for n, item in enumerate(raw) if (p := _phrase(item, f"{where}[{n}]", problems))]


def parse_search_words(raw: Any) -> SearchWords:
    """Validate the parsed synonyms file; raises `CatalogError` listing every problem."""
    problems: list[Problem] = []
    if not isinstance(raw, Mapping):
        raise CatalogError([Problem(FILE, "", "", "the file must hold a mapping")])
    synonyms: dict[tuple[str, ...], tuple[str, ...]] = {}
    for n, entry in enumerate(raw.get("synonyms") or []):
        where = f"synonyms[{n}]"
        if not isinstance(entry, Mapping):
            problems.append(Problem(FILE, "", where, "expected {words: ..., also: [...]}"))
            continue
        canonical = _phrase(entry.get("words"), f"{where}.words", problems)
        for other in [canonical, *_phrases(entry.get("also"), f"{where}.also", problems)]:
            if other in synonyms and synonyms[other] != canonical and other != canonical:
                problems.append(Problem(FILE, "", where, f"'{' '.join(other)}' has two meanings"))
            synonyms.setdefault(other, canonical)
    asked = raw.get("question_words")
    questions = frozenset(_phrases(asked, "question_words", problems) if asked else ())
    variants = []
    for n, entry in enumerate(raw.get("variants") or []):
        where = f"variants[{n}]"
        if not isinstance(entry, Mapping):
            problems.append(Problem(FILE, "", where, "expected {name: [...], cues: [...]}"))
            continue
        name = _phrases(entry.get("name"), f"{where}.name", problems)
        cues = _phrases(entry.get("cues"), f"{where}.cues", problems)
        variants.append(Variant(tuple(name), tuple(cues)))
    if problems:
        raise CatalogError(problems)
    return SearchWords(synonyms, questions, tuple(variants))
