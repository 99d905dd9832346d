"""`dvc-bot seed --report` seeds, then says how much of the catalogue is still inferred; `search`
prints a fee rule as the card words it."""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.cli import run_cli


def test_seed_report_counts_what_remains_inferred(tmp_path: Path) -> None:
    done = run_cli(tmp_path, "seed", "--report")
    assert done.returncode == 0, done.stderr
    assert "Catalogue seeded." in done.stdout
    counts = dict(
        re.findall(r"^\s+(procedures|fee items|form fields)\s+(\d+) of", done.stdout, re.M)
    )
    assert set(counts) == {"procedures", "fee items", "form fields"}, done.stdout
    assert int(counts["fee items"]) > 0 and 0 < int(counts["procedures"]) <= 71
    search = run_cli(tmp_path, "search", "2.000635")
    assert search.returncode == 0, search.stderr
    assert "8.000 đ/bản" in search.stdout
