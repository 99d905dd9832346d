"""The labelled search set (tests/data/search_labelled.yaml) and its accuracy figures.

Shared by the quality test and bench/search_quality.py so both count the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from services.catalog_index import Catalog

LABELLED = Path(__file__).parent / "data" / "search_labelled.yaml"


@dataclass(frozen=True)
class Figures:
    """Accuracy on the labelled set, with the queries that missed."""

    answerable: int
    top1: int
    top3: int
    unanswerable: int
    nothing_fits: int
    missed: list[str] = field(default_factory=list)
    false_hits: list[str] = field(default_factory=list)
    false_nothing: list[str] = field(default_factory=list)

    def pct(self, part: int, whole: int) -> float:
        """part / whole in percent."""
        return 100.0 * part / whole if whole else 0.0


def load() -> dict[str, Any]:
    """The labelled set as written."""
    data: dict[str, Any] = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))
    return data


def evaluate(catalog: Catalog) -> Figures:
    """Run every labelled query through the catalogue's search, as `dvc-bot search` does."""
    data = load()
    top1 = top3 = nothing = 0
    missed: list[str] = []
    false_nothing: list[str] = []
    false_hits: list[str] = []
    for case in data["answerable"]:
        ids = [hit.procedure.id for hit in catalog.search(case["q"], 3)]
        expected = list(case["expect"])
        if ids and ids[0] in expected:
            top1 += 1
        if set(ids) & set(expected):
            top3 += 1
        else:
            (missed if ids else false_nothing).append(f"{case['q']!r} → {ids}")
    for query in data["unanswerable"]:
        ids = [hit.procedure.id for hit in catalog.search(query, 3)]
        if not ids:
            nothing += 1
        else:
            false_hits.append(f"{query!r} → {ids}")
    return Figures(
        answerable=len(data["answerable"]),
        top1=top1,
        top3=top3,
        unanswerable=len(data["unanswerable"]),
        nothing_fits=nothing,
        missed=missed,
        false_hits=false_hits,
        false_nothing=false_nothing,
    )
