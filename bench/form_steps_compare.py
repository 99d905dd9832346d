"""Form and login steps per second: this tree against a baseline commit, in one run.

Issue 10 ("a filing the citizen can trust") adds identity checks, fee rules, validation rules
and versioned drafts to every form step; its bar is that form steps per second fall by no more
than 10 % against the code before it. Both trees run the same scenarios of
`bench/form_steps.py` (SQLite file, inline unit of work: the default deployment), each in a
fresh process, alternating baseline and current `--rounds` times on the same machine; the
best rate of each is compared (the best is the least disturbed by anything else running).

    python bench/form_steps_compare.py                      # baseline: the commit before issue 10
    python bench/form_steps_compare.py --baseline <commit> --rounds 3
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import write_section

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "b142304"  # main before issue 10
# One process measures one tree: its own bench.form_steps against its own code.
DRIVER = """
import asyncio, json, sys, tempfile
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from bench import form_steps
async def main():
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/inline.sqlite3"
        rows = await form_steps.measure("sqlite", url, Path(tmp))
    print("ROWS " + json.dumps(rows))
asyncio.run(main())
"""


def measure_tree(root: Path) -> dict[tuple[str, int], float]:
    """(scenario, chats) → steps/s of one run of the tree's form_steps scenarios."""
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, str(root)],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "LOG_LEVEL": "WARNING"},
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("ROWS "))
    rates: dict[tuple[str, int], float] = {}
    for row in json.loads(line[5:]):
        cells = [c.strip() for c in row.strip("|").split("|")]
        rates[(cells[1], int(cells[2]))] = float(cells[4])
    return rates


def best(runs: list[dict[tuple[str, int], float]]) -> dict[tuple[str, int], float]:
    return {key: max(run[key] for run in runs) for key in runs[0]}


def main(baseline: str, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base_root = Path(tmp) / "baseline"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(base_root), baseline],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        try:
            base_runs, new_runs = [], []
            for n in range(rounds):
                base_runs.append(measure_tree(base_root))
                new_runs.append(measure_tree(ROOT))
                print(f"round {n + 1}: baseline {base_runs[-1]}, current {new_runs[-1]}")
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(base_root)], cwd=ROOT, check=False
            )
    old, new = best(base_runs), best(new_runs)
    rows = []
    for key in old:
        change = (new[key] - old[key]) / old[key] * 100
        verdict = "—"
        if key[0] == "form":
            verdict = "within 10 %" if change >= -10 else "more than 10 % slower"
        rows.append(
            f"| {key[0]} | {key[1]} | {old[key]:.0f} | {new[key]:.0f} | {change:+.1f} % "
            f"| {verdict} |"
        )
        print(f"{key[0]}, {key[1]} chats: baseline {old[key]:.0f}, current {new[key]:.0f} "
              f"steps/s ({change:+.1f} %)")  # fmt: skip
    write_section(
        "form-steps-compare",
        "### Form and login steps per second against the code before issue 10\n\n"
        f"`python bench/form_steps_compare.py` — the scenarios of `bench/form_steps.py` on a "
        f"SQLite file (the default deployment), baseline commit `{baseline}` and the current "
        f"tree each in a fresh process, alternated {rounds} times in one run; the best rate "
        "of each. Issue 10's bar: form steps per second fall by no more than 10 %.\n\n"
        "| scenario | concurrent chats | baseline steps/s | current steps/s | change | bar |\n"
        "|---|---|---|---|---|---|\n" + "\n".join(rows),
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    main(args.baseline, args.rounds)
