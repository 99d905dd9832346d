"""`dvc-bot seed --report` seeds, then says how much of the catalogue is still inferred; `search`
prints a fee rule as the card words it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from bot.settings import Settings


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    ours = {name.upper() for name in Settings.model_fields}
    env = {k: v for k, v in os.environ.items() if k.upper() not in ours}
    env.update(DATABASE_URL=f"sqlite+aiosqlite:///{root / 'db.sqlite3'}", DATA_DIR=str(root))
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=root, env=env, capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip


def test_seed_report_counts_what_remains_inferred(tmp_path: Path) -> None:
    done = _run(tmp_path, "seed", "--report")
    assert done.returncode == 0, done.stderr
    assert "Catalogue seeded." in done.stdout
    counts = dict(
        re.findall(r"^\s+(procedures|fee items|form fields)\s+(\d+) of", done.stdout, re.M)
    )
    assert set(counts) == {"procedures", "fee items", "form fields"}, done.stdout
    assert int(counts["fee items"]) > 0 and 0 < int(counts["procedures"]) <= 71
    search = _run(tmp_path, "search", "2.000635")
    assert search.returncode == 0, search.stderr
    assert "8.000 đ/bản" in search.stdout
