"""Search quality on the labelled set, and search latency on 5,000 procedures.

Run: python bench/search_quality.py [--label TEXT]. Prints top-1, top-3 and "nothing fits"
accuracy on tests/data/search_labelled.yaml (as `dvc-bot search` and the bot rank: the
catalogue with its synonyms and where-to-go files), the queries that miss, and the p95 of one
search on a synthetic 5,000-procedure catalogue; then adds a row to the table in the
"search-quality" section of docs/benchmarks.md (earlier rows are kept).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import REPORT, percentile, write_section
from bench.search_latency import synthetic
from services.agencies import Agencies
from services.catalog_index import Catalog
from services.search import SearchIndex
from storage.admin_units import load_places
from storage.seed import all_agencies, load_catalog_data, load_search_words, load_where_to_go
from tests.search_labels import Figures, evaluate, load

TARGETS = "top-3 ≥ 97 % answerable; ≥ 90 % unanswerable told nothing fits; p95 ≤ 5 ms"
HEADER = (
    "| run | answerable | top-1 | top-3 | unanswerable | nothing fits | p95 ms (5,000) "
    "| CPU p95 ms |\n|---|---|---|---|---|---|---|---|"
)


def latency_p95(rounds: int = 3) -> tuple[float, float]:
    """p95 in ms (wall clock, CPU time) of one search over the labelled queries on 5,000
    synthetic procedures. The CPU figure does not grow when other processes share the cores."""
    data = load_catalog_data()
    sectors = {s.id: f"{s.name.vi} {s.name.en}" for s in data.sectors}
    index = SearchIndex(synthetic(data.procedures, 5000), sectors, load_search_words())
    labelled = load()
    queries = [c["q"] for c in labelled["answerable"]] + list(labelled["unanswerable"])
    for query in queries:  # warm up
        index.search(query, 10)
    wall, cpu = [], []
    for _ in range(rounds):
        for query in queries:
            start, start_cpu = time.perf_counter(), time.process_time()
            index.search(query, 10)
            cpu.append((time.process_time() - start_cpu) * 1000)
            wall.append((time.perf_counter() - start) * 1000)
    return percentile(wall, 95), percentile(cpu, 95)


def _row(label: str, f: Figures, p95: tuple[float, float]) -> str:
    return (
        f"| {label} | {f.answerable} | {f.pct(f.top1, f.answerable):.1f} % | "
        f"{f.pct(f.top3, f.answerable):.1f} % | {f.unanswerable} | "
        f"{f.pct(f.nothing_fits, f.unanswerable):.1f} % | {p95[0]:.2f} | {p95[1]:.2f} |"
    )


def _earlier_rows() -> list[str]:
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else ""
    section = text.split("<!-- search-quality:start -->")[-1].split("<!-- search-quality:end")[0]
    if "<!-- search-quality:start -->" not in text:
        return []
    return [line for line in section.splitlines() if re.match(r"\| (?!run |---)", line)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--label", default="current", help="name of this run in the table")
    args = parser.parse_args()
    data = load_catalog_data()
    agencies = Agencies(all_agencies(data, load_places(), "04", "H04"))
    catalog = Catalog(data, agencies, load_search_words(), load_where_to_go())
    figures = evaluate(catalog)
    p95 = latency_p95()
    f = figures
    print(
        f"answerable {f.answerable}: top-1 {f.pct(f.top1, f.answerable):.1f} %, "
        f"top-3 {f.pct(f.top3, f.answerable):.1f} %; unanswerable {f.unanswerable}: "
        f"nothing fits {f.pct(f.nothing_fits, f.unanswerable):.1f} %; "
        f"p95 {p95[0]:.2f} ms (CPU {p95[1]:.2f} ms)"
    )
    misses = [
        ("not in the top 3", figures.missed),
        ("answered nothing fits, wrongly", figures.false_nothing),
        ("answered with a procedure, wrongly", figures.false_hits),
    ]
    for title, items in misses:
        for item in items:
            print(f"  {title}: {item}")
    rows = [*_earlier_rows(), _row(args.label, figures, p95)]
    listed = "\n".join(f"- {title}: {'; '.join(items) or 'none'}" for title, items in misses)
    body = (
        "### Search quality (labelled set)\n\n"
        "`python bench/search_quality.py` — tests/data/search_labelled.yaml, written as citizens "
        "type (no diacritics, abbreviations, typos, questions, English) before the search was "
        "tuned: answerable queries with the right procedures, and queries the catalogue has no "
        "procedure for. top-k: a right procedure among the first k results; nothing fits: "
        f"search returned []. p95: one search on 5,000 synthetic procedures, wall clock and CPU "
        f"time (the machine is shared; CPU time is what the search itself costs). "
        f"Targets: {TARGETS}."
        f"\n\n{HEADER}\n" + "\n".join(rows) + f"\n\nMisses of the last run:\n\n{listed}\n"
    )
    write_section("search-quality", body)


if __name__ == "__main__":
    main()
