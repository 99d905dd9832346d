"""The app as an operator runs it, from any source tree: `python -m bot.cli run` (or `web` and
`scheduler`) in a process of its own, its settings from the environment only, its code from
the tree being measured (PYTHONPATH). Used by bench/reply_burst.py and bench/push_latency.py
to measure this checkout and a baseline commit (checked out with `git worktree`) in one run,
against the fake Bot API and the harness of this checkout."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WEBHOOK_SECRET = "bench-Webhook_secret-0123456789"
SECRET_KEY = "bench-secret-key-0123456789abcdef-0123456789"


@contextlib.contextmanager
def source_tree(commit: str | None) -> Iterator[Path]:
    """This checkout (commit None), or `commit` checked out in a temporary worktree."""
    if commit is None:
        yield ROOT
        return
    with tempfile.TemporaryDirectory(prefix="dvc-baseline-") as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(tree), commit],
            cwd=ROOT, check=True, capture_output=True,
        )  # fmt: skip
        try:
            yield tree
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False
            )


def named_trees(names: list[str], baseline: str) -> list[tuple[str, str | None]]:
    """(name, commit) of each tree asked for: "baseline" (the `baseline` commit), "current"
    (this checkout, commit None) or "<name>=<commit or branch>"."""
    trees: list[tuple[str, str | None]] = []
    for name in names:
        if "=" in name:
            label, commit = name.split("=", 1)
            trees.append((label, commit))
        else:
            trees.append((name, baseline if name == "baseline" else None))
    return trees


def tree_name(name: str) -> str:
    """argparse type of --trees: baseline, current or <name>=<commit>."""
    if name in ("baseline", "current") or ("=" in name and all(name.split("=", 1))):
        return name
    raise ValueError(name)


def environment(tree: Path, settings: dict[str, str]) -> dict[str, str]:
    """The process environment: the caller's, without any dvc-bot setting, plus `settings`."""
    from bot.settings import Settings  # the names of the settings to keep out

    ours = {name.upper() for name in Settings.model_fields}
    env = {k: v for k, v in os.environ.items() if k.upper() not in ours}
    env.update(PYTHONPATH=str(tree), LOG_LEVEL="WARNING", SECRET_KEY=SECRET_KEY)
    env.update(settings)
    return env


def telegram_settings(
    api: str, token: str, port: int, webhook: bool, framework: str
) -> dict[str, str]:
    """Telegram through the fake Bot API at `api`, by webhook or by polling."""
    settings = {
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_BASE_URL": api,
        "BOT_FRAMEWORK": framework,
    }
    if webhook:
        settings["TELEGRAM_WEBHOOK_URL"] = f"http://127.0.0.1:{port}/telegram/webhook"
        settings["TELEGRAM_WEBHOOK_SECRET"] = WEBHOOK_SECRET
    return settings


class AppProcess:
    """One `python -m bot.cli <role>` process of a tree; its output goes to `log`."""

    def __init__(self, tree: Path, env: dict[str, str], folder: Path, *role: str) -> None:
        self.tree, self.env, self.folder, self.role = tree, env, folder, role
        self.log = folder / f"{role[0]}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> AppProcess:
        """Spawn it (cwd: the data folder, so no .env of a checkout is read)."""
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", *self.role],
                cwd=self.folder, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        return self

    def check_alive(self) -> None:
        """RuntimeError with the end of its log when it has exited."""
        if self.process is not None and self.process.poll() is not None:
            tail = self.log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{self.role[0]} exited with {self.process.returncode}:\n{tail}")

    def errors_logged(self, keep: int = 5) -> list[str]:
        """The last ERROR / Traceback lines it logged."""
        if not self.log.exists():
            return []
        lines = self.log.read_text(errors="replace").splitlines()
        return [line[:240] for line in lines if "ERROR" in line or "Error:" in line][-keep:]

    def stop(self) -> None:
        """SIGTERM (a clean shutdown), then SIGKILL after 20 s."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


async def wait_for(
    condition: object,
    processes: list[AppProcess],
    timeout: float,  # noqa: ASYNC109 - a deadline
    what: str,
) -> None:
    """Poll `condition()` (sync or async) until true; fail when a process dies or time is up."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()  # type: ignore[operator]
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        for process in processes:
            process.check_alive()
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(0.1)


async def wait_for_scheduler(
    database_url: str,
    processes: list[AppProcess],
    timeout: float = 60.0,  # noqa: ASYNC109 - a deadline
) -> None:
    """Until the scheduler's heartbeat is in the database; after `timeout` go on with a
    warning (a tree whose scheduler writes no heartbeat is still measured)."""
    try:
        await wait_for(lambda: scheduler_running(database_url), processes, timeout, "heartbeat")
    except RuntimeError as error:
        if "timed out" not in str(error):
            raise
        print(f"    no scheduler heartbeat within {timeout:.0f} s: going on", flush=True)


async def scheduler_running(database_url: str) -> bool:
    """Whether a scheduler has written its heartbeat into the database."""
    query = "SELECT count(*) FROM job_cursor WHERE name = 'scheduler:heartbeat'"
    if database_url.startswith("sqlite"):
        path = database_url.split("///", 1)[1]
        try:  # mode=rw: a file not there yet is not created
            uri = f"file:{path}?mode=rw"
            with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=1)) as connection:
                return bool(connection.execute(query).fetchone()[0])
        except sqlite3.Error:
            return False
    import asyncpg

    try:
        connection = await asyncpg.connect(database_url.replace("+asyncpg", ""))
    except (OSError, asyncpg.PostgresError):
        return False
    try:
        return bool(await connection.fetchval(query))
    except asyncpg.PostgresError:
        return False
    finally:
        await connection.close()


def head_commit(tree: Path) -> str:
    """The short commit hash of a tree (with "+" when it has uncommitted changes)."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=tree, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=tree, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    return commit + ("+" if dirty else "")
