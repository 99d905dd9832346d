"""End-to-end fixtures: the real `dvc-bot run` process and headless Debian Chromium."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, sync_playwright

from bot.bootstrap import prepare_database
from bot.settings import Settings
from tests.e2e.accessibility import axe_script
from tests.privacy import SERVER_LOGS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """`python -m bot.cli run` in its own directory, so that no .env is picked up.

    The port and the data directory stay the same across restarts, so a restarted server
    serves the same database to the same page.
    """

    def __init__(
        self, root: Path, port: int | None = None, env: dict[str, str] | None = None
    ) -> None:
        self.root = root
        self.extra_env = dict(env or {})
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = root / "server.log"
        SERVER_LOGS.append(self.log_path)  # scanned for personal data at the end of the suite
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def env(self) -> dict[str, str]:
        """The environment of the server process."""
        ours = {name.upper() for name in Settings.model_fields}
        env = {k: v for k, v in os.environ.items() if k.upper() not in ours}
        env.update(
            PORT=str(self.port),
            HOST="127.0.0.1",
            DATABASE_URL=f"sqlite+aiosqlite:///{self.root / 'db.sqlite3'}",
            DATA_DIR=str(self.root),
            PYTHONUNBUFFERED="1",
            FLOOD_BURST="0",  # browsers click at machine speed (see tests/conftest.py)
        )
        env.update(self.extra_env)
        return env

    @property
    def running(self) -> bool:
        """Whether the process is alive."""
        return self._process is not None and self._process.poll() is None

    def start(self, timeout: float = START_TIMEOUT) -> None:
        """Start the server and wait until /healthz answers."""
        if self.running:
            raise RuntimeError("the server is already running")
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "run"],
                cwd=self.root,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_healthy(timeout)

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running:
                raise RuntimeError(f"the server exited early:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        self.kill()
        raise TimeoutError(f"no /healthz within {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        """Stop gracefully (SIGTERM), killing the process if it does not exit in time."""
        if self._process is None:
            return
        if self.running:
            self._process.terminate()
            try:
                self._process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(STOP_TIMEOUT)
        self._process = None

    def kill(self) -> None:
        """Kill the process at once (SIGKILL), as a crash or a power cut would."""
        if self._process is None:
            return
        if self.running:
            self._process.send_signal(signal.SIGKILL)
            self._process.wait(STOP_TIMEOUT)
        self._process = None

    def restart(self) -> None:
        """Stop (if running) and start again on the same port and data directory."""
        self.stop()
        self.start()

    def log_tail(self, lines: int = 40) -> str:
        """The end of the server's output, for failure messages."""
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server shared by the tests that do not stop it; each test uses new chats."""
    server = LiveServer(tmp_path_factory.mktemp("live"))
    server.start()
    yield server
    server.stop()
    print(f"--- {server.log_path}\n{server.log_tail()}")  # shown when a test failed


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A server of the test's own, which the test may kill and restart."""
    server = LiveServer(tmp_path)
    server.start()
    yield server
    server.stop()
    print(f"--- {server.log_path}\n{server.log_tail()}")  # shown when the test failed


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless; Playwright's own browser downloads are never used.

    Module scope: the sync API runs an event loop in this thread while it is open, which
    would stop pytest-asyncio from running the async tests collected after this module.
    """
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile (its own sessionStorage) at a phone's size."""
    ctx = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="vi-VN", device_scale_factor=1
    )
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated and seeded SQLite file that tests copy (seeding takes seconds)."""
    folder = tmp_path_factory.mktemp("seeded")
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{folder}/db.sqlite3",
        data_dir=folder,
        _env_file=None,  # type: ignore[call-arg]
    )

    async def prepare() -> None:
        engine = await prepare_database(settings)
        await engine.dispose()

    with ThreadPoolExecutor(1) as pool:  # its own event loop, whatever runs in this thread
        pool.submit(asyncio.run, prepare()).result()
    return folder / "db.sqlite3"


@pytest.fixture(scope="session")
def axe() -> str:
    """axe-core's script (installed from tests/e2e/axe with `npm ci` when missing)."""
    try:
        return axe_script()
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
