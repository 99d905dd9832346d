"""The bot's processes as a test runs them: `python -m bot.cli <role>` with a log of its own,
started, waited for, killed like a power cut, or stopped."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from tests.privacy import SERVER_LOGS

START_TIMEOUT = 120.0  # worker start-up imports a lot; a busy CI machine is slow at it


async def until(condition: Callable[[], Awaitable[bool]], what: str, timeout: float = 30.0) -> None:  # noqa: ASYNC109
    """Poll `condition` until it holds; AssertionError naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


@dataclass
class Role:
    """One `python -m bot.cli <args>` process, with its own log; `ready` is the log line
    each of its processes writes once it serves (see wait_ready)."""

    name: str
    args: list[str]
    root: Path
    env: dict[str, str]
    ready: str = ""
    processes: int = 1
    process: subprocess.Popen[bytes] | None = None
    _log_start: int = 0

    @property
    def log(self) -> Path:
        return self.root / f"{self.name}.log"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        """Start it (see wait_ready)."""
        assert not self.running
        if self.log not in SERVER_LOGS:
            SERVER_LOGS.append(self.log)  # scanned for personal data at the end of the suite
        self._log_start = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", *self.args],
                cwd=self.root, env=self.env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip

    def said(self, line: str) -> int:
        """How often the role's processes wrote `line` since it was started."""
        if not self.log.exists():
            return 0
        with self.log.open("rb") as log:
            log.seek(self._log_start)
            return log.read().decode(errors="replace").count(line)

    async def wait_ready(self, starts: int | None = None) -> None:
        """Until `starts` processes (default: all of them, once) have said they serve."""
        assert self.ready, f"{self.name} names no log line that says it serves"
        wanted = self.processes if starts is None else starts

        async def ready() -> bool:
            assert self.running, f"{self.name} exited:\n{self.tail()}"
            return self.said(self.ready) >= wanted

        try:
            await until(ready, f"{self.name} to serve", START_TIMEOUT)
        except AssertionError as error:
            raise AssertionError(f"{error}\n{self.tail()}") from None

    def workers(self) -> list[int]:
        """Its child processes (uvicorn spawns workers with multiprocessing)."""
        if self.process is None:
            return []
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == self.process.pid and b"spawn_main" in cmdline:
                found.append(int(entry.name))
        return sorted(found)

    def kill(self) -> None:
        """SIGKILL, as a power cut would (workers too)."""
        if self.process is None:
            return
        children = self.workers()
        if self.running:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
        for pid in children:
            kill_pid(pid)
        self.process = None

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 15 s."""
        if self.process is None:
            return
        if self.running:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None

    def tail(self, lines: int = 40) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def kill_pid(pid: int) -> None:
    """SIGKILL one process, if it still exists."""
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
