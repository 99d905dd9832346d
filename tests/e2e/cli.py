"""`dvc-bot …` in a process of its own, as an operator runs it, on a SQLite file in `root`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.settings import Settings

REPO = Path(__file__).resolve().parents[2]


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI with this checkout's code and none of our settings from the environment."""
    ours = {name.upper() for name in Settings.model_fields}
    env = {k: v for k, v in os.environ.items() if k.upper() not in ours}
    env.update(DATABASE_URL=f"sqlite+aiosqlite:///{root / 'db.sqlite3'}", DATA_DIR=str(root))
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=root, env=env, capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
