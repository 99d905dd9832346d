"""Search that scores its candidates one by one: the reference the bitset short-list must equal.

This is how `SearchIndex` short-listed procedures before the bitsets (services/search_bits.py):
walk each query word's posting lists and add its value to every candidate in a dict. Same
index, same matches, same final ranking rules; only the short-list differs in how it is
computed. Tests check both give the same ranked results, and bench/search_latency.py measures
both in one run.
"""

from __future__ import annotations

from collections.abc import Iterable

from services.search import CANDIDATE_POOL, SearchIndex


class ScanSearchIndex(SearchIndex):
    """`SearchIndex` with the candidate-by-candidate short-list."""

    def _shortlist(self, tokens: list[str], limit: int) -> list[tuple[float, int]]:
        scores: dict[int, float] = {}
        covered: dict[int, int] = {}
        for size, matches in self._plans(tokens):
            best: dict[int, float] = {}
            scan = len(scores) < CANDIDATE_POOL or size <= len(scores)
            for word, trust in matches.items():
                boost = trust * self._idf[word]
                posting = self._postings[word]
                pairs: Iterable[tuple[int, float]] = (
                    posting.items() if scan else ((i, posting[i]) for i in scores if i in posting)
                )
                for index, weight in pairs:
                    value = boost * weight
                    if value > best.get(index, 0.0):
                        best[index] = value
            for index, value in best.items():
                scores[index] = scores.get(index, 0.0) + value
                covered[index] = covered.get(index, 0) + 1
        count = len(tokens)
        return sorted(
            ((score * (covered[i] / count) ** 2, i) for i, score in scores.items()), reverse=True
        )[:limit]
