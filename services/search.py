"""Procedure search: diacritic-folded, word-order free, typo tolerant, code aware and honest.

An in-memory inverted index over folded words of each procedure's names, aliases, sector and
summary, with the catalogue's synonyms applied to both the texts and the query (question
phrasing dropped from the query). Query words match index words exactly, by a Vietnamese
"sound-alike" key (tr/ch, s/x, d/gi/r, l/n, i/y), within one or two edits when the word is not
a real syllable (deletion-neighbourhood lookup, so no scan of the vocabulary), or as a prefix of
the last word being typed. Scores are tf-idf-like with a bonus for covering every query word and
for the whole query appearing as a phrase; a variant (extension, re-issue) ranks below its base
unless asked for. A hit answers the query only when it explains enough of it (relevance);
otherwise `search` returns [] and `closest` offers neighbours to label as such."""

from __future__ import annotations

import gc
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from services.catalog import Procedure
from services.search_bits import Groups, add_word, best, bitset
from services.search_build import Built, TextReader, build
from services.search_words import SearchWords
from services.spelling import deletes, edit_distance, normalise_word, sound_key, typo_budget
from services.syllables import is_syllable
from services.text_folding import fold, words

_CODE_RE = re.compile(r"\b(\d)\.?(\d{6})\b")
# Not "the": folded, it is also "thẻ" (card), as in "thẻ BHYT".
_STOPWORDS = frozenset({"cho", "cua", "va", "for", "of", "a", "an", "to", "o", "tai", "toi"})
_EXACT, _SOUND, _TYPO1, _TYPO2, _PREFIX = 1.0, 0.8, 0.7, 0.45, 0.6
RELATIVE_FLOOR = 0.3
CANDIDATE_POOL = 60
# Posting lists at least this long keep their bitsets between queries (shorter ones are
# cheaper to rebuild than to keep).
_CACHED_POSTING = 64
# A hit is an answer only when it explains this share of what the query says (each word
# weighted by how rare it is; words the catalogue never uses weigh the most). Calibrated on
# tests/data/search_queries.yaml (answerable) against the junk in tests/unit/test_search.py;
# figures for the labelled set are in docs/benchmarks.md.
RELEVANCE_THRESHOLD = 0.7
VARIANT_PENALTY = 0.6
# Below the threshold, a procedure is still worth showing as a labelled "closest" neighbour
# only when it explains at least half of the query.
NEIGHBOUR_FLOOR = 0.5


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One ranked result."""

    procedure: Procedure
    score: float
    relevance: float = 1.0


class SearchIndex:
    """Ranked full-text search over a fixed list of procedures."""

    def __init__(
        self,
        procedures: Sequence[Procedure],
        sector_names: dict[str, str],
        search_words: SearchWords | None = None,
        *,
        built: Built | None = None,
    ) -> None:
        """The index of `procedures`; `built`: their posting lists and per-procedure data as
        `self.built` gave them for the same procedures, sector names, words and code (read back
        from storage/search_cache.py instead of built again)."""
        self._words = search_words or SearchWords()
        self._procedures = tuple(procedures)
        self._by_code = {p.code: i for i, p in enumerate(self._procedures) if p.code}
        self._sound: dict[str, set[str]] = defaultdict(set)
        # Near spellings and prefixes: built on the first query word that needs them.
        self._near: tuple[dict[str, set[str]], dict[str, set[str]]] | None = None
        self._match_cache: dict[tuple[str, bool], dict[str, float]] = {}
        self._bit_cache: dict[str, tuple[tuple[float, int], ...]] = {}
        self._name_cache: dict[int, tuple[frozenset[str], frozenset[str]]] = {}
        with collector_paused():
            if built is None:
                reader = TextReader(self._words, _STOPWORDS)
                built = build(self._procedures, sector_names, self._words, reader)
                del reader  # its readings of every text: freed before the collector runs again
            self._postings = built.postings
            self._phrases = built.phrases
            self._variant_of = built.variant_of
            self._index_words()
        total = max(len(self._procedures), 1)
        self._idf = {w: math.log(1 + total / len(p)) for w, p in self._postings.items()}
        self._unknown_idf = math.log(1 + total)
        ordered = sorted(self._idf.values())
        self._typical_idf = ordered[len(ordered) // 2] if ordered else self._unknown_idf

    @property
    def built(self) -> Built:
        """What the build made (shared, not copied: not to be changed)."""
        return Built(self._postings, self._phrases, self._variant_of)

    def _index_words(self) -> None:
        """Lookup from a typed word to index words that sound alike."""
        for word in self._postings:
            self._sound[sound_key(word)].add(word)

    def _spellings(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """Lookups from a typed word to index words: near spelling, prefix.

        Only a word the catalogue does not use needs them, so they are built when the first one
        is typed, not with the index (a sixth of the build at 50,000 procedures).
        """
        if self._near is None:
            deletion: dict[str, set[str]] = defaultdict(set)
            prefix: dict[str, set[str]] = defaultdict(set)
            with collector_paused():
                for word in self._postings:
                    for variant in deletes(word, typo_budget(word)):
                        deletion[variant].add(word)
                    for end in range(3, len(word)):
                        prefix[word[:end]].add(word)
            self._near = dict(deletion), dict(prefix)
        return self._near

    @staticmethod
    def _search_words(folded: Iterable[str]) -> list[str]:
        # As TextReader.search_words, without its memo, which queries would grow without end.
        return [normalise_word(w) for w in folded if len(w) > 1 and w not in _STOPWORDS]

    def _rewritten(self, text: str, *, query: bool = False) -> list[str]:
        """Search words of a text after synonyms (and, for a query, question words)."""
        return self._search_words(self._words.rewrite(text, drop_questions=query))

    def __len__(self) -> int:
        return len(self._procedures)

    def by_code(self, text: str) -> Procedure | None:
        """Find a procedure by a national code typed in any common form (1.004194, 1004194)."""
        match = _CODE_RE.search(text)
        if not match:
            return None
        index = self._by_code.get(f"{match.group(1)}.{match.group(2)}")
        return None if index is None else self._procedures[index]

    def _matches(self, word: str, is_last: bool) -> dict[str, float]:
        """Index words a query word may stand for, each with how much we trust the match.

        A word found as typed is trusted as is (plus its sound-alikes); only an unknown word
        is looked up among near spellings and, when it is the last word, as a prefix.
        """
        cache_key = (word, is_last)
        cached = self._match_cache.get(cache_key)
        if cached is not None:
            return cached
        found: dict[str, float] = {}
        if word in self._postings:
            found[word] = _EXACT
        for candidate in self._sound.get(sound_key(word), ()):
            found.setdefault(candidate, _SOUND)
        # A real Vietnamese syllable the catalogue never uses ("chieu") is not a typo.
        budget = 0 if is_syllable(word) else typo_budget(word)
        if budget and word not in self._postings:
            candidates: set[str] = set()
            for variant in deletes(word, budget):
                candidates |= self._spellings()[0].get(variant, set())
            for candidate in candidates - found.keys():
                distance = edit_distance(word, candidate, budget)
                if distance <= budget:
                    found[candidate] = _TYPO1 if distance == 1 else _TYPO2
        if is_last and len(word) >= 3 and word not in self._postings:
            for candidate in self._spellings()[1].get(word, ()):
                found.setdefault(candidate, _PREFIX)
        if len(self._match_cache) > 4096:
            self._match_cache.clear()
        self._match_cache[cache_key] = found
        return found

    def search(self, query: str, limit: int = 10) -> list[SearchHit]:
        """Procedures that answer a free-text query or a national code; [] when nothing fits."""
        hits = self.closest(query, limit)
        return [hit for hit in hits if hit.relevance >= RELEVANCE_THRESHOLD]

    def closest(self, query: str, limit: int = 10) -> list[SearchHit]:
        """The nearest procedures, best first, even when none answers the query.

        Each hit carries its relevance (0-1); `search` keeps those above the threshold. The bot
        shows the rest only as "closest", never as an answer.
        """
        exact = self.by_code(query)
        tokens = self._rewritten(query, query=True)[:12]
        ranked = self._shortlist(tokens, max(limit, 1) * 4 + 20)
        matches = [self._matches(t, n == len(tokens) - 1) for n, t in enumerate(tokens)]
        matched: set[str] = set().union(*matches) if matches else set()
        asked = self._words.asked_variants(tokens)
        refined = sorted(
            ((self._refine(i, base, tokens, matched, asked), i) for base, i in ranked),
            key=lambda pair: (-pair[0], self._procedures[pair[1]].name.vi),
        )
        if refined:  # drop the long tail that only shares a common word with the query
            floor = refined[0][0] * RELATIVE_FLOOR
            refined = [pair for pair in refined if pair[0] >= floor]
        weights = self._weights(tokens)
        hits = [
            SearchHit(self._procedures[i], score, self._relevance(i, weights, matches))
            for score, i in refined[:limit]
        ]
        if exact is not None:
            hits = [SearchHit(exact, math.inf)] + [h for h in hits if h.procedure is not exact]
        return hits[:limit]

    def _plans(self, tokens: list[str]) -> list[tuple[int, dict[str, float]]]:
        """Each query word's matches with their total posting size, rarest first.

        Rarest words first: once enough candidates are known, common words ("đăng ký") only
        add to them instead of bringing in every procedure they appear in; a procedure that
        has none of the rarer words would fall below the relative floor anyway.
        """
        plans = []
        for position, token in enumerate(tokens):
            matches = self._matches(token, position == len(tokens) - 1)
            size = sum(len(self._postings[word]) for word in matches)
            plans.append((size, matches))
        plans.sort(key=lambda plan: plan[0])
        return plans

    def _shortlist(self, tokens: list[str], limit: int) -> list[tuple[float, int]]:
        """The `limit` best (first-pass score, procedure) pairs, best first (ties: later first).

        The first-pass score is tf-idf-like, weighed by the squared share of query words covered.
        """
        groups: Groups = {}
        for size, matches in self._plans(tokens):
            candidates = sum(mask.bit_count() for mask in groups.values())
            levels = [
                (trust * self._idf[word] * weight, mask)
                for word, trust in matches.items()
                for weight, mask in self._bits(word)
            ]
            levels.sort(key=lambda level: level[0], reverse=True)
            admit = candidates < CANDIDATE_POOL or size <= candidates
            groups = add_word(groups, levels, admit=admit)
        return best(groups, len(tokens), limit)

    def _bits(self, word: str) -> tuple[tuple[float, int], ...]:
        """A word's posting list as one bitset per field weight."""
        cached = self._bit_cache.get(word)
        if cached is not None:
            return cached
        by_weight: dict[float, list[int]] = defaultdict(list)
        for index, weight in self._postings[word].items():
            by_weight[weight].append(index)
        size = len(self._procedures)
        found = tuple((weight, bitset(where, size)) for weight, where in by_weight.items())
        if len(self._postings[word]) >= _CACHED_POSTING:
            if len(self._bit_cache) >= 2048:  # bounded: each entry holds a bit per procedure
                self._bit_cache.clear()
            self._bit_cache[word] = found
        return found

    def _weights(self, tokens: list[str]) -> dict[int, float]:
        """Weight of each distinct query word (by position of its first use), by rarity.

        A word the catalogue never uses weighs as much as the query's most specific known word,
        and at least as much as a typical catalogue word: "hộ chiếu" is half explained by "hộ",
        which is not enough.
        """
        known = [self._idf[t] for t in tokens if t in self._idf]
        unknown = max([*known, self._typical_idf])
        weights: dict[int, float] = {}
        seen: set[str] = set()
        for position, token in enumerate(tokens):
            if token not in seen:
                seen.add(token)
                weights[position] = self._idf.get(token, unknown)
        return weights

    def _relevance(
        self, index: int, weights: dict[int, float], matches: list[dict[str, float]]
    ) -> float:
        """Share of the query a procedure explains, each word weighted by its rarity."""
        said = explained = 0.0
        for position, weight in weights.items():
            said += weight
            explained += weight * max(
                (t for word, t in matches[position].items() if index in self._postings[word]),
                default=0.0,
            )
        return explained / said if said else 0.0

    def _name_words(self, index: int) -> tuple[frozenset[str], frozenset[str]]:
        """The search words of a procedure's name and English name, read from its phrases
        (kept as sets for every procedure, they would take half of the index's memory) and
        remembered for the procedures queries short-list."""
        cached = self._name_cache.get(index)
        if cached is None:
            if len(self._name_cache) >= 4096:
                self._name_cache.clear()
            name, english = self._phrases[index][:2]
            cached = self._name_cache[index] = frozenset(name.split()), frozenset(english.split())
        return cached

    def _refine(
        self, index: int, base: float, tokens: list[str], matched: set[str], asked: frozenset[int]
    ) -> float:
        """Final score of a short-listed procedure: name coverage, phrase and variant rules."""
        # How much of the name the query explains: "đăng ký khai sinh" is a better answer
        # for "dang ky khai sinh" than a longer name that merely contains those words.
        explained = max(
            (len(matched & name) / len(name) for name in self._name_words(index) if name),
            default=0.0,
        )
        final = base * (1.0 + explained)
        phrase = " ".join(tokens)
        if phrase and any(phrase in text for text in self._phrases[index]):
            final *= 1.5
        # The permit before its extension, the card before its re-issue, unless asked.
        variant = self._variant_of[index]
        if variant is not None and variant not in asked:
            final *= VARIANT_PENALTY
        return final


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector while the index is built (or read back, or written): that
    makes millions of small containers that form no cycles, and the collector would trace the
    growing index again and again (a third of the build time at 50,000 procedures)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def rank_names(query: str, names: Iterable[tuple[str, str]], limit: int = 8) -> list[str]:
    """Rank (key, name) pairs, e.g. wards, by a typed name; returns keys, best first.

    Generic prefixes like "xã" / "phường" are ignored, so "thuc phan" finds "Phường Thục Phán".
    """
    generic = {"xa", "phuong", "thi", "tran", "dac", "khu", "thanh", "pho", "tinh"}
    wanted = [normalise_word(w) for w in words(query) if w not in generic]
    if not wanted:
        return []
    ranked: list[tuple[float, str, str]] = []
    for key, name in names:
        have = [normalise_word(w) for w in words(name) if w not in generic]
        joined = " ".join(have)
        score = 0.0
        for token in wanted:
            if token in have:
                score += 1.0
            elif any(w.startswith(token) for w in have):
                score += 0.8
            elif any(edit_distance(token, w, 1) <= 1 for w in have if len(token) > 2):
                score += 0.6
        if score and " ".join(wanted) in joined:
            score += 0.5
        if score:
            ranked.append((score / len(wanted), name, key))
    ranked.sort(key=lambda item: (-item[0], fold(item[1])))
    return [key for score, _, key in ranked if score >= 0.5][:limit]
