"""The fast index build gives exactly what reading every text of every procedure in turn gives.

services/search_build.py folds chunk by chunk, normalises each word once and spreads shared
texts in bulk; the reference here is the plain way (what services/search.py did before): read
each text with `words`, the synonym rewrite and the stop-word rules, and give each word of a
procedure the weight of the heaviest field it is in.
"""

from __future__ import annotations

import random
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.catalog import LocalText, Procedure
from services.catalog_schema import CatalogData
from services.search import _STOPWORDS, SearchIndex
from services.search_build import FIELD_WEIGHTS, Postings, TextReader, build
from services.search_words import SearchWords
from services.spelling import normalise_word
from services.text_folding import words
from storage.seed import load_search_words

PIECES = ["Đăng", "ký", "khai", "sinh", "sổ", "hồng", "LLTP", "(BHYT),", "1.004194", "a", "-"]
PIECES += ["giấy", "phép", "lái", "xe", "cấp", "lại", "gia", "hạn", "đ", "Ø", "x.y.", "9", "cho"]


def _kept(folded: list[str]) -> list[str]:
    return [normalise_word(w) for w in folded if len(w) > 1 and w not in _STOPWORDS]


def _reference(
    procedures: list[Procedure], sectors: dict[str, str], rules: SearchWords
) -> tuple[Postings, list[tuple[str, ...]], list[int | None]]:
    """Posting lists, phrases and variant kinds, one procedure and one text at a time."""

    def read(text: str) -> tuple[list[str], set[str], list[str]]:
        folded = words(text)
        after = _kept(rules.rewrite_words(folded, drop_questions=False))
        return folded, {*_kept(folded), *after}, after

    postings: Postings = {}
    phrases, variants = [], []
    for index, proc in enumerate(procedures):
        texts = {
            "summary": [proc.summary.vi],
            "sector": [sectors.get(proc.sector_id, "")],
            "english": [proc.name.en],
            "alias": list(proc.aliases),
            "name": [proc.name.vi],
        }
        weights: dict[str, float] = {}
        for field, weight in FIELD_WEIGHTS.items():  # lightest first
            for text in texts[field]:
                weights.update(dict.fromkeys(read(text)[1], weight))
        for word, weight in weights.items():
            postings.setdefault(word, {})[index] = weight
        readings = [read(t) for t in (proc.name.vi, proc.name.en, *proc.aliases)]
        phrases.append(tuple(" ".join(after) for _, _, after in readings))
        variants.append(rules.variant_of(readings[0][0]))
    return postings, phrases, variants


def _catalogue(data: CatalogData, seed: int, size: int) -> list[Procedure]:
    """Procedures whose texts mix real words, synonyms, codes, punctuation and stop words;
    summaries shared by several procedures, as in the real catalogue."""
    rng = random.Random(seed)
    summaries = [" ".join(rng.choices(PIECES, k=rng.randint(0, 8))) for _ in range(4)]
    grown = []
    for n in range(size):
        base = rng.choice(data.procedures)
        grown.append(
            replace(
                base,
                id=f"r{n}",
                name=LocalText(
                    " ".join(rng.choices(PIECES, k=rng.randint(0, 8))),
                    " ".join(rng.choices(PIECES, k=rng.randint(0, 4))),
                ),
                aliases=tuple(" ".join(rng.choices(PIECES, k=3)) for _ in range(rng.randint(0, 2))),
                summary=LocalText(rng.choice(summaries), ""),
            )
        )
    return grown


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(min_value=0, max_value=10**6), size=st.sampled_from([1, 7, 60]))
def test_the_build_equals_reading_each_procedure_in_turn(
    catalog_data: CatalogData, seed: int, size: int
) -> None:
    procedures = _catalogue(catalog_data, seed, size)
    sectors = {s.id: f"{s.name.vi} {s.name.en}" for s in catalog_data.sectors}
    rules = load_search_words()
    built = build(procedures, sectors, rules, TextReader(rules, _STOPWORDS))
    postings, phrases, variants = _reference(procedures, sectors, rules)
    assert built.postings == postings
    assert built.phrases == phrases
    assert built.variant_of == variants


@given(st.lists(st.sampled_from([*PIECES, " ", "\t", "\n", "..", "ở đâu"]), max_size=12))
def test_a_text_reads_as_its_words(pieces: list[str]) -> None:
    text = "".join(pieces)
    rules = load_search_words()
    folded, indexed, phrase = TextReader(rules, _STOPWORDS).read(text)
    assert folded == words(text)
    after = _kept(rules.rewrite_words(folded, drop_questions=False))
    assert set(indexed) == {*_kept(folded), *after}
    assert phrase == " ".join(after)


def test_a_typo_is_found_before_and_after_the_spelling_lookups_exist(
    catalog_data: CatalogData,
) -> None:
    index = SearchIndex(catalog_data.procedures, {}, load_search_words())
    first = [hit.procedure.id for hit in index.search("dang ky khai sinhh")]
    again = [hit.procedure.id for hit in index.search("dang ky khai sinhh")]
    assert first == again and first
    assert "khai sinh" in index.search("dang ky khai sinhh")[0].procedure.name.vi.lower()
