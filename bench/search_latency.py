"""Search latency on the seeded catalogue and on a synthetic 5,000-procedure catalogue.

Target (issue "Foundation"): p95 ≤ 5 ms per query on both. Run: python bench/search_latency.py
"""

from __future__ import annotations

import random
import sys
import time
from dataclasses import replace
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import mean, percentile, write_section
from services.catalog import LocalText, Procedure
from services.search import SearchIndex
from storage.seed import load_catalog_data, load_search_words

QUERIES = [
    q["query"]
    for q in yaml.safe_load(
        (Path(__file__).resolve().parents[1] / "tests" / "data" / "search_queries.yaml").read_text()
    )["queries"]
]
TARGET_P95_MS = 5.0


def synthetic(procedures: tuple[Procedure, ...], size: int, seed: int = 7) -> list[Procedure]:
    """Grow the real catalogue to `size` procedures by recombining real name words."""
    rng = random.Random(seed)
    vocabulary = sorted({w for p in procedures for w in p.name.vi.split()})
    grown = list(procedures)
    for n in range(size - len(procedures)):
        base = rng.choice(procedures)
        extra = " ".join(rng.sample(vocabulary, rng.randint(2, 6)))
        grown.append(
            replace(
                base,
                id=f"syn_{n}",
                code=f"9.{n:06d}",
                name=LocalText(f"{base.name.vi} {extra}", f"{base.name.en} {n}"),
                aliases=(),
            )
        )
    return grown


def measure(index: SearchIndex, rounds: int) -> tuple[list[float], float]:
    timings: list[float] = []
    for _ in range(rounds):
        for query in QUERIES:
            start = time.perf_counter()
            index.search(query, 10)
            timings.append((time.perf_counter() - start) * 1000)
    return timings, len(timings) / (sum(timings) / 1000)


def main() -> None:
    data = load_catalog_data()
    sectors = {s.id: f"{s.name.vi} {s.name.en}" for s in data.sectors}
    rows = []
    for label, procedures, rounds in (
        (f"seeded ({len(data.procedures)} procedures)", list(data.procedures), 40),
        ("synthetic (5,000 procedures)", synthetic(data.procedures, 5000), 8),
    ):
        start = time.perf_counter()
        index = SearchIndex(procedures, sectors, load_search_words())
        build_ms = (time.perf_counter() - start) * 1000
        measure(index, 1)  # warm up
        timings, _ = measure(index, rounds)
        p50, p95, p99 = (percentile(timings, p) for p in (50, 95, 99))
        verdict = "meets" if p95 <= TARGET_P95_MS else "MISSES"
        rows.append(
            f"| {label} | {len(timings)} | {mean(timings):.2f} | {p50:.2f} | {p95:.2f} | "
            f"{p99:.2f} | {build_ms:.0f} | {verdict} p95 ≤ {TARGET_P95_MS:g} ms |"
        )
        print(f"{label}: p50 {p50:.2f}, p95 {p95:.2f}, p99 {p99:.2f} ms; index {build_ms:.0f} ms")
    body = (
        "### Search latency\n\n"
        f"`python bench/search_latency.py` — the {len(QUERIES)} queries of the search-quality "
        "table (diacritics on/off, typos, codes, colloquial and English names), top 10 results, "
        "in-process, after one warm-up round.\n\n"
        "| catalogue | queries | mean ms | p50 ms | p95 ms | p99 ms | index build ms | target |\n"
        "|---|---|---|---|---|---|---|---|\n" + "\n".join(rows)
    )
    write_section("search-latency", body)


if __name__ == "__main__":
    main()
