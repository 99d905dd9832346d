"""One scheduler per database, on SQLite (a lock file) and PostgreSQL (an advisory lock): a
second one is refused while the first holds the lock, may start once it is released, and a
scheduler killed outright leaves nothing behind that blocks its successor."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.scheduler_lock import SchedulerBusy, SchedulerLock, acquire_scheduler_lock
from bot.settings import Settings
from tests.privacy import SERVER_LOGS

HOLDER = """
import asyncio
from bot.scheduler_lock import acquire_scheduler_lock
from bot.settings import Settings

async def hold() -> None:
    lock = await acquire_scheduler_lock(Settings())  # kept: a collected connection unlocks
    print("held", flush=True)
    await asyncio.sleep(600)
    await lock.release()

asyncio.run(hold())
"""


@pytest.fixture(params=["sqlite", "postgres"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings of a database of each kind (the lock needs no tables)."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_url")
    return Settings(database_url=url, data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]


async def try_acquire(settings: Settings) -> SchedulerLock | None:
    """The lock, or None when another scheduler holds it."""
    try:
        return await acquire_scheduler_lock(settings)
    except SchedulerBusy:
        return None


async def acquire_eventually(settings: Settings, attempts: int = 100) -> SchedulerLock:
    """The lock, once the server has noticed that its holder is gone."""
    for _ in range(attempts):
        lock = await try_acquire(settings)
        if lock is not None:
            return lock
        await asyncio.sleep(0.1)
    raise AssertionError("the lock of a killed scheduler was never freed")


async def test_a_second_scheduler_is_refused_until_the_first_releases(settings: Settings) -> None:
    first = await acquire_scheduler_lock(settings)
    try:
        with pytest.raises(SchedulerBusy):
            await acquire_scheduler_lock(settings)
        with pytest.raises(SchedulerBusy):  # refusing leaves no half-taken lock behind
            await acquire_scheduler_lock(settings)
    finally:
        await first.release()
    second = await acquire_scheduler_lock(settings)
    await second.release()


class Holder:
    """A process that takes the lock, says so, and waits to be killed."""

    def __init__(self, settings: Settings, folder: Path) -> None:
        ours = {name.upper() for name in Settings.model_fields}
        env = {k: v for k, v in os.environ.items() if k.upper() not in ours}
        env.update(DATABASE_URL=settings.database_url, DATA_DIR=str(settings.data_dir))
        self.log = folder / "holder.log"
        SERVER_LOGS.append(self.log)
        root = Path(__file__).resolve().parents[2]
        with self.log.open("w") as errors:
            self.process = subprocess.Popen(
                [sys.executable, "-c", HOLDER], cwd=root, env=env, text=True,
                stdout=subprocess.PIPE, stderr=errors,
            )  # fmt: skip

    def wait_held(self) -> None:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()  # blocks until the lock is taken (or it died)
        assert line.strip() == "held", self.log.read_text()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)
        if self.process.stdout is not None:
            self.process.stdout.close()


@pytest.fixture
def holder(settings: Settings, tmp_path: Path) -> Iterator[Holder]:
    process = Holder(settings, tmp_path)
    yield process
    process.kill()


async def test_the_lock_of_a_killed_scheduler_is_free_again(
    settings: Settings, holder: Holder
) -> None:
    await asyncio.to_thread(holder.wait_held)
    assert await try_acquire(settings) is None  # it is held by the other process
    holder.kill()  # SIGKILL: no release, no clean-up of any kind
    assert holder.process.returncode == -signal.SIGKILL
    lock = await acquire_eventually(settings)
    await lock.release()
