"""Building the search index's posting lists with few Python steps per entry.

A catalogue of 50,000 procedures gives about two million (word, procedure) entries, but far
fewer distinct things to work out: a few thousand whitespace-separated chunks of text, a few
thousand distinct words, and a handful of summaries and sector names shared by thousands of
procedures. So each chunk is folded once, each word normalised once (every later use is the same
string object), each distinct text read once, and a text many procedures share is spread into
the posting lists with one bulk dict update per word instead of one step per procedure.
The result is the same posting lists, weights and per-procedure data as reading every text of
every procedure in turn (tests/unit/test_search_index.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from services.catalog import Procedure
from services.search_words import SearchWords
from services.spelling import normalise_word
from services.text_folding import words

# Lightest field first, so a heavier one overwrites a word's weight.
FIELD_WEIGHTS = {"summary": 0.4, "sector": 0.8, "english": 1.5, "alias": 2.5, "name": 3.0}
# Posting lists: each index word's procedures, with the weight of the heaviest field it is in.
Postings = dict[str, dict[int, float]]


# A text as the index reads it: its folded words as written; its index words (as written and
# after synonyms, maybe repeated); its search words after synonyms, joined by spaces. A plain
# tuple: the build reads 100,000 texts at 50,000 procedures.
Reading = tuple[list[str], list[str], str]


class _Memo(dict[str, str]):
    """A dict that works out a missing value once, on first lookup."""

    def __init__(self, work: Callable[[str], str]) -> None:
        super().__init__()
        self._work = work

    def __missing__(self, key: str) -> str:
        value = self[key] = self._work(key)
        return value


class TextReader:
    """Reads texts into `Reading`s, folding each chunk and normalising each word once."""

    def __init__(self, search_words: SearchWords, stopwords: frozenset[str]) -> None:
        self._words = search_words
        self._single, self._pairs = search_words.phrase_openings()
        # A chunk's folded words joined by spaces ("" when it holds none, like "-").
        self._chunks = _Memo(lambda chunk: " ".join(words(chunk)))
        # A folded word's search word, or "" when search ignores it: one-character words ("1"
        # in "phiếu số 1", "a") carry no meaning and would make any query containing them match.
        self._kept = _Memo(lambda w: normalise_word(w) if len(w) > 1 and w not in stopwords else "")
        self._texts: dict[str, Reading] = {}

    def search_words(self, folded: Iterable[str]) -> list[str]:
        """The words search keeps of folded words, normalised."""
        return [kept for kept in map(self._kept.__getitem__, folded) if kept]

    def read(self, text: str) -> Reading:
        """A text's reading (each distinct text is read once)."""
        known = self._texts.get(text)
        if known is None:
            known = self._texts[text] = self._read(text)
        return known

    def _read(self, text: str) -> Reading:
        # Words never span whitespace, so folding chunk by chunk gives `words(text)`.
        folded = " ".join(map(self._chunks.__getitem__, text.split())).split()
        kept = self.search_words(folded)
        # Most texts hold no synonym that changes them: told by two set checks in C (a first
        # word alone would not tell: "dang" opens a synonym, and most names).
        if self._single.isdisjoint(folded) and self._pairs.isdisjoint(pairwise(folded)):
            return folded, kept, " ".join(kept)
        rewritten = self._words.rewrite_words(folded, drop_questions=False)
        # Most texts hold no synonym: their words after the rewrite are the words as written.
        after = kept if rewritten == folded else self.search_words(rewritten)
        # A word twice in the index words costs nothing: posting lists are keyed by procedure.
        return folded, kept if after is kept else kept + after, " ".join(after)


@dataclass(slots=True)
class Built:
    """What the index keeps of each procedure, and the posting lists."""

    postings: Postings = field(default_factory=dict)
    phrases: list[tuple[str, ...]] = field(default_factory=list)
    variant_of: list[int | None] = field(default_factory=list)


def build(
    procedures: Sequence[Procedure],
    sector_names: dict[str, str],
    search_words: SearchWords,
    reader: TextReader,
) -> Built:
    """Posting lists and per-procedure data for `procedures`, in their order."""
    built = Built()
    read = reader.read
    # Field → text → the procedures that have it in that field.
    users: dict[str, dict[str, list[int]]] = {name: defaultdict(list) for name in FIELD_WEIGHTS}
    summaries, sectors, englishes = users["summary"], users["sector"], users["english"]
    alias_users, names = users["alias"], users["name"]
    phrases, variant_of = built.phrases.append, built.variant_of.append
    for index, proc in enumerate(procedures):
        name_vi, name_en = proc.name.vi, proc.name.en
        name, english = read(name_vi), read(name_en)
        summaries[proc.summary.vi].append(index)
        sectors[sector_names.get(proc.sector_id, "")].append(index)
        englishes[name_en].append(index)
        names[name_vi].append(index)
        if proc.aliases:
            for alias in proc.aliases:
                alias_users[alias].append(index)
            phrases((name[2], english[2], *(read(alias)[2] for alias in proc.aliases)))
        else:
            phrases((name[2], english[2]))
        variant_of(search_words.variant_of(name[0]))
    postings: defaultdict[str, dict[int, float]] = defaultdict(dict)
    for field_name, weight in FIELD_WEIGHTS.items():
        _spread(postings, users[field_name], weight, reader)
    built.postings = dict(postings)
    return built


def _spread(
    postings: defaultdict[str, dict[int, float]],
    users: dict[str, list[int]],
    weight: float,
    reader: TextReader,
) -> None:
    """Give every index word of each text `weight` in the procedures that have the text."""
    for text, procs in users.items():
        indexed = reader.read(text)[1]
        if len(procs) == 1:  # most names: one step per word
            index = procs[0]
            for word in indexed:
                postings[word][index] = weight
        else:  # a text many procedures share: one bulk update per word
            group = dict.fromkeys(procs, weight)
            for word in indexed:
                postings[word].update(group)
