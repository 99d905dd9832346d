"""Search on the labelled set written as citizens type: right answers, and honest "nothing fits".

The figures (and the queries that miss) are printed by `python bench/search_quality.py`, which
also records them in docs/benchmarks.md.
"""

from __future__ import annotations

from services.catalog_index import Catalog
from tests.search_labels import evaluate, load


def test_the_labelled_set_is_large_enough_and_names_real_procedures(catalog: Catalog) -> None:
    data = load()
    assert len(data["answerable"]) >= 120
    assert len(data["unanswerable"]) >= 40
    known = {p.id for p in catalog.procedures}
    unknown = {i for case in data["answerable"] for i in case["expect"]} - known
    assert not unknown


def test_answerable_questions_find_their_procedure_in_the_top_three(catalog: Catalog) -> None:
    figures = evaluate(catalog)
    share = figures.pct(figures.top3, figures.answerable)
    assert share >= 97.0, (share, figures.missed, figures.false_nothing)


def test_questions_the_catalogue_cannot_answer_are_told_nothing_fits(catalog: Catalog) -> None:
    figures = evaluate(catalog)
    share = figures.pct(figures.nothing_fits, figures.unanswerable)
    assert share >= 90.0, (share, figures.false_hits)
