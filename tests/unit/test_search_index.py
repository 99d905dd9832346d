"""The bitset short-list ranks exactly as scoring every candidate one by one.

`SearchIndex` groups candidates that score alike and splits the groups with bitsets;
`ScanSearchIndex` (the way search worked before) adds each query word's value candidate by
candidate. Both must return the same procedures in the same order with the same scores and
relevance, on the real catalogue with the labelled queries and on random catalogues.
"""

from __future__ import annotations

import random
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.catalog import LocalText, Procedure
from services.catalog_schema import CatalogData
from services.search import SearchHit, SearchIndex
from services.search_scan import ScanSearchIndex
from services.search_words import SearchWords
from storage.seed import load_search_words
from tests.search_labels import load


def _ranked(hits: list[SearchHit]) -> list[tuple[str, float, float]]:
    return [(hit.procedure.id, hit.score, hit.relevance) for hit in hits]


def _pair(
    procedures: list[Procedure], sectors: dict[str, str], words: SearchWords
) -> tuple[SearchIndex, ScanSearchIndex]:
    return SearchIndex(procedures, sectors, words), ScanSearchIndex(procedures, sectors, words)


def _sectors(data: CatalogData) -> dict[str, str]:
    return {s.id: f"{s.name.vi} {s.name.en}" for s in data.sectors}


def test_labelled_queries_rank_the_same_on_the_seeded_catalogue(catalog_data: CatalogData) -> None:
    labelled = load()
    queries = [case["q"] for case in labelled["answerable"]] + list(labelled["unanswerable"])
    index, scan = _pair(list(catalog_data.procedures), _sectors(catalog_data), load_search_words())
    found = 0
    for query in queries:
        for limit in (3, 10):
            assert _ranked(index.closest(query, limit)) == _ranked(scan.closest(query, limit))
            assert _ranked(index.search(query, limit)) == _ranked(scan.search(query, limit))
        found += bool(index.search(query, 3))
    assert found >= len(labelled["answerable"])  # the comparison is not between empty lists


def _vocabulary(procedures: tuple[Procedure, ...]) -> list[str]:
    return sorted({w for p in procedures for w in p.name.vi.split()})


def _grown(data: CatalogData, seed: int, size: int) -> list[Procedure]:
    """A random catalogue of `size` procedures made of the real names' words."""
    rng = random.Random(seed)
    vocabulary = _vocabulary(data.procedures)
    grown = []
    for n in range(size):
        base = rng.choice(data.procedures)
        name = " ".join(rng.sample(vocabulary, rng.randint(1, 7)))
        aliases = tuple(" ".join(rng.sample(vocabulary, 2)) for _ in range(rng.randint(0, 2)))
        grown.append(
            replace(
                base,
                id=f"r{n}",
                code=f"9.{n:06d}",
                name=LocalText(name, f"{base.name.en} {rng.choice(vocabulary)}"),
                aliases=aliases,
                summary=LocalText(" ".join(rng.sample(vocabulary, 5)), base.summary.en),
            )
        )
    return grown


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 3:
        return word
    at = rng.randrange(len(word))
    return word[:at] + word[at + 1 :] if rng.random() < 0.5 else word[:at] + "x" + word[at:]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(min_value=0, max_value=10**6),
    size=st.sampled_from([5, 40, 150, 400]),
    limit=st.sampled_from([1, 3, 10]),
)
def test_random_catalogues_and_queries_rank_the_same(
    catalog_data: CatalogData, seed: int, size: int, limit: int
) -> None:
    procedures = _grown(catalog_data, seed, size)
    index, scan = _pair(procedures, _sectors(catalog_data), load_search_words())
    rng = random.Random(seed)
    vocabulary = _vocabulary(catalog_data.procedures)
    answered = 0
    for _ in range(15):
        picked = rng.sample(vocabulary, rng.randint(1, 5))
        typed = [_typo(w, rng) if rng.random() < 0.3 else w for w in picked]
        query = " ".join(typed)
        if rng.random() < 0.3:  # a word still being typed
            query = query[: max(1, len(query) - rng.randint(1, 3))]
        expected = _ranked(scan.closest(query, limit))
        assert _ranked(index.closest(query, limit)) == expected
        answered += bool(expected)
    assert answered  # random words of real names always find something
