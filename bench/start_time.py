"""Start-up: `dvc-bot --help`, `dvc-bot search` and `dvc-bot run` (until /readyz answers 200)
next to Python's own start-up (`python -c pass`), in one run, with each process's peak RSS.

Targets (issue 16): `dvc-bot search` ≤ 0.5 s over `python -c pass`; `dvc-bot run` ready in
≤ 2.5 s on an empty data folder. Run: python bench/start_time.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import write_section

REPO = Path(__file__).resolve().parents[1]
SEARCH_OVER_PYTHON_S = 0.5
READY_S = 2.5


def _our_settings() -> set[str]:
    """Our settings' names, asked of a child: this process stays small, since a child's
    peak RSS (ru_maxrss) starts from its parent's before `exec`."""
    names = subprocess.run(
        [sys.executable, "-c", "from bot.settings import Settings; print(*Settings.model_fields)"],
        cwd=REPO, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return {name.upper() for name in names.stdout.split()}


def _env(root: Path, cache: Path, ours: set[str]) -> dict[str, str]:
    """This checkout's code, none of our settings from the environment, data in `root`."""
    env = {k: v for k, v in os.environ.items() if k.upper() not in ours}
    env.update(
        DATABASE_URL=f"sqlite+aiosqlite:///{root / 'db.sqlite3'}",
        DATA_DIR=str(root),
        PYTHONPATH=str(REPO),
        XDG_CACHE_HOME=str(cache),
    )
    return env


def _timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one process run to its end."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{argv} failed: {child.stderr.read().decode() if child.stderr else ''}")
    return wall, usage.ru_maxrss / 1024


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _ready(env: dict[str, str]) -> tuple[float, float]:
    """`dvc-bot run` on `env`'s data folder: seconds until /readyz answers 200, and RSS then."""
    port = _free_port()
    env = {**env, "PORT": str(port)}
    url = f"http://127.0.0.1:{port}/readyz"
    log = Path(env["DATA_DIR"]) / "run.log"
    start = time.perf_counter()
    with log.open("ab") as sink:
        child = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run"], env=env, stdout=sink, stderr=sink
        )
    try:
        while True:
            if child.poll() is not None:
                raise SystemExit(f"dvc-bot run exited with {child.returncode}: {log.read_text()}")
            try:
                with urllib.request.urlopen(url, timeout=1) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.01)
        ready = time.perf_counter() - start
        status = Path(f"/proc/{child.pid}/status").read_text()
        rss = next(int(line.split()[1]) for line in status.splitlines() if "VmRSS" in line)
        return ready, rss / 1024
    finally:
        child.send_signal(signal.SIGINT)
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _uptime() -> str:
    done = subprocess.run(["uptime"], capture_output=True, text=True, check=False)
    return done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    load_before = _uptime()
    samples: dict[str, list[tuple[float, float]]] = {}
    cli = [sys.executable, "-m", "bot.cli"]
    ours = _our_settings()
    with tempfile.TemporaryDirectory() as scratch:
        cache = Path(scratch) / "cache"
        warm = _env(Path(scratch) / "warm", cache, ours)
        Path(warm["DATA_DIR"]).mkdir()
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "dvc-bot --help": [*cli, "--help"],
            "dvc-bot search «tam tru»": [*cli, "search", "tam tru"],
        }
        _timed(commands["dvc-bot search «tam tru»"], warm)  # fills the catalogue cache
        for _ in range(rounds):  # interleaved, so load on the machine hits every row alike
            for label, argv in commands.items():
                samples.setdefault(label, []).append(_timed(argv, warm))
            for label, cold_cache in (("empty data folder", True), ("again, same folder", False)):
                root = Path(tempfile.mkdtemp(dir=scratch))
                fresh = Path(tempfile.mkdtemp(dir=scratch))
                env = _env(root, fresh if cold_cache else cache, ours)
                if not cold_cache:
                    _ready(env)  # migrate and seed once, then measure a restart
                samples.setdefault(f"dvc-bot run until /readyz 200 ({label})", []).append(
                    _ready(env)
                )
    _report(samples, rounds, load_before, _uptime())


def _report(
    samples: dict[str, list[tuple[float, float]]], rounds: int, before: str, after: str
) -> None:
    python = statistics.median(wall for wall, _ in samples["python -c pass"])
    rows, verdicts = [], []
    for label, runs in samples.items():
        walls = [wall for wall, _ in runs]
        median, rss = statistics.median(walls), max(r for _, r in runs)
        rows.append(
            f"| {label} | {median:.2f} | {min(walls):.2f}–{max(walls):.2f} | "
            f"{median - python:+.2f} | {rss:.0f} |"
        )
        print(f"{label}: median {median:.2f} s ({median - python:+.2f} s), RSS {rss:.0f} MiB")
        if label.startswith("dvc-bot search"):
            ok = median - python <= SEARCH_OVER_PYTHON_S
            verdicts.append(
                f"- `dvc-bot search`: {median - python:.2f} s over Python's start-up: "
                f"{'meets' if ok else 'MISSES'} ≤ {SEARCH_OVER_PYTHON_S} s."
            )
        if label.startswith("dvc-bot run") and "empty" in label:
            ok = median <= READY_S
            verdicts.append(
                f"- `dvc-bot run` on an empty data folder: ready in {median:.2f} s (RSS "
                f"{rss:.0f} MiB): {'meets' if ok else 'MISSES'} ≤ {READY_S} s."
            )
    body = (
        "### Start-up time and memory\n\n"
        f"`python bench/start_time.py --rounds {rounds}` — each command in a new process, "
        f"{rounds} rounds interleaved (so the machine's load hits every row alike), median "
        "wall time and the range; *over Python* = median minus `python -c pass`'s. RSS: the "
        "process's peak (`ru_maxrss`; for `dvc-bot run`: its RSS once /readyz answers). "
        "`dvc-bot run`: SQLite in a new data folder each time (migrations and seeding "
        "included) with an empty catalogue cache; *again*: a restart on an already seeded "
        "folder, warm cache. "
        "`dvc-bot search` prints the plain table (fees included) from the shipped catalogue "
        "with its parsed-file cache warm.\n\n"
        f"Machine load (`uptime`): before `{before}`; after `{after}`.\n\n"
        "| command | median s | range s | over Python s | RSS MiB |\n"
        "|---|---|---|---|---|\n" + "\n".join(rows) + "\n\n" + "\n".join(verdicts)
    )
    write_section("start-time", body)


if __name__ == "__main__":
    main()
