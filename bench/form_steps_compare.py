"""Form and login steps per second: this tree against a baseline commit, in one run.

Issue 10 ("a filing the citizen can trust") adds identity checks, fee rules, validation rules
and versioned drafts to every form step; its bar is that form steps per second fall by no more
than 10 % against the code before it. Both trees run the scenarios of `bench/form_steps.py`
(SQLite file, inline unit of work: the default deployment) with their own code, each in a
fresh process, alternating baseline and current `--rounds` times on the same machine. The best
rate of each is compared (the best is the least disturbed by anything else running), per
second of wall-clock time and per second of the process's own CPU time.

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
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import write_section

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "b142304"  # main before issue 10
Rates = dict[tuple[str, int], tuple[float, float]]
# One process measures one tree: its own bench.form_steps helpers against its own code.
DRIVER = """
import asyncio, json, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from bench import form_steps as fs
from bot.bootstrap import build
from bot.settings import Settings
from storage.demo_registry import DemoCitizenRegistry
SCENARIOS = (("form", 1, 2000), ("form", 16, 125), ("login", 1, 500), ("login", 16, 60))
async def main():
    rates = []
    with tempfile.TemporaryDirectory() as tmp:
        sms = fs.CapturingSms()
        url = f"sqlite+aiosqlite:///{tmp}/b.sqlite3"
        settings = Settings(database_url=url, data_dir=Path(tmp))
        app = await build(settings, sms=sms, registry=DemoCitizenRegistry(fs.bench_people()))
        load = fs.Load(app.router, sms)
        await load.run("form", 4, 50)
        await load.run("login", 2, 20)
        for scenario, chats, steps in SCENARIOS:
            cpu = time.process_time()
            wall = await load.run(scenario, chats, steps)
            cpu = time.process_time() - cpu
            rates.append([scenario, chats, wall, len(load.latencies) / cpu])
        await app.close()
    print("RATES " + json.dumps(rates))
asyncio.run(main())
"""


def measure_tree(root: Path) -> Rates:
    """(scenario, chats) -> (steps per second, steps per CPU-second) of one run of a tree."""
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, str(root)],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "LOG_LEVEL": "WARNING"},
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("RATES "))
    return {(row[0], row[1]): (row[2], row[3]) for row in json.loads(line[6:])}


def best(runs: list[Rates], which: int) -> dict[Any, float]:
    """The best of the runs, per scenario: 0 = steps per second, 1 = per CPU-second."""
    return {key: max(run[key][which] for run in runs) for key in runs[0]}


def compare(base_runs: list[Rates], new_runs: list[Rates]) -> list[str]:
    """The table rows, printed as they are made."""
    old, new = best(base_runs, 0), best(new_runs, 0)
    old_cpu, new_cpu = best(base_runs, 1), best(new_runs, 1)
    rows = []
    for key in old:
        change = (new[key] - old[key]) / old[key] * 100
        cpu_change = (new_cpu[key] - old_cpu[key]) / old_cpu[key] * 100
        verdict = "—"
        if key[0] == "form":
            verdict = "within 10 %" if cpu_change >= -10 else "more than 10 % slower"
        rows.append(
            f"| {key[0]} | {key[1]} | {old[key]:.0f} | {new[key]:.0f} | {change:+.1f} % "
            f"| {old_cpu[key]:.0f} | {new_cpu[key]:.0f} | {cpu_change:+.1f} % | {verdict} |"
        )
        print(f"{key[0]}, {key[1]} chats: baseline {old[key]:.0f}, current {new[key]:.0f} "
              f"steps/s ({change:+.1f} %); per CPU-second {old_cpu[key]:.0f} -> "
              f"{new_cpu[key]:.0f} ({cpu_change:+.1f} %)")  # fmt: skip
    return rows


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
    rows = compare(base_runs, new_runs)
    write_section(
        "form-steps-compare",
        "### Form and login steps per second against the code before issue 10\n\n"
        f"`python bench/form_steps_compare.py` — the scenarios of `bench/form_steps.py` on a "
        f"SQLite file (the default deployment), baseline commit `{baseline}` and the current "
        f"tree each in a fresh process, alternated {rounds} times in one run; the best rate "
        "of each. Issue 10's bar: form steps per second fall by no more than 10 %. Steps per "
        "CPU-second (the process's own CPU time) stand beside the wall-clock rate: they are "
        "what the code costs whatever else the machine runs, and the bar is read on them.\n\n"
        "| scenario | chats | baseline steps/s | current steps/s | change "
        "| baseline per CPU-s | current per CPU-s | change | bar |\n"
        "|---|---|---|---|---|---|---|---|---|\n" + "\n".join(rows),
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    main(args.baseline, args.rounds)
